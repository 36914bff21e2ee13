"""Each role's home is its work (issue 14, point 3): what the home page gathers, per role.

The top floor reads through every app's selectors and policies, so each figure is scoped
exactly as the list it links to: a count on the home page never shows a row that its
list would hide. Every reader here runs a fixed number of queries, whatever the data
(pinned in tests/mening_uyim/test_homes.py).

Choices where the issue is silent:
- A ticket is *breached* once a deadline of it has passed unmet (no response by the
  response deadline, or not resolved by the resolution deadline) or it was escalated; the
  dispatch queue paints the same rows red.
- "Collections this month" are the payments credited to the apartments of the MC's lots
  since the 1st of the month (Asia/Tashkent), less their reversals, beside the month's
  accrual: the figures of the quarterly report (billing.reports.report_income), by month.
- The council's "election calendar" lists the elections of the lots touching its
  district, open ones first (with their nomination and voting deadlines), then the last
  closed, and the approved lots whose election is still to be opened.
- The inspector's figures count what the inspector's region holds (all regions for a
  national inspector and the administrator), each linked to the list that shows the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import UserRoles, roles_of
from billing import policies as billing_policies
from billing.models import (
    LedgerEntry,
    LedgerTransaction,
    ReconciliationFlag,
    Suspension,
    TransactionKind,
)
from billing.report_selectors import QuarterStatus, lot_quarters
from billing.revenue_selectors import violations_visible_to
from billing.selectors import apartments_billed_to
from buildings.models import Building, Classification
from buildings.policies import oversight_q
from buildings.selectors import my_apartments
from dispatch.models import OPEN_STATUSES, Ticket
from dispatch.selectors import appeals_visible_to, escalated_in_view, my_tickets, queue
from lots import policies as lot_policies
from lots.models import AmendmentDecision, CouncilDecision, Lot, LotStatus, ProgramAmendment
from lots.selectors import with_totals
from territory.models import Region
from voting.meeting_selectors import meetings_visible_to
from voting.models import Election, ElectionStatus, Elector, Meeting, MeetingElector
from voting.models.meetings import MeetingStatus

PREVIEW = 5  # rows of a list shown on the home page; the link opens the whole list


@dataclass
class OwnerHome:
    apartments: list[Any]
    balance_tiyin: int
    elections: list[Election]
    meetings: list[Meeting]
    tickets: list[Ticket]
    open_tickets: int


def _month_start(today: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(today.year, today.month, 1))


def owner_home(user: Any) -> OwnerHome:
    """The owner's apartments with their balances (owed is positive), the votes open to
    them now, and their open tickets."""
    roles = roles_of(user)
    apartments = my_apartments(user)
    # the annotated balance, derived from the ledger's entries (billing.selectors)
    balances: dict[int, int] = dict(
        apartments_billed_to(user).values_list("pk", "balance_tiyin")  # type: ignore[misc]
    )
    for apartment in apartments:
        setattr(apartment, "balance_tiyin", balances.get(apartment.pk, 0))  # noqa: B010
    person_id = roles.person.pk if roles.person is not None else 0  # 0: no person, no vote
    elections = list(
        Election.objects.filter(
            Exists(Elector.objects.filter(election=OuterRef("pk"), person_id=person_id)),
            status=ElectionStatus.OPEN,
        )
        .select_related("lot")
        .order_by("voting_ends_at", "pk")[:PREVIEW]
    )
    meetings = list(
        meetings_visible_to(user)
        .filter(
            Exists(MeetingElector.objects.filter(meeting=OuterRef("pk"), person_id=person_id)),
            status=MeetingStatus.OPEN,
        )
        .order_by("voting_ends_at", "pk")[:PREVIEW]
    )
    mine = my_tickets(user).filter(status__in=OPEN_STATUSES)
    return OwnerHome(
        apartments=apartments,
        balance_tiyin=sum(balances.values()),
        elections=elections,
        meetings=meetings,
        tickets=list(mine[:PREVIEW]),
        open_tickets=mine.count(),
    )


def breached_q(now: dt.datetime) -> Q:
    """An open ticket past a deadline it has not met (module docstring)."""
    return Q(resolution_due_at__lt=now) | Q(responded_at__isnull=True, response_due_at__lt=now)


@dataclass
class LotMoney:
    lot: Lot
    charged_tiyin: int = 0
    collected_tiyin: int = 0

    @property
    def percent(self) -> int | None:
        if self.charged_tiyin <= 0:
            return None
        return round(100 * self.collected_tiyin / self.charged_tiyin)


@dataclass
class CompanyHome:
    lots: list[LotMoney]
    buildings: int
    queue: list[Ticket]
    open_tickets: int
    breached: int
    quarters: list[QuarterStatus]
    month: dt.date
    charged_tiyin: int = 0
    collected_tiyin: int = 0


def company_home(user: Any, *, today: dt.date | None = None) -> CompanyHome:
    """The MC's lots (with this month's accrual and collections), its buildings, the
    dispatch queue with its breaches, and the quarterly reports' deadlines."""
    roles = roles_of(user)
    today = today or timezone.localdate()
    month = today.replace(day=1)
    company_id = roles.managing_organization_id
    lots = list(
        with_totals(Lot.objects.filter(manager_id=company_id).exclude(manager_id=None)).order_by(
            "code"
        )
    )
    money = {lot.pk: LotMoney(lot) for lot in lots}
    if money:
        charged = (
            LedgerEntry.objects.filter(
                kind="charge",
                transaction__kind=TransactionKind.ACCRUAL,
                transaction__lot_id__in=money,
                transaction__period=month,
            )
            .values("transaction__lot_id")
            .annotate(total=Sum("amount_tiyin"))
        )
        for row in charged:
            money[row["transaction__lot_id"]].charged_tiyin = int(row["total"] or 0)
        payments = LedgerTransaction.objects.filter(kind=TransactionKind.PAYMENT)
        # a payment carries no lot: it is the lot's through the apartment it credits
        lot_path = "apartment__building__lot_membership__lot_id"
        collected = (
            LedgerEntry.objects.filter(
                Q(transaction__in=payments)
                | Q(transaction__kind=TransactionKind.REVERSAL, transaction__reverses__in=payments),
                **{f"{lot_path}__in": list(money)},
                transaction__at__gte=_month_start(today),
            )
            .values(lot_path)
            .annotate(total=Sum("amount_tiyin"))
        )
        for row in collected:
            money[row[lot_path]].collected_tiyin = -int(row["total"] or 0)
    now = timezone.now()
    open_queue = queue(user)
    counts = open_queue.aggregate(
        total=Count("pk", distinct=True),
        breached=Count("pk", filter=breached_q(now), distinct=True),
    )
    managed = [lot for lot in lots if lot.status == LotStatus.MANAGED]
    rows = list(money.values())
    return CompanyHome(
        lots=rows,
        buildings=Building.objects.filter(manager_id=company_id).count() if company_id else 0,
        queue=list(open_queue[:PREVIEW]),
        open_tickets=counts["total"] or 0,
        breached=counts["breached"] or 0,
        quarters=lot_quarters(managed, today=today, count=1) if managed else [],
        month=month,
        charged_tiyin=sum(r.charged_tiyin for r in rows),
        collected_tiyin=sum(r.collected_tiyin for r in rows),
    )


@dataclass
class CouncilHome:
    awaiting: list[Lot]
    amendments: list[ProgramAmendment]
    elections: list[Election]
    to_open: list[Lot]
    lots_by_status: dict[str, int] = field(default_factory=dict)


def council_home(user: Any) -> CouncilHome:
    """The lots and amendments awaiting this council's decision (in the lot's current
    approval round), and the election calendar of the lots touching its district."""
    roles = roles_of(user)
    district = roles.council_district_id or 0  # 0: no district (council_q is then empty)
    mine = Lot.objects.filter(lot_policies.council_q(roles))
    decided = CouncilDecision.objects.filter(
        lot=OuterRef("pk"), district_id=district, approval_round=OuterRef("approval_round")
    )
    awaiting = list(
        with_totals(mine.filter(status=LotStatus.PROPOSED).exclude(Exists(decided))).order_by(
            "code"
        )
    )
    amendments = list(
        ProgramAmendment.objects.filter(lot__in=mine, status="open")
        .exclude(
            Exists(AmendmentDecision.objects.filter(amendment=OuterRef("pk"), district_id=district))
        )
        .select_related("lot", "item")
        .order_by("pk")[:PREVIEW]
    )
    elections = list(
        Election.objects.filter(lot__in=mine)
        .select_related("lot")
        .order_by("status", "-voting_ends_at", "-pk")[: PREVIEW * 2]
    )
    to_open = list(
        mine.filter(status=LotStatus.APPROVED)
        .exclude(Exists(Election.objects.filter(lot=OuterRef("pk"), status=ElectionStatus.OPEN)))
        .order_by("code")[:PREVIEW]
    )
    by_status = dict(mine.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return CouncilHome(awaiting, amendments, elections, to_open, by_status)


@dataclass
class Figure:
    """One figure of the inspector's home: a label, its count, the list it opens."""

    key: str
    label: str
    count: int
    url: str
    alarm: bool = False  # a non-zero count asks for the inspector's attention


@dataclass
class InspectorHome:
    region: Region | None
    classes: list[Figure]
    lots: list[Figure]
    work: list[Figure]


def _registry_url(region: Region | None, klass: str) -> str:
    query = f"?class={klass}"
    if region is not None:
        query += f"&region={region.code}"
    return reverse("buildings:building_list") + query


def inspector_home(user: Any, *, roles: UserRoles | None = None) -> InspectorHome:
    """The region's figures, each a link to its list: buildings by class, lots by status,
    and the work that waits (suspensions, open escalations, overdue appeals, lease
    violations, reconciliation flags)."""
    roles = roles or roles_of(user)
    region = (
        Region.objects.filter(pk=roles.inspector_region_id).first()
        if roles.inspector_region_id is not None
        else None
    )
    by_class = dict(
        Building.objects.filter(oversight_q(roles))
        .values("classification")
        .annotate(n=Count("pk"))
        .values_list("classification", "n")
    )
    classes = [
        Figure(value, str(label), by_class.get(value, 0), _registry_url(region, value))
        for value, label in Classification.choices
    ]
    lots_seen = Lot.objects.filter(lot_policies.lot_scope_q(roles))
    by_status = dict(lots_seen.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    lot_admin = reverse("admin:lots_lot_changelist")
    lots = [
        Figure(value, str(label), by_status.get(value, 0), f"{lot_admin}?status__exact={value}")
        for value, label in LotStatus.choices
        if value != LotStatus.DISCARDED or by_status.get(value)
    ]
    now = timezone.now()
    suspended = Suspension.objects.filter(lot__in=lots_seen, ends_on__isnull=True)
    work = [
        Figure(
            "suspensions",
            _label("suspensions"),
            suspended.count(),
            reverse("billing:reports"),
            alarm=True,
        ),
        Figure(
            "escalations",
            _label("escalations"),
            escalated_in_view(user).filter(status__in=OPEN_STATUSES).count(),
            reverse("dispatch:home"),
            alarm=True,
        ),
        Figure(
            "appeals",
            _label("appeals"),
            appeals_visible_to(user).filter(answered_at__isnull=True, due_at__lt=now).count(),
            reverse("dispatch:appeals"),
            alarm=True,
        ),
        Figure(
            "violations",
            _label("violations"),
            violations_visible_to(user).count(),
            reverse("billing:violations"),
            alarm=True,
        ),
        Figure(
            "flags",
            _label("flags"),
            ReconciliationFlag.objects.filter(billing_policies.payments_oversight_q(roles)).count(),
            reverse("admin:billing_reconciliationflag_changelist"),
            alarm=True,
        ),
    ]
    return InspectorHome(region, classes, lots, work)


def _label(key: str) -> str:
    return {
        "suspensions": _("Suspended lots"),
        "escalations": _("Open escalations"),
        "appeals": _("Overdue appeals"),
        "violations": _("Lease violations"),
        "flags": _("Reconciliation flags"),
    }[key]
