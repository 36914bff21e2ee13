"""A record of each accrual run and of its result per lot: what the command and the beat
task report, and what workers write back when the run fans out (one task per lot)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccrualRun(models.Model):
    period = models.DateField(_("month"))
    started_at = models.DateTimeField(_("started at"))
    lots = models.PositiveIntegerField(_("lots"))
    inline = models.BooleanField(_("in the process"), default=False)

    class Meta:
        verbose_name = _("accrual run")
        verbose_name_plural = _("accrual runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} #{self.pk}"


class AccrualLotResult(models.Model):
    run = models.ForeignKey(AccrualRun, on_delete=models.PROTECT, related_name="results")
    lot = models.ForeignKey("lots.Lot", on_delete=models.PROTECT, related_name="+")
    charged = models.PositiveIntegerField(_("charged"), default=0)
    already_charged = models.PositiveIntegerField(_("already charged"), default=0)
    skipped_suspended = models.PositiveIntegerField(_("skipped: suspended"), default=0)
    no_tariff = models.PositiveIntegerField(_("skipped: no tariff"), default=0)
    total_tiyin = models.BigIntegerField(_("total, tiyin"), default=0)
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("accrual of a lot")
        verbose_name_plural = _("accruals of lots")
        constraints = [
            models.UniqueConstraint(fields=["run", "lot"], name="accrual_result_once_per_lot")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.lot_id}"
