"""Tickets, incidents, escalations and appeals (DOMAIN.md "Dispatch (24-hour service) and
appeals").

A ticket is filed by an owner (for their apartment or the building's common areas) or by
a dispatcher taking a call, is triaged on filing (category, urgency, confidence; a ticket
the model is unsure of waits for a dispatcher's review) and moves new → assigned → in
progress → resolved → closed, a resolved one back to in progress when its owner reopens
it. Its two deadlines (response, resolution) are fixed on filing from the urgency
(DISPATCH_DEADLINES) and move only when a dispatcher changes the urgency; a breach is
recorded once (``Escalation``, unique per ticket and kind) and counts whatever happens
after. Every change is a row of the ticket's history (``TicketEvent``, append-only).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TEXT_MAX = 4000


class Category(models.TextChoices):
    PLUMBING = "plumbing", _("plumbing")
    HEATING = "heating", _("heating")
    ELECTRICITY = "electricity", _("electricity")
    ELEVATOR = "elevator", _("elevator")
    GAS = "gas", _("gas")
    ROOF = "roof", _("roof")
    CLEANING = "cleaning", _("cleaning")
    OTHER = "other", pgettext_lazy("ticket category", "other")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", pgettext_lazy("ticket urgency", "emergency")
    URGENT = "urgent", pgettext_lazy("ticket urgency", "urgent")
    NORMAL = "normal", pgettext_lazy("ticket urgency", "normal")


URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "new")
    ASSIGNED = "assigned", pgettext_lazy("ticket status", "assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("ticket status", "in progress")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "closed")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)


class Channel(models.TextChoices):
    WEB = "web", _("filed by the owner")
    PHONE = "phone", _("phone call to the dispatcher")


class Incident(models.Model):
    """Tickets of one building about the same thing within 24 hours (DOMAIN.md
    "Duplicates"): resolving the incident resolves its tickets."""

    building = models.ForeignKey("buildings.Building", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Ticket(models.Model):
    building = models.ForeignKey(
        "buildings.Building", verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    # empty: the building's common areas
    apartment = models.ForeignKey(
        "buildings.Apartment",
        verbose_name=_("apartment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # the MC that manages the building when the ticket is filed, and the lot it is in
    company = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lot = models.ForeignKey(
        "lots.Lot",
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    caller = models.CharField(_("caller"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("filed at"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    confidence = models.FloatField(
        _("confidence"), validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    needs_review = models.BooleanField(_("awaits the dispatcher's review"), default=False)
    triage_rule = models.CharField(_("emergency rule"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    response_due_at = models.DateTimeField(_("response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("ticket", "closed at"), null=True, blank=True)
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["company", "status"], name="ticket_company_status"),
            models.Index(fields=["building", "created_at"], name="ticket_building_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="ticket_confidence_0_1"
            ),
            models.CheckConstraint(
                condition=Q(response_due_at__lte=models.F("resolution_due_at")),
                name="ticket_response_before_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | Q(resolved_at__isnull=False),
                name="ticket_resolved_has_its_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketEvent(models.Model):
    """A row of a ticket's history: filed, triaged, reviewed, assigned, started, resolved,
    reopened, closed, rated, escalated (append-only: written by dispatch.services)."""

    class Kind(models.TextChoices):
        FILED = "filed", _("filed")
        REVIEWED = "reviewed", _("triage reviewed")
        ASSIGNED = "assigned", _("assigned")
        STARTED = "started", _("work started")
        RESOLVED = "resolved", _("resolved")
        REOPENED = "reopened", _("reopened")
        CLOSED = "closed", _("closed")
        RATED = "rated", _("rated")
        ESCALATED = "escalated", _("escalated to the inspection")
        LINKED = "linked", _("linked to an incident")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class TicketComment(models.Model):
    """The thread between the owner and the MC."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=2000)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.body[:40]}"


class TicketPhoto(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("photo"), upload_to="tickets/%Y/%m/")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


class Escalation(models.Model):
    """A breached deadline, escalated to the region's inspectors once (DOMAIN.md: "A
    breach escalates the ticket to the inspectors")."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("response deadline")
        RESOLUTION = "resolution", _("resolution deadline")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="escalations")
    kind = models.CharField(_("deadline"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("due at"))
    escalated_at = models.DateTimeField(_("escalated at"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="escalation_once_per_breach")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class Appeal(models.Model):
    """An owner's complaint about the MC to the region's inspection, answered within
    APPEAL_ANSWER_DAYS (DOMAIN.md "Appeals")."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "buildings.Building", verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    text = models.TextField(_("complaint"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("filed at"))
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True, answer="")
                | Q(answered_at__isnull=False, answered_by__isnull=False) & ~Q(answer=""),
                name="appeal_answer_whole",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def overdue(self, now: Any) -> bool:
        return self.answered_at is None and now > self.due_at
