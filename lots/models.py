"""Lots, their composition, five-year programs and council approval (DOMAIN.md "Lots").

A lot is a set of buildings with at least 7,000 apartments (configurable) in one region,
managed by one MC. A building belongs to at most one lot (a database constraint); draft
lots are replaced by each formation run, other lots are never touched by it.
Status: draft → proposed → approved → election → managed (→ re-election); every change
is kept in LotStatusChange.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from buildings.models import ELEMENTS


class LotStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    ELECTION = "election", _("election")
    MANAGED = "managed", _("managed")
    REELECTION = "reelection", _("re-election")
    # a draft with council work that a later formation run replaced (kept on record)
    DISCARDED = "discarded", _("discarded")


# Composition and program are frozen from approval on: "approved" means frozen, and a later
# change of the program is a recorded amendment, approved again (ProgramAmendment).
LOCKED_STATUSES = (LotStatus.APPROVED, LotStatus.ELECTION, LotStatus.MANAGED, LotStatus.REELECTION)
# Owners see a lot once it is approved.
OPEN_TO_OWNERS = LOCKED_STATUSES
# The program is edited in place only before approval.
PROGRAM_EDITABLE = (LotStatus.DRAFT, LotStatus.PROPOSED)


# The stamp (core.stamps) of the cached council lists (lots.selectors.council_lots): renewed
# by lots.receivers for a lot or a lot's building saved or deleted one by one, and by the
# writers in bulk (lots.forming). The lists' totals come from the buildings, whose changes
# renew REGISTRY_STAMP.
LOTS_STAMP = "lots"


class Lot(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    region = models.ForeignKey(
        "territory.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="lots"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LotStatus.choices, default=LotStatus.DRAFT
    )
    manager = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_lots",
    )
    tariff_tiyin_per_m2 = models.PositiveBigIntegerField(
        _("tariff, tiyin per m² per month"), default=0
    )
    approval_round = models.PositiveIntegerField(_("approval round"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["code"]
        indexes = [models.Index(fields=["region", "status"], name="lot_region_status")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES


class LotBuilding(models.Model):
    """A building's place in a lot. ``building`` is unique: one lot per building."""

    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="members"
    )
    building = models.OneToOneField(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="lot_membership",
    )

    class Meta:
        verbose_name = _("building of a lot")
        verbose_name_plural = _("buildings of lots")

    def __str__(self) -> str:
        return f"{self.lot} ← {self.building_id}"


class LotCodeCounter(models.Model):
    """The last lot number issued in a region. It only grows, so a lot code is never issued
    again, not even after a draft is discarded (a code names one set of buildings)."""

    region = models.OneToOneField(
        "territory.Region", on_delete=models.PROTECT, related_name="+", primary_key=True
    )
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("lot code counter")
        verbose_name_plural = _("lot code counters")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.last}"


class LotStatusChange(models.Model):
    """The lot's history. ``by_role`` and ``by_district`` say who acted in terms that may
    be shown to owners (an official's login is not)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(_("from"), max_length=12, choices=LotStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=LotStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_role = models.CharField(_("role"), max_length=20, blank=True)
    by_district = models.ForeignKey(
        "territory.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    # when the change happened (lots.services lot_history_add: the moment of its event)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.lot}: {self.from_status} → {self.to_status}"

    @property
    def actor_label(self) -> str:
        """The role (and district) of who acted; an official's login is not public."""
        if not self.by_role:
            return str(_("the system")) if self.by_id is None else ""
        if self.by_role == "admin":
            return str(_("administrator"))
        label = str(dict(Role.choices).get(self.by_role, self.by_role))
        if self.by_district_id is not None:
            return f"{label}, {self.by_district}"
        return label


class CouncilDecision(models.Model):
    """One district council's decision on a proposed lot in one approval round."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("approve")
        REJECT = "reject", _("reject")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="decisions")
    district = models.ForeignKey("territory.District", on_delete=models.PROTECT, related_name="+")
    approval_round = models.PositiveIntegerField(_("approval round"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("council decision")
        verbose_name_plural = _("council decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "district", "approval_round"], name="one_decision_per_council_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lot} / {self.district_id}: {self.decision}"


class UnitCost(models.Model):
    """Cost of repairing one element, in tiyin per m² of living area (configurable table)."""

    element = models.CharField(
        _("element"), max_length=20, unique=True, choices=[(e, e) for e in ELEMENTS]
    )
    work = models.CharField(_("work"), max_length=120)
    tiyin_per_m2 = models.PositiveBigIntegerField(_("cost, tiyin per m²"))

    class Meta:
        verbose_name = _("unit cost")
        verbose_name_plural = _("unit costs")
        ordering = ["element"]

    def __str__(self) -> str:
        return self.work


class ProgramItem(models.Model):
    """One repair in a lot's five-year development program."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="program")
    building = models.ForeignKey("buildings.Building", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    element = models.CharField(_("element"), max_length=20, choices=[(e, e) for e in ELEMENTS])
    work = models.CharField(_("work"), max_length=200)
    cost_tiyin = models.PositiveBigIntegerField(_("cost, tiyin"))
    urgent = models.BooleanField(_("emergency"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("program item")
        verbose_name_plural = _("program items")
        ordering = ["year", "building_id", "element"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1, year__lte=5), name="program_year_1_5"),
            models.UniqueConstraint(
                fields=["lot", "building", "element"], name="program_one_item_per_element"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} y{self.year}: {self.work}"


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("awaiting the councils")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ProgramAmendment(models.Model):
    """A recorded change of one item of an approved program (DOMAIN.md "Approval";
    "approved" means frozen). It takes effect only once every council of the lot has
    approved it; until then the approved item stays in force and visible."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="amendments")
    item = models.ForeignKey(ProgramItem, on_delete=models.PROTECT, related_name="amendments")
    old_year = models.PositiveSmallIntegerField(_("year in force"))
    old_cost_tiyin = models.PositiveBigIntegerField(_("cost in force, tiyin"))
    new_year = models.PositiveSmallIntegerField(
        _("proposed year"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    new_cost_tiyin = models.PositiveBigIntegerField(_("proposed cost, tiyin"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.OPEN
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("program amendment")
        verbose_name_plural = _("program amendments")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="open"),
                name="amendment_one_open_per_item",
            ),
            models.CheckConstraint(
                condition=Q(new_year__gte=1, new_year__lte=5), name="amendment_year_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} #{self.pk}"


class AmendmentDecision(models.Model):
    """One district council's decision on an amendment."""

    amendment = models.ForeignKey(
        ProgramAmendment, on_delete=models.PROTECT, related_name="decisions"
    )
    district = models.ForeignKey("territory.District", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(
        _("decision"), max_length=8, choices=CouncilDecision.Decision.choices
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment decision")
        verbose_name_plural = _("amendment decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["amendment", "district"], name="one_decision_per_council_amendment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amendment} / {self.district_id}: {self.decision}"
