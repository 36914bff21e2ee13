"""General meetings of a building's owners (DOMAIN.md "Voting", "General meeting").

A meeting is initiated by the building's management company, by a council member of the
building's district, or by owners: an owner drafts it with its agenda, others co-sign,
and it opens once the signatories hold enough of the building's weight. Once open it
runs through discussion (comments), then voting on every question of the agenda.

Weights are exact integer units, as for lot elections (voting.models.elections): the
electorate is frozen when the meeting opens, and 1 unit = 1 / (100 × ``weight_scale``) m².

A ballot answers every question at once; it is an entry of the meeting's own hash chain
(voting.chain), append-only in code and in the database. An owner's last ballot counts.
At the close each question gets a ``Decision``: a stable record that other apps (billing:
a lease of common property) can point at.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from voting.models.elections import BallotImmutable


class MeetingInitiator(models.TextChoices):
    OWNERS = "owners", _("owners")
    MC = "mc", _("the management company")
    COUNCIL = "council", _("the district council")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("collecting signatures")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class QuestionKind(models.TextChoices):
    LEASE = "lease", _("lease of common property")
    COMMON_PROPERTY_USE = "common_property_use", _("use of common property")
    CAPITAL_REPAIR = "capital_repair", _("capital repair")
    OTHER = "other", _("other")


class QuestionRule(models.TextChoices):
    SIMPLE = "simple", _("simple: a majority of the participating weight")
    QUALIFIED = "qualified", _("qualified: two thirds of the total weight")


# DOMAIN.md: "Use of common property, leases and capital repair are qualified."
QUALIFIED_KINDS = (
    QuestionKind.LEASE,
    QuestionKind.COMMON_PROPERTY_USE,
    QuestionKind.CAPITAL_REPAIR,
)


class Choice(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstain")


class Meeting(models.Model):
    """One general meeting of one building's owners."""

    building = models.ForeignKey(
        "buildings.Building", on_delete=models.PROTECT, related_name="meetings"
    )
    initiator = models.CharField(_("initiated by"), max_length=8, choices=MeetingInitiator.choices)
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    created_at = models.DateTimeField(_("initiated at"))
    # the owners' threshold in force when the initiative was filed (none for MC / council)
    initiative_percent = models.PositiveSmallIntegerField(
        _("initiative threshold (percent of the weight)"), null=True, blank=True
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    discussion_ends_at = models.DateTimeField(_("discussion ends at"), null=True, blank=True)
    voting_ends_at = models.DateTimeField(_("voting ends at"), null=True, blank=True)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percent of the total weight)"), null=True, blank=True
    )
    weight_scale = models.PositiveBigIntegerField(_("weight scale"), default=1)
    total_weight_units = models.PositiveBigIntegerField(_("total weight (units)"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_hash = models.CharField(_("chain head at close"), max_length=64, blank=True)
    result = models.JSONField(_("published result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("general meeting")
        verbose_name_plural = _("general meetings")
        ordering = ["-created_at", "-id"]
        constraints = [
            # an open or closed meeting has its windows, in order; a draft has none yet
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(opened_at__isnull=False)
                    & Q(quorum_percent__isnull=False)
                    & Q(discussion_ends_at__gte=F("opened_at"))
                    & Q(voting_ends_at__gte=F("discussion_ends_at"))
                ),
                name="meeting_windows_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(initiator="owners") | Q(initiative_percent__isnull=False),
                name="meeting_owners_initiative_has_threshold",
            ),
        ]
        indexes = [models.Index(fields=["building", "status"], name="meeting_building_status")]

    def __str__(self) -> str:
        return f"{self.building_id} #{self.pk}"


class MeetingElector(models.Model):
    """One owner's share of one apartment of the building, frozen when the meeting opened."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="electors")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    apartment = models.ForeignKey("buildings.Apartment", on_delete=models.PROTECT, related_name="+")
    area_m2 = models.DecimalField(_("area, m²"), max_digits=10, decimal_places=2)
    share_numerator = models.PositiveIntegerField()
    share_denominator = models.PositiveIntegerField()
    weight_units = models.PositiveBigIntegerField(_("weight (units)"))

    class Meta:
        verbose_name = _("meeting elector")
        verbose_name_plural = _("meeting electorate")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "apartment"], name="meeting_elector_once"
            )
        ]
        indexes = [models.Index(fields=["meeting", "person"], name="meeting_elector_person")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id} / {self.apartment_id}"


class MeetingSignature(models.Model):
    """An owner's signature under an owners' initiative (the drafter signs first)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="signatures")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["meeting", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_signature_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id}"


class Question(models.Model):
    """A question of the agenda, with the rule that decides it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("question"), max_length=2000)
    kind = models.CharField(_("kind"), max_length=24, choices=QuestionKind.choices)
    rule = models.CharField(_("rule"), max_length=10, choices=QuestionRule.choices)

    class Meta:
        verbose_name = _("agenda question")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="question_order_once"),
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in QUALIFIED_KINDS])
                | Q(rule=QuestionRule.QUALIFIED),
                name="question_qualified_kinds",
                violation_error_message=_(
                    "Leases, use of common property and capital repair need a qualified majority."
                ),
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}.{self.order}"


class MeetingBallotQuerySet(models.QuerySet["MeetingBallot"]):
    """No bulk update or delete: a ballot, once cast, stays as it was."""

    def update(self, **kwargs: object) -> int:
        raise BallotImmutable("update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise BallotImmutable("delete")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise BallotImmutable("bulk_update")


class MeetingBallot(models.Model):
    """One cast ballot of a meeting: the owner's answer to every question of the agenda
    (``choices``: question id as text → for / against / abstain), an entry of the
    meeting's hash chain. Never updated or deleted; an owner's last ballot counts."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="ballots")
    seq = models.PositiveIntegerField(_("entry"))
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    voter_ref = models.CharField(_("voter reference"), max_length=64)
    choices = models.JSONField(_("choices"))
    weight_units = models.PositiveBigIntegerField(_("weight (units)"))
    cast_at = models.DateTimeField(_("cast at"))
    receipt = models.CharField(_("receipt code"), max_length=20, unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = MeetingBallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting ballot")
        verbose_name_plural = _("meeting ballots")
        ordering = ["meeting", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seq"], name="meeting_ballot_seq_once"),
        ]
        indexes = [
            models.Index(fields=["meeting", "person", "seq"], name="meeting_ballot_person_seq")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.seq}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise BallotImmutable(self.pk)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise BallotImmutable(self.pk)


class Comment(models.Model):
    """An owner's comment in the meeting's discussion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="comments")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=4000)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["meeting", "at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_has_text")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id} @ {self.at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    """The meeting's decision on one question, recorded at the close. ``uid`` is stable:
    a contract that rests on a decision (a lease of common property) refers to it."""

    uid = models.UUIDField(_("decision id"), default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    question = models.OneToOneField(Question, on_delete=models.PROTECT, related_name="decision")
    building = models.ForeignKey(
        "buildings.Building", on_delete=models.PROTECT, related_name="meeting_decisions"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=QuestionKind.choices)
    rule = models.CharField(_("rule"), max_length=10, choices=QuestionRule.choices)
    passed = models.BooleanField(_("passed"))
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "question__order"]
        indexes = [
            models.Index(fields=["building", "kind", "passed"], name="decision_building_kind")
        ]

    def __str__(self) -> str:
        return str(self.uid)
