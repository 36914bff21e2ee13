"""Lease or gratuitous-use contracts of common property (DOMAIN.md "Billing"; issue 10
point 10): the decision they rest on, the tax registration, and the registration rule
(a violation from day N + 1 after signing, N = LEASE_REGISTRATION_DAYS), with the MC's
removal through the register's service when the automatic removal is on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from billing.leases import (
    MSG_ALREADY_REGISTERED,
    MSG_AUTO_NO_INSPECTOR,
    MSG_DECISION_AFTER_SIGNING,
    MSG_DECISION_ELSEWHERE,
    MSG_DECISION_KIND,
    MSG_DECISION_NOT_PASSED,
    MSG_DECISION_NOT_QUALIFIED,
    MSG_DECISION_UNKNOWN,
    MSG_DECISION_USED,
    MSG_GRATUITOUS_RENT,
    MSG_LEASE_RENT,
    MSG_MAY_NOT_RECORD,
    MSG_MAY_NOT_REGISTER,
    MSG_NO_LOT,
    MSG_NUMBER_REQUIRED,
    MSG_REGISTERED_BEFORE_SIGNING,
    MSG_REGISTERED_IN_FUTURE,
    MSG_SIGNED_IN_FUTURE,
    MSG_TERM,
    lease_record,
    lease_register,
    lease_violations_flag,
    registration_deadline,
)
from billing.models import LeaseContract, LeaseViolation
from billing.services import BillingError
from billing.tasks import lease_violations_daily
from buildings.models import Building
from lots.models import Lot, LotStatus
from lots.services import MSG_REMOVE_NOT_ALLOWED
from mening_uyim.demo import DEMO_A, DEMO_B, DEMO_C, Cast
from organizations.models import RegisterStatus, Removal
from organizations.services import MSG_ALREADY_REMOVED
from tests.billing.revenue_world import contract_on, decision_of, sa_lot, tk_lot
from voting.models import Decision, QuestionKind, QuestionRule

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 12, 10)
DECIDED = timezone.make_aware(dt.datetime(2026, 2, 20, 18, 0))


def _a(c: Cast) -> Building:
    tk_lot(c)
    return Building.objects.get(cadastral_number=DEMO_A)


def _record(c: Cast, decision: Decision | None = None, **overrides: Any) -> LeaseContract:
    building = overrides.pop("building", None) or _a(c)
    values: dict[str, Any] = {
        "building": building,
        "kind": "lease",
        "lessee_name": "«Nur Savdo» MChJ",
        "lessee_tin": "305123456",
        "object_description": "Yertoʻla, 2-podyezd, 40 m²",
        "starts_on": SIGNED,
        "ends_on": dt.date(2029, 3, 1),
        "rent_tiyin": 1_500_000_00,
        "signed_on": SIGNED,
        "by": c.users["mc_director"],
        "today": TODAY,
    }
    values.update(overrides)
    if "decision_uid" not in values:
        found = decision or decision_of(building, decided_at=DECIDED)
        values["decision_uid"] = found.uid
    return lease_record(**values)


def _refused(c: Cast, *messages: Any, **overrides: Any) -> None:
    before = LeaseContract.objects.count()
    with pytest.raises(BillingError) as refused:
        _record(c, **overrides)
    for message in messages:
        assert str(message) in refused.value.message
    assert LeaseContract.objects.count() == before


# --- recording a contract -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["mc_director", "mc_dispatcher"])
def test_mc_staff_record_a_lease_on_a_passed_qualified_decision(cast: Cast, key: str) -> None:
    contract = _record(cast, by=cast.users[key])
    assert (contract.lot, contract.company, contract.kind) == (tk_lot(cast), cast.mc, "lease")
    assert contract.decision.kind == QuestionKind.LEASE
    assert not contract.registered


def test_gratuitous_use_rests_on_a_use_of_common_property_decision(cast: Cast) -> None:
    use = decision_of(_a(cast), kind=QuestionKind.COMMON_PROPERTY_USE, decided_at=DECIDED)
    contract = _record(cast, decision=use, kind="gratuitous", rent_tiyin=0)
    assert (contract.kind, contract.rent_tiyin) == ("gratuitous", 0)


def test_a_contract_needs_a_decision_that_exists(cast: Cast) -> None:
    _refused(cast, MSG_DECISION_UNKNOWN, decision_uid="7c1f8a52-9d0e-4b51-8f4e-1d7f3b2a9c00")
    _refused(cast, MSG_DECISION_UNKNOWN, decision_uid="not-a-uuid")


def test_a_contract_needs_a_decision_of_its_own_building(cast: Cast) -> None:
    other = decision_of(Building.objects.get(cadastral_number=DEMO_B), decided_at=DECIDED)
    _refused(cast, MSG_DECISION_ELSEWHERE, decision=other)


def test_a_contract_needs_a_decision_that_passed(cast: Cast) -> None:
    failed = decision_of(_a(cast), passed=False, decided_at=DECIDED)
    _refused(cast, MSG_DECISION_NOT_PASSED, decision=failed)


def test_a_contract_needs_a_qualified_decision(cast: Cast) -> None:
    simple = decision_of(_a(cast), rule=QuestionRule.SIMPLE, decided_at=DECIDED)
    _refused(cast, MSG_DECISION_NOT_QUALIFIED, decision=simple)


@pytest.mark.parametrize(
    ("kind", "rent", "decided", "wanted"),
    [
        ("lease", 1_500_000_00, QuestionKind.CAPITAL_REPAIR, QuestionKind.LEASE),
        ("lease", 1_500_000_00, QuestionKind.COMMON_PROPERTY_USE, QuestionKind.LEASE),
        ("gratuitous", 0, QuestionKind.LEASE, QuestionKind.COMMON_PROPERTY_USE),
        ("gratuitous", 0, QuestionKind.OTHER, QuestionKind.COMMON_PROPERTY_USE),
    ],
)
def test_a_contract_needs_a_decision_on_its_own_question(
    cast: Cast, kind: str, rent: int, decided: str, wanted: QuestionKind
) -> None:
    rule = QuestionRule.SIMPLE if decided == QuestionKind.OTHER else QuestionRule.QUALIFIED
    decision = decision_of(_a(cast), kind=decided, rule=rule, decided_at=DECIDED)
    _refused(
        cast,
        MSG_DECISION_KIND % {"kind": wanted.label},
        decision=decision,
        kind=kind,
        rent_tiyin=rent,
    )


def test_the_refusal_names_every_condition_that_fails(cast: Cast) -> None:
    bad = decision_of(
        _a(cast),
        kind=QuestionKind.OTHER,
        rule=QuestionRule.SIMPLE,
        passed=False,
        decided_at=DECIDED,
    )
    _refused(
        cast,
        MSG_DECISION_KIND % {"kind": QuestionKind.LEASE.label},
        MSG_DECISION_NOT_QUALIFIED,
        MSG_DECISION_NOT_PASSED,
        MSG_DECISION_AFTER_SIGNING,
        MSG_TERM,
        decision=bad,
        signed_on=dt.date(2026, 2, 19),
        ends_on=dt.date(2026, 1, 1),
    )


def test_a_contract_is_signed_on_the_day_of_the_decision_at_the_earliest(cast: Cast) -> None:
    decision = decision_of(_a(cast), decided_at=DECIDED)  # 20 February, Tashkent
    _refused(cast, MSG_DECISION_AFTER_SIGNING, decision=decision, signed_on=dt.date(2026, 2, 19))
    contract = _record(cast, decision=decision, signed_on=dt.date(2026, 2, 20))
    assert contract.signed_on == dt.date(2026, 2, 20)


def test_one_decision_approves_one_contract(cast: Cast) -> None:
    decision = decision_of(_a(cast), decided_at=DECIDED)
    _record(cast, decision=decision)
    _refused(cast, MSG_DECISION_USED, decision=decision, lessee_name="Boshqa ijarachi")
    # named with the other failures (the unique constraint alone would say it only then)
    _refused(cast, MSG_DECISION_USED, MSG_TERM, decision=decision, ends_on=dt.date(2026, 1, 1))


def test_a_lease_has_a_rent_and_gratuitous_use_none(cast: Cast) -> None:
    _refused(cast, MSG_LEASE_RENT, rent_tiyin=0)
    use = decision_of(_a(cast), kind=QuestionKind.COMMON_PROPERTY_USE, decided_at=DECIDED)
    _refused(cast, MSG_GRATUITOUS_RENT, decision=use, kind="gratuitous", rent_tiyin=100)
    with pytest.raises(TypeError):
        _record(cast, rent_tiyin=1500.0)


def test_the_term_and_the_signing_date(cast: Cast) -> None:
    _refused(cast, MSG_TERM, ends_on=SIGNED - dt.timedelta(days=1))
    _refused(cast, MSG_SIGNED_IN_FUTURE, signed_on=TODAY + dt.timedelta(days=1))
    assert _record(cast, starts_on=TODAY, ends_on=TODAY, signed_on=TODAY).signed_on == TODAY


@pytest.mark.parametrize(
    "key", ["owner", "outsider", "rival_mc", "council", "inspector", "other_inspector"]
)
def test_nobody_else_records_a_contract(cast: Cast, key: str) -> None:
    _refused(cast, MSG_MAY_NOT_RECORD, by=cast.users[key])


def test_a_building_in_no_lot_has_no_contract(cast: Cast) -> None:
    building = Building.objects.get(cadastral_number=DEMO_C)
    decision = decision_of(building, decided_at=DECIDED)
    _refused(cast, MSG_NO_LOT, building=building, decision=decision)


# --- the tax registration -----------------------------------------------------------------


def test_the_mc_adds_the_tax_registration_once(cast: Cast) -> None:
    contract = _record(cast)
    dispatcher = cast.users["mc_dispatcher"]
    done = lease_register(
        contract=contract, number="SQ-2026-00123", registered_on=SIGNED, by=dispatcher, today=TODAY
    )
    assert (done.tax_registration_number, done.tax_registered_on) == ("SQ-2026-00123", SIGNED)
    assert done.registration_recorded_by == dispatcher
    with pytest.raises(BillingError) as again:
        lease_register(
            contract=contract, number="SQ-2", registered_on=TODAY, by=dispatcher, today=TODAY
        )
    assert again.value.message == str(MSG_ALREADY_REGISTERED)
    contract.refresh_from_db()
    assert contract.tax_registration_number == "SQ-2026-00123"


@pytest.mark.parametrize(
    ("number", "registered_on", "message"),
    [
        ("", SIGNED, MSG_NUMBER_REQUIRED),
        ("   ", SIGNED, MSG_NUMBER_REQUIRED),
        ("SQ-1", SIGNED - dt.timedelta(days=1), MSG_REGISTERED_BEFORE_SIGNING),
        ("SQ-1", TODAY + dt.timedelta(days=1), MSG_REGISTERED_IN_FUTURE),
    ],
)
def test_a_registration_has_a_number_and_a_date_between_signing_and_today(
    cast: Cast, number: str, registered_on: dt.date, message: Any
) -> None:
    contract = _record(cast)
    with pytest.raises(BillingError) as refused:
        lease_register(
            contract=contract,
            number=number,
            registered_on=registered_on,
            by=cast.users["mc_director"],
            today=TODAY,
        )
    assert refused.value.message == str(message)
    contract.refresh_from_db()
    assert not contract.registered


def test_a_registration_on_the_signing_day_and_today_is_accepted(cast: Cast) -> None:
    director = cast.users["mc_director"]
    signed_today = _record(cast, signed_on=TODAY, starts_on=TODAY)
    assert lease_register(
        contract=signed_today, number="SQ-9", registered_on=TODAY, by=director, today=TODAY
    ).registered


@pytest.mark.parametrize(
    "key", ["owner", "rival_mc", "council", "inspector", "other_inspector", "outsider"]
)
def test_nobody_else_registers_a_contract(cast: Cast, key: str) -> None:
    contract = _record(cast)
    with pytest.raises(BillingError) as refused:
        lease_register(
            contract=contract, number="SQ-1", registered_on=SIGNED, by=cast.users[key], today=TODAY
        )
    assert refused.value.message == str(MSG_MAY_NOT_REGISTER)


# --- the registration rule: violations ----------------------------------------------------


def _day(k: int) -> dt.date:
    return SIGNED + dt.timedelta(days=k)


def test_the_deadline_is_day_n_after_signing() -> None:
    assert registration_deadline(SIGNED) == _day(settings.LEASE_REGISTRATION_DAYS)


def test_an_unregistered_contract_is_a_violation_from_day_n_plus_1(cast: Cast) -> None:
    n = settings.LEASE_REGISTRATION_DAYS
    contract = _record(cast)
    assert lease_violations_flag(today=_day(n)) == []  # day 30: still in time
    assert not LeaseViolation.objects.exists()
    (violation,) = lease_violations_flag(today=_day(n + 1))  # day 31
    assert (violation.contract, violation.company, violation.deadline) == (
        contract,
        cast.mc,
        _day(n),
    )
    assert violation.detected_on == _day(n + 1)
    assert lease_violations_flag(today=_day(n + 2)) == []  # once per contract
    assert LeaseViolation.objects.count() == 1


def test_a_registration_dated_on_the_deadline_is_in_time(cast: Cast) -> None:
    n = settings.LEASE_REGISTRATION_DAYS
    contract = _record(cast)
    lease_register(
        contract=contract,
        number="SQ-5",
        registered_on=_day(n),
        by=cast.users["mc_director"],
        today=_day(n),
    )
    assert lease_violations_flag(today=_day(n + 1)) == []
    assert lease_violations_flag(today=TODAY) == []


def test_a_registration_dated_after_the_deadline_is_a_violation(cast: Cast) -> None:
    """Registered on day 31, before the task saw it (it did not run that day): the
    contract was unregistered on day 31 all the same."""
    n = settings.LEASE_REGISTRATION_DAYS
    contract = _record(cast)
    lease_register(
        contract=contract,
        number="SQ-6",
        registered_on=_day(n + 1),
        by=cast.users["mc_director"],
        today=_day(n + 1),
    )
    (violation,) = lease_violations_flag(today=_day(n + 2))
    assert violation.contract == contract


@override_settings(LEASE_REGISTRATION_DAYS=10)
def test_the_number_of_days_is_a_setting(cast: Cast) -> None:
    _record(cast)
    assert registration_deadline(SIGNED) == _day(10)
    assert lease_violations_flag(today=_day(10)) == []
    assert len(lease_violations_flag(today=_day(11))) == 1


def test_the_daily_task_flags_through_the_service(cast: Cast) -> None:
    n = settings.LEASE_REGISTRATION_DAYS
    _record(cast)
    assert lease_violations_daily(today=_day(n).isoformat()) == 0
    assert lease_violations_daily(today=_day(n + 1).isoformat()) == 1
    assert lease_violations_daily(today=_day(n + 1).isoformat()) == 0
    assert "billing.tasks.lease_violations_daily" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_without_automatic_removal_the_mc_stays_until_an_inspector_acts(cast: Cast) -> None:
    assert settings.LEASE_VIOLATION_AUTO_REMOVAL is False  # the default
    _record(cast)
    (violation,) = lease_violations_flag(today=TODAY)
    assert violation.removal is None
    assert violation.removal_error == ""
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REGISTERED
    assert not Removal.objects.exists()


def test_the_inspector_removes_the_mc_through_the_register_action(
    client: Client, cast: Cast
) -> None:
    _record(cast)
    lease_violations_flag(today=TODAY)
    client.force_login(cast.users["inspector"])
    response = client.post(
        "/admin/organizations/managementcompany/",
        {
            "action": "remove_from_register",
            "_selected_action": [str(cast.mc.pk)],
            "apply": "1",
            "reason": "Ijara shartnomasi #1 soliq organida roʻyxatdan oʻtkazilmagan",
            "removed_on": f"{TODAY:%Y-%m-%d}",
        },
    )
    assert response.status_code in (200, 302)
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REMOVED
    assert Lot.objects.get(pk=tk_lot(cast).pk).status == LotStatus.REELECTION


AUTO = {
    "LEASE_VIOLATION_AUTO_REMOVAL": True,
    "LEASE_VIOLATION_REMOVAL_INSPECTOR": "inspector@demo.uz",
}


@override_settings(**AUTO)
def test_with_automatic_removal_a_violation_removes_the_mc(cast: Cast) -> None:
    contract = _record(cast)
    (violation,) = lease_violations_flag(today=TODAY)
    removal = violation.removal
    assert removal is not None
    assert (removal.company, removal.removed_on, removal.inspector) == (
        cast.mc,
        TODAY,
        cast.users["inspector"],
    )
    assert f"#{contract.pk}" in removal.reason
    assert f"{SIGNED:%d.%m.%Y}" in removal.reason
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REMOVED
    # the register's service did it: the MC's lots go to re-election
    assert Lot.objects.get(pk=tk_lot(cast).pk).status == LotStatus.REELECTION


@override_settings(**AUTO)
def test_a_second_violation_of_a_removed_mc_says_so(cast: Cast) -> None:
    _record(cast)
    _record(cast, lessee_name="Ikkinchi ijarachi")
    first, second = lease_violations_flag(today=TODAY)
    assert first.removal is not None
    assert second.removal is None
    assert second.removal_error == str(MSG_ALREADY_REMOVED)
    assert Removal.objects.count() == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@demo.uz", MSG_AUTO_NO_INSPECTOR),
        ("other-inspector@demo.uz", MSG_REMOVE_NOT_ALLOWED),  # Samarkand's, not Tashkent's
    ],
)
def test_an_automatic_removal_that_cannot_be_done_is_left_to_an_inspector(
    cast: Cast, email: str, message: Any
) -> None:
    _record(cast)
    with override_settings(**{**AUTO, "LEASE_VIOLATION_REMOVAL_INSPECTOR": email}):
        (violation,) = lease_violations_flag(today=TODAY)
    assert violation.removal is None
    assert violation.removal_error == str(message)
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REGISTERED


def test_a_rival_mcs_contract_is_its_own_violation(cast: Cast) -> None:
    sa_lot(cast)
    building_c = Building.objects.get(cadastral_number=DEMO_C)
    theirs = contract_on(building_c, cast.users["rival_mc"], signed_on=SIGNED, today=TODAY)
    mine = _record(cast)
    found = {v.contract_id: v.company_id for v in lease_violations_flag(today=TODAY)}
    assert found == {theirs.pk: cast.rival_mc.pk, mine.pk: cast.mc.pk}


def test_automatic_removal_needs_the_inspector_setting() -> None:
    from tests.mening_uyim.test_settings import _manage

    result = _manage(["check"], {"LEASE_VIOLATION_AUTO_REMOVAL": "1"})
    assert result.returncode != 0
    assert "LEASE_VIOLATION_REMOVAL_INSPECTOR" in result.stderr
    bad = _manage(["check"], {"LEASE_REGISTRATION_DAYS": "0"})
    assert bad.returncode != 0
    assert "LEASE_REGISTRATION_DAYS" in bad.stderr
