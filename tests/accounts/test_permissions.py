"""accounts.permissions: the one module that answers "may this user do X to this object"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.permissions import Action, can, roles_of
from accounts.services import membership_grant
from accounts.validators import validate_pinfl
from mening_uyim.demo import Cast
from tests.factories import (
    DistrictFactory,
    ManagementCompanyFactory,
    PersonFactory,
    UserFactory,
    pinfl_for,
)

pytestmark = pytest.mark.django_db


def test_factories_make_valid_pinfls() -> None:
    for n in range(0, 5000, 7):
        validate_pinfl(pinfl_for(n))


def test_anonymous_and_inactive_users_may_do_nothing(cast: Cast) -> None:
    assert not can(AnonymousUser(), Action.ACCESS_ADMIN)
    inspector = cast.users["inspector"]
    inspector.is_active = False
    assert not can(inspector, Action.OVERSEE_REGION, cast.region)


def test_staff_see_their_own_company_only(cast: Cast) -> None:
    director, rival = cast.users["mc_director"], cast.users["rival_mc"]
    assert can(director, Action.VIEW_ORGANIZATION_STAFF, cast.mc)
    assert not can(director, Action.VIEW_ORGANIZATION_STAFF, cast.rival_mc)
    assert can(rival, Action.VIEW_ORGANIZATION_STAFF, cast.rival_mc)


def test_only_the_director_manages_staff(cast: Cast) -> None:
    assert can(cast.users["mc_director"], Action.MANAGE_ORGANIZATION_STAFF, cast.mc)
    assert not can(cast.users["mc_dispatcher"], Action.MANAGE_ORGANIZATION_STAFF, cast.mc)
    assert not can(cast.users["inspector"], Action.MANAGE_ORGANIZATION_STAFF, cast.mc)


def test_regional_inspector_oversees_only_their_region(cast: Cast) -> None:
    inspector, other = cast.users["inspector"], cast.users["other_inspector"]
    assert can(inspector, Action.OVERSEE_REGION, cast.region)
    assert not can(inspector, Action.OVERSEE_REGION, cast.other_region)
    assert can(other, Action.OVERSEE_REGION, cast.other_region)
    assert can(inspector, Action.VIEW_COUNCIL_DISTRICT, cast.district)
    assert not can(other, Action.VIEW_COUNCIL_DISTRICT, cast.district)


def test_a_national_inspector_oversees_every_region(cast: Cast) -> None:
    user = UserFactory.create()
    PersonFactory(user=user)
    membership_grant(user=user, role=Role.INSPECTOR, region_id=None)
    assert roles_of(user).is_national_inspector
    assert can(user, Action.OVERSEE_REGION, cast.other_region)
    assert can(user, Action.VIEW_COUNCIL_DISTRICT, DistrictFactory())


def test_council_member_sees_their_district_only(cast: Cast) -> None:
    council = cast.users["council"]
    assert can(council, Action.VIEW_COUNCIL_DISTRICT, cast.district)
    assert not can(council, Action.VIEW_COUNCIL_DISTRICT, cast.other_district)


def test_people_are_visible_to_themselves_and_inspectors(cast: Cast) -> None:
    owner, neighbour = cast.users["owner"], cast.users["neighbour"]
    assert can(owner, Action.VIEW_PERSON, owner.person)
    assert not can(owner, Action.VIEW_PERSON, neighbour.person)
    assert can(cast.users["inspector"], Action.VIEW_PERSON, neighbour.person)


def test_roles_are_read_once_per_user_object(cast: Cast, django_assert_num_queries) -> None:
    director = cast.users["mc_director"]
    company = ManagementCompanyFactory()
    with django_assert_num_queries(2):
        for _ in range(5):
            can(director, Action.VIEW_ORGANIZATION_STAFF, company)


def test_inspectors_get_admin_model_permissions_from_their_role(cast: Cast) -> None:
    inspector, owner = cast.users["inspector"], cast.users["owner"]
    assert inspector.has_perm("accounts.view_person")
    assert not inspector.has_perm("accounts.delete_person")
    assert not inspector.has_perm("accounts.change_membership")
    assert not owner.has_perm("accounts.view_person")
