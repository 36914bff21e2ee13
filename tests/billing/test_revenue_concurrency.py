"""Revenue and leases at the same moment, on PostgreSQL with real threads (ARCHITECTURE.md
"Concurrency": every service that takes a lock has a race test)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.test.utils import override_settings

from billing.leases import (
    MSG_ALREADY_REGISTERED,
    MSG_DECISION_USED,
    lease_register,
    lease_violations_flag,
)
from billing.ledger import ledger_check
from billing.models import AccountKind, LeaseContract, LeaseViolation, LedgerAccount
from billing.revenue import revenue_record
from buildings.models import Building
from mening_uyim.demo import DEMO_A, Cast
from organizations.models import Removal
from tests.billing.revenue_world import contract_on, decision_of, pdf, tk_lot
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TODAY = dt.date(2026, 12, 10)


def _a(c: Cast) -> Building:
    tk_lot(c)
    return Building.objects.get(cadastral_number=DEMO_A)


def test_two_contracts_on_one_decision_at_once_make_one(cast: Cast) -> None:
    building = _a(cast)
    decision = decision_of(building)
    record = partial(
        contract_on, building, cast.users["mc_director"], decision=decision, today=TODAY
    )
    outcomes = race(record, record)
    assert sorted(outcomes) == ["ok", f"refused: {MSG_DECISION_USED}"]
    assert LeaseContract.objects.count() == 1


def test_two_registrations_at_once_record_one(cast: Cast) -> None:
    contract = contract_on(_a(cast), cast.users["mc_director"], today=TODAY)
    outcomes = race(
        *(
            partial(
                lease_register,
                contract=contract,
                number=f"SQ-{n}",
                registered_on=contract.signed_on,
                by=cast.users[key],
                today=TODAY,
            )
            for n, key in enumerate(("mc_director", "mc_dispatcher"))
        )
    )
    assert sorted(outcomes) == ["ok", f"refused: {MSG_ALREADY_REGISTERED}"]
    contract.refresh_from_db()
    assert contract.tax_registration_number in ("SQ-0", "SQ-1")


@override_settings(
    LEASE_VIOLATION_AUTO_REMOVAL=True, LEASE_VIOLATION_REMOVAL_INSPECTOR="inspector@demo.uz"
)
def test_concurrent_daily_runs_flag_each_contract_once_and_remove_once(cast: Cast) -> None:
    building = _a(cast)
    director = cast.users["mc_director"]
    contracts = [contract_on(building, director, today=TODAY) for _ in range(2)]
    outcomes = race(*(partial(lease_violations_flag, today=TODAY) for _ in range(4)))
    assert outcomes == ["ok"] * 4
    assert sorted(LeaseViolation.objects.values_list("contract_id", flat=True)) == [
        c.pk for c in contracts
    ]
    assert Removal.objects.filter(company=cast.mc).count() == 1
    assert LeaseViolation.objects.filter(removal__isnull=False).count() == 1


def test_concurrent_revenue_of_one_mc_keeps_the_ledger_exact(cast: Cast) -> None:
    lot = tk_lot(cast)
    records = [
        partial(
            revenue_record,
            lot=lot,
            kind="other",
            counterparty=f"Mijoz {n}",
            amount_tiyin=100_00 * (n + 1),
            received_on=TODAY,
            document=pdf(f"akt-{n}.pdf"),
            by=cast.users[("mc_director", "mc_dispatcher")[n % 2]],
            today=TODAY,
        )
        for n in range(6)
    ]
    assert race(*records) == ["ok"] * 6
    assert ledger_check() == {"transactions": 6, "unbalanced": 0, "balance_mismatches": 0}
    income = LedgerAccount.objects.get(kind=AccountKind.REVENUE, company=cast.mc)
    assert income.balance_tiyin == -sum(100_00 * (n + 1) for n in range(6))
