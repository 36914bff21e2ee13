"""Revenue, leases and violations on both sides of a region's border, for the revenue,
lease and console tests.

Tashkent (the ``inspector`` persona's region): lot UZ-TK-960 of the demo buildings A and
B, managed by the personas' MC (``cast.mc``: ``mc_director``, ``mc_dispatcher``), in the
``council`` persona's district. Samarkand (the ``other_inspector``'s): lot UZ-SA-960 of
building C, managed by the rival MC (``rival_mc``). On each: a revenue record, a lease
resting on a passed qualified decision of a closed meeting, unregistered long past its
deadline, and its violation. Every builder is idempotent, so a matrix row may call it
from its URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from billing.leases import lease_record, lease_violations_flag
from billing.models import AdditionalRevenue, LeaseContract, LeaseViolation
from billing.revenue import revenue_record
from buildings.models import Building
from lots.models import Lot, LotBuilding, LotStatus
from mening_uyim.demo import DEMO_A, DEMO_B, DEMO_C, Cast
from organizations.models import ManagementCompany
from voting.models import (
    Decision,
    Meeting,
    MeetingInitiator,
    MeetingStatus,
    Question,
    QuestionKind,
    QuestionRule,
)
from voting.models.meetings import QUALIFIED_KINDS

TK_LOT, SA_LOT = "UZ-TK-960", "UZ-SA-960"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
LONG_AGO = dt.date(2026, 1, 15)  # the demo lease's signing: far past any deadline


def pdf(name: str = "dalolatnoma.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def managed_lot(code: str, region_id: int, cadastrals: tuple[str, ...], mc: Any) -> Lot:
    found = Lot.objects.filter(code=code).first()
    if found is not None:
        return found
    lot = Lot.objects.create(code=code, region_id=region_id, status=LotStatus.MANAGED, manager=mc)
    for cadastral in cadastrals:
        LotBuilding.objects.create(
            lot=lot, building=Building.objects.get(cadastral_number=cadastral)
        )
    Building.objects.filter(cadastral_number__in=cadastrals).update(manager=mc)
    return lot


def tk_lot(c: Cast) -> Lot:
    return managed_lot(TK_LOT, c.region.pk, (DEMO_A, DEMO_B), c.mc)


def sa_lot(c: Cast) -> Lot:
    return managed_lot(SA_LOT, c.other_region.pk, (DEMO_C,), c.rival_mc)


def decision_of(
    building: Building,
    *,
    kind: str = QuestionKind.LEASE,
    rule: str = QuestionRule.QUALIFIED,
    passed: bool = True,
    decided_at: dt.datetime | None = None,
    by: User | None = None,
) -> Decision:
    """A decision of a closed meeting of ``building``, written as the close writes it
    (its question may say less than the decision, so that a test can ask for a lease
    decided by a simple majority, which the agenda's own rules never let happen)."""
    decided_at = decided_at or timezone.make_aware(dt.datetime(2026, 1, 10, 12, 0))
    opened = decided_at - dt.timedelta(days=14)
    initiator = by or User.objects.filter(email="director@demo.uz").get()
    meeting = Meeting.objects.create(
        building=building,
        initiator=MeetingInitiator.MC,
        initiated_by=initiator,
        status=MeetingStatus.CLOSED,
        created_at=opened,
        opened_at=opened,
        discussion_ends_at=opened + dt.timedelta(days=7),
        voting_ends_at=decided_at,
        quorum_percent=50,
        closed_at=decided_at,
    )
    qualified_kind = kind in QUALIFIED_KINDS
    question = Question.objects.create(
        meeting=meeting,
        order=1,
        text="Yertoʻlani ijaraga berish",
        kind=kind if rule == QuestionRule.QUALIFIED or not qualified_kind else QuestionKind.OTHER,
        rule=rule,
    )
    return Decision.objects.create(
        meeting=meeting,
        question=question,
        building=building,
        kind=kind,
        rule=rule,
        passed=passed,
        decided_at=decided_at,
    )


def contract_on(
    building: Building,
    by: User,
    *,
    signed_on: dt.date = LONG_AGO,
    kind: str = "lease",
    rent_tiyin: int = 150_000_000,
    decision: Decision | None = None,
    today: dt.date | None = None,
) -> LeaseContract:
    wanted = QuestionKind.LEASE if kind == "lease" else QuestionKind.COMMON_PROPERTY_USE
    decision = decision or decision_of(
        building,
        kind=wanted,
        decided_at=timezone.make_aware(dt.datetime.combine(signed_on, dt.time(9)))
        - dt.timedelta(days=5),
    )
    return lease_record(
        building=building,
        kind=kind,
        lessee_name="«Nur Savdo» MChJ",
        lessee_tin="305123456",
        object_description="Yertoʻla, 1-podyezd",
        starts_on=signed_on,
        ends_on=signed_on.replace(year=signed_on.year + 3),
        rent_tiyin=rent_tiyin,
        signed_on=signed_on,
        decision_uid=decision.uid,
        by=by,
        today=today,
    )


def _revenue(lot: Lot, by: User) -> AdditionalRevenue:
    found = AdditionalRevenue.objects.filter(lot=lot).order_by("pk").first()
    if found is not None:
        return found
    return revenue_record(
        lot=lot,
        kind="service_centre",
        counterparty="Maishiy xizmat markazi",
        amount_tiyin=2_500_000_00,
        received_on=dt.date(2026, 11, 20),
        document=pdf(),
        by=by,
    )


def _contract(lot: Lot, cadastral: str, by: User) -> LeaseContract:
    found = LeaseContract.objects.filter(lot=lot).order_by("pk").first()
    if found is not None:
        return found
    return contract_on(Building.objects.get(cadastral_number=cadastral), by)


def _violation(contract: LeaseContract) -> LeaseViolation:
    lease_violations_flag(today=timezone.localdate())
    return LeaseViolation.objects.get(contract=contract)


def tk_revenue(c: Cast) -> AdditionalRevenue:
    return _revenue(tk_lot(c), c.users["mc_director"])


def sa_revenue(c: Cast) -> AdditionalRevenue:
    return _revenue(sa_lot(c), c.users["rival_mc"])


def tk_contract(c: Cast) -> LeaseContract:
    return _contract(tk_lot(c), DEMO_A, c.users["mc_director"])


def sa_contract(c: Cast) -> LeaseContract:
    return _contract(sa_lot(c), DEMO_C, c.users["rival_mc"])


def tk_violation(c: Cast) -> LeaseViolation:
    return _violation(tk_contract(c))


def sa_violation(c: Cast) -> LeaseViolation:
    return _violation(sa_contract(c))


def company(c: Cast, key: str) -> ManagementCompany:
    return c.mc if key == "mc" else c.rival_mc
