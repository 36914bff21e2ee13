from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import Membership, Person, Role, User
from accounts.services import (
    MSG_PINFL_TAKEN,
    AccountsError,
    membership_grant,
    membership_revoke,
    person_create,
)
from mening_uyim.demo import Cast

pytestmark = pytest.mark.django_db


def test_user_needs_an_email_or_a_phone_in_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email=None, phone=None)])


def test_user_can_log_in_with_phone_only() -> None:
    user = User.objects.create_user(phone="90 123 45 67", password="x")
    assert user.phone == "+998901234567"
    assert user.email is None


def test_emails_are_unique_regardless_of_case() -> None:
    User.objects.create_user(email="Aziz@Example.uz", password="x")
    with pytest.raises(ValidationError):
        User.objects.create_user(email="aziz@example.uz", password="x")


def test_pinfl_is_checked_by_the_database_too() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.bulk_create([Person(pinfl="1234567890123", full_name="X")])


def test_person_create_refuses_a_duplicate_pinfl_with_a_clear_error() -> None:
    person_create(pinfl="31505850010011", full_name="Aziz Karimov")
    with pytest.raises(AccountsError) as exc:
        person_create(pinfl="31505850010011", full_name="Someone Else")
    assert exc.value.message == str(MSG_PINFL_TAKEN)
    assert Person.objects.count() == 1


def test_person_create_rejects_a_13_digit_pinfl_naming_the_field() -> None:
    with pytest.raises(ValidationError) as exc:
        person_create(pinfl="3150585001001", full_name="Aziz Karimov")
    assert "pinfl" in exc.value.message_dict
    assert Person.objects.count() == 0


def test_membership_scope_must_match_the_role(cast: Cast) -> None:
    user = cast.users["outsider"]
    with pytest.raises(ValidationError):
        membership_grant(user=user, role=Role.COUNCIL_MEMBER, organization_id=cast.mc.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.MC_DIRECTOR, district=cast.district)
    assert not Membership.objects.filter(user=user).exists()


def test_a_login_works_for_one_company_at_a_time(cast: Cast) -> None:
    director = cast.users["mc_director"]
    with pytest.raises(ValidationError):
        membership_grant(user=director, role=Role.MC_DISPATCHER, organization_id=cast.rival_mc.pk)
    assert Membership.objects.filter(user=director).count() == 1


def test_revoking_keeps_history_and_allows_a_new_role(cast: Cast) -> None:
    director = cast.users["mc_director"]
    old = Membership.objects.get(user=director)
    membership_revoke(membership=old)
    new = membership_grant(user=director, role=Role.MC_DIRECTOR, organization_id=cast.rival_mc.pk)
    assert Membership.objects.filter(user=director).count() == 2
    assert list(Membership.objects.active().filter(user=director)) == [new]


def test_inspector_role_gives_and_takes_admin_access(cast: Cast) -> None:
    user = cast.users["outsider"]
    m = membership_grant(user=user, role=Role.INSPECTOR, region_id=cast.region.pk)
    user.refresh_from_db()
    assert user.is_staff
    membership_revoke(membership=m)
    user.refresh_from_db()
    assert not user.is_staff


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_of_the_same_role_leave_exactly_one(cast: Cast) -> None:
    """Two administrators grant the same council seat at the same moment."""
    user = cast.users["outsider"]
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def grant() -> None:
        try:
            barrier.wait()
            membership_grant(user=user, role=Role.COUNCIL_MEMBER, district_id=cast.district.pk)
            outcomes.append("granted")
        except (AccountsError, ValidationError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=grant) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("granted") == 1
    assert Membership.objects.active().filter(user=user, role=Role.COUNCIL_MEMBER).count() == 1
