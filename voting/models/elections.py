"""Lot elections with verifiable ballots (DOMAIN.md "Voting").

Weights are exact. An owner's weight is apartment area × ownership share; area is stored
in m² with two decimals and shares are fractions, so at the snapshot every weight becomes
an integer number of *weight units*: 1 unit = 1 / (100 × ``weight_scale``) m², where
``weight_scale`` is the least common multiple of the electorate's share denominators.
Sums, quorum and the winner are then integer arithmetic, in SQL or Python alike.

Ballots are append-only (code and database triggers). Each ballot is an entry of its
election's hash chain: ``hash = sha256(prev_hash + canonical encoding)``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ElectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    WINNER = "winner", _("a winner was elected")
    RUNOFF = "runoff", _("a tie: a runoff between the tied candidates")
    NO_QUORUM = (
        "no_quorum",
        _("no quorum after the extension: the council appoints an interim company"),
    )
    NO_CANDIDATES = "no_candidates", _("no candidates: the council appoints an interim company")


class Election(models.Model):
    """The election of a lot's management company (or the runoff of one)."""

    lot = models.ForeignKey("lots.Lot", on_delete=models.PROTECT, related_name="elections")
    runoff_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="runoff"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ElectionStatus.choices, default=ElectionStatus.OPEN
    )
    opened_by = models.ForeignKey(  # none for a runoff, opened by the close itself
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    nomination_ends_at = models.DateTimeField(_("nomination ends at"))
    voting_ends_at = models.DateTimeField(_("voting ends at"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (percent of the total weight)"))
    weight_scale = models.PositiveBigIntegerField(_("weight scale"), default=1)
    total_weight_units = models.PositiveBigIntegerField(_("total weight (units)"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    winner = models.ForeignKey(
        "organizations.ManagementCompany",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="elections_won",
    )
    head_hash = models.CharField(_("chain head at close"), max_length=64, blank=True)
    result = models.JSONField(_("published result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"], condition=Q(status="open"), name="election_one_open_per_lot"
            ),
            models.CheckConstraint(
                condition=Q(nomination_ends_at__lte=models.F("voting_ends_at")),
                name="election_nomination_before_voting_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} #{self.pk}"


class Candidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    company = models.ForeignKey(
        "organizations.ManagementCompany", on_delete=models.PROTECT, related_name="candidacies"
    )
    applied_by = models.ForeignKey(  # none for a runoff's candidates
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"))

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["company__name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "company"], name="candidate_once")
        ]

    def __str__(self) -> str:
        return str(self.company)


class Elector(models.Model):
    """One owner's share of one apartment, frozen when the election opened."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="electors")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    apartment = models.ForeignKey("buildings.Apartment", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("buildings.Building", on_delete=models.PROTECT, related_name="+")
    area_m2 = models.DecimalField(_("area, m²"), max_digits=10, decimal_places=2)
    share_numerator = models.PositiveIntegerField()
    share_denominator = models.PositiveIntegerField()
    weight_units = models.PositiveBigIntegerField(_("weight (units)"))

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electorate")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person", "apartment"], name="elector_once_per_apartment"
            )
        ]
        indexes = [models.Index(fields=["election", "person"], name="elector_person")]

    def __str__(self) -> str:
        return f"{self.election_id}: {self.person_id} / {self.apartment_id}"


class BallotImmutable(Exception):
    """Ballots are append-only (DOMAIN.md "Verifiability")."""


class BallotQuerySet(models.QuerySet["Ballot"]):
    """No bulk update or delete: a ballot, once cast, stays as it was."""

    def update(self, **kwargs: object) -> int:
        raise BallotImmutable("update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise BallotImmutable("delete")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise BallotImmutable("bulk_update")


class Ballot(models.Model):
    """One cast ballot: an entry of the election's hash chain. Never updated or deleted;
    an owner's last ballot counts."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    seq = models.PositiveIntegerField(_("entry"))
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    voter_ref = models.CharField(_("voter reference"), max_length=64)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="ballots")
    weight_units = models.PositiveBigIntegerField(_("weight (units)"))
    cast_at = models.DateTimeField(_("cast at"))
    receipt = models.CharField(_("receipt code"), max_length=20, unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["election", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["election", "seq"], name="ballot_seq_once"),
        ]
        indexes = [models.Index(fields=["election", "person", "seq"], name="ballot_person_seq")]

    def __str__(self) -> str:
        return f"{self.election_id}#{self.seq}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise BallotImmutable(self.pk)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise BallotImmutable(self.pk)


class InterimAppointment(models.Model):
    """The council's appointment of an interim company after an election without quorum
    (or without candidates), recorded."""

    election = models.OneToOneField(
        Election, on_delete=models.PROTECT, related_name="interim_appointment"
    )
    company = models.ForeignKey(
        "organizations.ManagementCompany", on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("interim appointment")
        verbose_name_plural = _("interim appointments")

    def __str__(self) -> str:
        return f"{self.election_id}: {self.company_id}"
