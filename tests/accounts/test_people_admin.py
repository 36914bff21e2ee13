"""People in the inspection console (issue 8, point 7): an inspector sees the people who
own in their region, no one else; linking a login to a person is an administrator's act,
and it is recorded."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import LoginLink, Person
from accounts.permissions import roles_of
from accounts.policies import person_visible
from mening_uyim.demo import Cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _change_url(person: Person) -> str:
    return f"/admin/accounts/person/{person.pk}/change/"


def _form(person: Person, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "pinfl": person.pinfl,
        "full_name": person.full_name,
        "phone": person.phone,
        "user": person.user_id or "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("key", ["inspector", "other_inspector"])
def test_the_admin_and_the_policy_agree_on_who_sees_each_person(
    client: Client, cast: Cast, key: str
) -> None:
    user = cast.users[key]
    client.force_login(user)
    roles = roles_of(user)
    for person in Person.objects.all():
        expected = 200 if person_visible(roles, person, user.pk) else 404
        assert client.get(_change_url(person)).status_code == expected, person


def test_a_samarkand_inspector_cannot_open_a_tashkent_council_member(
    client: Client, cast: Cast
) -> None:
    council = Person.objects.get(user=cast.users["council"])
    client.force_login(cast.users["other_inspector"])
    assert client.get(_change_url(council)).status_code == 404
    listing = client.get("/admin/accounts/person/").content.decode()
    assert council.pinfl not in listing


def test_a_regional_inspector_cannot_relink_an_owners_login(client: Client, cast: Cast) -> None:
    owner = cast.users["owner"]
    person = owner.person
    intruder = UserFactory.create()
    client.force_login(cast.users["inspector"])
    assert client.get(_change_url(person)).status_code == 200
    client.post(_change_url(person), _form(person, user=intruder.pk))
    person.refresh_from_db()
    assert person.user_id == owner.pk
    assert not LoginLink.objects.exists()
    assert roles_of(type(owner).objects.get(pk=owner.pk)).is_owner
    assert not roles_of(intruder).is_owner


def test_an_administrator_relinks_and_it_is_recorded(client: Client, cast: Cast) -> None:
    owner = cast.users["owner"]
    person = owner.person
    new_login = UserFactory.create()
    client.force_login(cast.users["admin"])
    response = client.post(
        _change_url(person), _form(person, user=new_login.pk, link_reason="OneID")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user_id == new_login.pk
    link = LoginLink.objects.get()
    assert (link.previous_user_id, link.user_id, link.by_id) == (
        owner.pk,
        new_login.pk,
        cast.users["admin"].pk,
    )
    assert link.reason == "OneID"
    assert roles_of(type(new_login).objects.get(pk=new_login.pk)).is_owner
    assert not roles_of(type(owner).objects.get(pk=owner.pk)).is_owner
