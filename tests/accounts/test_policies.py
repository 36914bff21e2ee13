"""Roles (accounts.permissions) and the accounts policies: people and the console."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Person, Role
from accounts.permissions import roles_of
from accounts.policies import admin_access, person_scope_q, person_visible
from accounts.services import membership_grant
from accounts.validators import validate_pinfl
from mening_uyim.demo import Cast
from organizations.policies import staff_manageable, staff_visible
from tests.factories import ManagementCompanyFactory, PersonFactory, UserFactory, pinfl_for

pytestmark = pytest.mark.django_db


def test_factories_make_valid_pinfls() -> None:
    for n in range(0, 5000, 7):
        validate_pinfl(pinfl_for(n))


def test_anonymous_and_inactive_users_hold_no_role(cast: Cast) -> None:
    assert not admin_access(roles_of(AnonymousUser()))
    inspector = cast.users["inspector"]
    inspector.is_active = False
    assert not admin_access(roles_of(inspector))


def test_staff_see_their_own_company_only(cast: Cast) -> None:
    director, rival = roles_of(cast.users["mc_director"]), roles_of(cast.users["rival_mc"])
    assert staff_visible(director, cast.mc)
    assert not staff_visible(director, cast.rival_mc)
    assert staff_visible(rival, cast.rival_mc)


def test_only_the_director_manages_staff(cast: Cast) -> None:
    assert staff_manageable(roles_of(cast.users["mc_director"]), cast.mc)
    assert not staff_manageable(roles_of(cast.users["mc_dispatcher"]), cast.mc)
    assert not staff_manageable(roles_of(cast.users["inspector"]), cast.mc)


def test_a_national_inspector_is_recognised(cast: Cast) -> None:
    user = UserFactory.create()
    PersonFactory(user=user)
    membership_grant(user=user, role=Role.INSPECTOR, region_id=None)
    assert roles_of(user).is_national_inspector
    assert person_visible(roles_of(user), cast.users["outsider"].person)


def test_people_are_visible_to_themselves_and_the_region_inspector(cast: Cast) -> None:
    owner, neighbour = cast.users["owner"], cast.users["neighbour"]
    assert person_visible(roles_of(owner), owner.person, owner.pk)
    assert not person_visible(roles_of(owner), neighbour.person, owner.pk)
    assert person_visible(roles_of(cast.users["inspector"]), neighbour.person)


def test_an_inspector_sees_only_people_who_own_in_their_region(cast: Cast) -> None:
    """A Samarkand inspector does not see a Tashkent council member (no ownership there),
    nor a Tashkent owner; they see the Samarkand owner."""
    samarkand = roles_of(cast.users["other_inspector"])
    council = Person.objects.get(user=cast.users["council"])
    assert not person_visible(samarkand, council)
    assert not person_visible(samarkand, cast.users["owner"].person)
    assert person_visible(samarkand, cast.users["outsider"].person)
    visible = set(Person.objects.filter(person_scope_q(samarkand)).values_list("pk", flat=True))
    assert council.pk not in visible


def test_roles_are_read_once_per_user_object(cast: Cast, django_assert_num_queries) -> None:
    director = cast.users["mc_director"]
    ManagementCompanyFactory()
    with django_assert_num_queries(2):
        for _ in range(5):
            roles_of(director)


def test_inspectors_get_admin_model_permissions_from_their_role(cast: Cast) -> None:
    inspector, owner = cast.users["inspector"], cast.users["owner"]
    assert inspector.has_perm("accounts.view_person")
    assert not inspector.has_perm("accounts.delete_person")
    assert not inspector.has_perm("accounts.change_membership")
    assert not owner.has_perm("accounts.view_person")
