"""Tariffs and suspensions of accrual (DOMAIN.md "Billing", "Quarterly reports and
suspension of accruals")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Tariff(models.Model):
    """The mandatory contribution of a lot, in tiyin per m² per month, from a month on.

    Rows are never changed: a new tariff is a new row, so the history is the table. The
    tariff in force for month M is the one with the latest ``effective_from`` on or before
    the 1st of M (the latest set, if a date was set twice)."""

    lot = models.ForeignKey("lots.Lot", on_delete=models.PROTECT, related_name="tariffs")
    effective_from = models.DateField(_("in force from"))
    tiyin_per_m2 = models.PositiveBigIntegerField(_("tiyin per m² per month"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_by_role = models.CharField(_("role"), max_length=20)
    set_at = models.DateTimeField(_("set at"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["lot", "-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(tiyin_per_m2__gt=0), name="tariff_positive"),
        ]
        indexes = [models.Index(fields=["lot", "effective_from"], name="tariff_lot_from")]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.effective_from}: {self.tiyin_per_m2}"


class Suspension(models.Model):
    """Accrual of a lot suspended from ``starts_on`` until ``ends_on`` (open while null):
    the quarterly-report rule fills this table; the accrual reads it."""

    lot = models.ForeignKey("lots.Lot", on_delete=models.PROTECT, related_name="suspensions")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("recorded at"))
    # the quarter whose missing report caused it (the quarterly-report rule), and when
    # filing that report lifted it (``ends_on`` then set to the first month not accrued)
    report_quarter = models.DateField(_("report quarter"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension of accrual")
        verbose_name_plural = _("suspensions of accrual")
        ordering = ["lot", "-starts_on"]
        constraints = [
            # a suspension lifted before its first month was accrued ends where it starts
            # (it covers no month)
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="suspension_ends_not_before_start",
            ),
            models.UniqueConstraint(
                fields=["lot", "report_quarter"],
                condition=Q(report_quarter__isnull=False),
                name="suspension_once_per_report_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.starts_on}–{self.ends_on or ''}"


class SuspendedMonth(models.Model):
    """A month in which a lot's apartments were not charged because its accrual was
    suspended (recorded by the accrual, once per lot and month)."""

    lot = models.ForeignKey("lots.Lot", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("month"))
    suspension = models.ForeignKey(Suspension, on_delete=models.PROTECT, related_name="months")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("suspended month")
        verbose_name_plural = _("suspended months")
        constraints = [
            models.UniqueConstraint(fields=["lot", "period"], name="suspended_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.period:%Y-%m}"
