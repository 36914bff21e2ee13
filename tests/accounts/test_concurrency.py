"""Linking logins at the same moment, on PostgreSQL with real threads."""

from __future__ import annotations

from functools import partial

import pytest

from accounts.models import LoginLink, Person
from accounts.services import person_login_link
from mening_uyim.demo import Cast
from tests.concurrency import race
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_links_of_one_person_at_once_leave_a_consistent_record(cast: Cast) -> None:
    person = cast.users["owner"].person
    first, second = UserFactory.create(), UserFactory.create()
    outcomes = race(
        partial(person_login_link, person=person, user=first, by=cast.users["admin"]),
        partial(person_login_link, person=person, user=second, by=cast.users["admin"]),
    )
    assert outcomes == ["ok", "ok"], outcomes  # serialised by the person's row lock
    person.refresh_from_db()
    links = list(LoginLink.objects.filter(person=person).order_by("at", "pk"))
    assert len(links) == 2
    assert links[1].previous_user_id == links[0].user_id  # each saw the other's result
    assert person.user_id == links[1].user_id


def test_one_login_linked_to_two_people_at_once_links_one(cast: Cast) -> None:
    login = UserFactory.create()
    people = [cast.users["neighbour"].person, cast.users["outsider"].person]
    outcomes = race(
        *(partial(person_login_link, person=p, user=login, by=cast.users["admin"]) for p in people)
    )
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert Person.objects.filter(user=login).count() == 1
    assert LoginLink.objects.filter(user=login).count() == 1
