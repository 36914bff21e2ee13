"""The management companies register (DOMAIN.md "Management companies register").

An MC applies (name, TIN, own funds, material base, 24-hour dispatch, staff), an inspector
verifies it, and the system computes eligibility from the configurable minimum
requirements. An inspector may remove an MC from the register; the removal (reason, date,
inspector) is kept and the MC's lots go to re-election.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MSG_TIN = _("A TIN (STIR) is exactly 9 digits.")
validate_tin = RegexValidator(r"^[0-9]{9}$", MSG_TIN, code="tin")


# The stamp (core.stamps) of the public register's cached table (organizations.views):
# renewed by organizations.receivers and by the writers in bulk of companies (the generator).
REGISTER_STAMP = "register"


class RegisterStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    REGISTERED = "registered", _("registered")
    REJECTED = "rejected", _("rejected")
    REMOVED = "removed", _("removed from the register")


class ManagementCompany(models.Model):
    name = models.CharField(_("name"), max_length=200)
    tin = models.CharField(_("TIN (STIR)"), max_length=9, unique=True, validators=[validate_tin])
    address = models.CharField(_("address"), max_length=300, blank=True)
    own_funds_tiyin = models.BigIntegerField(
        _("own funds, tiyin"), default=0, validators=[MinValueValidator(0)]
    )
    has_material_base = models.BooleanField(_("material and technical base"), default=False)
    material_base = models.TextField(_("material and technical base: description"), blank=True)
    dispatch_phone = models.CharField(_("24-hour dispatch phone"), max_length=13, blank=True)
    dispatch_24h = models.BooleanField(_("dispatch staffed around the clock"), default=False)
    staff_count = models.PositiveIntegerField(_("staff"), default=0)
    status = models.CharField(
        _("register status"),
        max_length=12,
        choices=RegisterStatus.choices,
        # an MC created outside the application service (the admin, a script) is an
        # application until the inspection verifies it
        default=RegisterStatus.APPLIED,
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("management company")
        verbose_name_plural = _("management companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tin__regex=r"^[0-9]{9}$"),
                name="mc_tin_9_digits",
                violation_error_message=MSG_TIN,
            ),
            models.CheckConstraint(
                condition=Q(own_funds_tiyin__gte=0), name="mc_own_funds_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Removal(models.Model):
    """A removal from the electronic register: reason, date and inspector are kept."""

    company = models.ForeignKey(
        ManagementCompany,
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        related_name="removals",
    )
    reason = models.TextField(_("reason"))
    removed_on = models.DateField(_("removed on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("removal from the register")
        verbose_name_plural = _("removals from the register")
        ordering = ["-removed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.company} — {self.removed_on}"


class Scorecard(models.Model):
    """An MC's scorecard, shown to owners and on the election ballot (DOMAIN.md
    "Dispatch": share of deadlines met, time to resolve, owners' ratings, reports on
    time). A read model: the dispatch and billing apps write their figures here through
    organizations.services on their own events; a figure nobody has written yet is None
    and shows as "no data". Register facts (lots managed, removals) are read live."""

    company = models.OneToOneField(
        ManagementCompany, on_delete=models.CASCADE, related_name="scorecard", primary_key=True
    )
    deadlines_met_percent = models.PositiveSmallIntegerField(
        _("deadlines met (percent)"), null=True, blank=True
    )
    hours_to_resolve = models.PositiveIntegerField(
        _("median hours to resolve"), null=True, blank=True
    )
    rating_tenths = models.PositiveSmallIntegerField(
        _("owners' rating (tenths of a star)"), null=True, blank=True
    )
    reports_on_time_percent = models.PositiveSmallIntegerField(
        _("quarterly reports on time (percent)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return str(self.company)
