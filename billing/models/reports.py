"""Quarterly reports on completed work (DOMAIN.md "Quarterly reports and suspension of
accruals"): each quarter the MC of a managed lot files works done against the five-year
program, income and expenses.

A report is a draft until it is submitted; a submitted report is frozen: neither it nor
its expense and work rows may be changed or deleted (the models and their querysets
refuse, and on PostgreSQL so do triggers, migration 0006). A correction is a new
version of the same quarter that ``supersedes`` the last submitted one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.documents import validate_document

MAX_TIYIN = 10**15


class ReportImmutable(Exception):
    """A submitted report (or a row of one) was to be changed or deleted."""


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class ExpenseCategory(models.TextChoices):
    MAINTENANCE = "maintenance", _("maintenance")
    REPAIRS = "repairs", _("repairs")
    UTILITIES_COMMON = "utilities_common", _("utilities of common property")
    SALARIES = "salaries", _("salaries")
    MANAGEMENT = "management", _("management")
    OTHER = "other", _("other expenses")


class WorkStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


def _amount_validators() -> list[Any]:
    return [MinValueValidator(0), MaxValueValidator(MAX_TIYIN)]


class ReportQuerySet(models.QuerySet["QuarterlyReport"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(status=ReportStatus.SUBMITTED).exists():
            raise ReportImmutable("update")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=ReportStatus.SUBMITTED).exists():
            raise ReportImmutable("delete")
        return super().delete()


def _stored_submitted(report: Any) -> bool:
    """Whether the stored row of ``report`` is submitted (what is in memory may differ)."""
    manager = type(report)._default_manager
    return report.pk is not None and manager.filter(pk=report.pk, status="submitted").exists()


def _row_frozen(row: Any) -> bool:
    """Whether a report row belongs (in the database, or is to belong) to a submitted
    report."""
    ids = {getattr(row, "report_id", None)}
    if row.pk is not None:
        ids.update(type(row)._default_manager.filter(pk=row.pk).values_list("report_id", flat=True))
    return QuarterlyReport.objects.filter(pk__in=ids, status=ReportStatus.SUBMITTED).exists()


class QuarterlyReport(models.Model):
    lot = models.ForeignKey(
        "lots.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="+"
    )
    # the first day of the quarter: 1 January, 1 April, 1 July or 1 October
    quarter = models.DateField(_("quarter"))
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # the income read from the ledger when the report was submitted (billing.reports
    # report_income: accrued, collected, revenue by kind, lease), frozen with it; a draft
    # shows the ledger's figures of the moment
    income = models.JSONField(_("income at submission"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["lot", "-quarter", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__day=1, quarter__month__in=[1, 4, 7, 10]),
                name="report_quarter_is_a_quarter_start",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_positive"),
            models.CheckConstraint(
                condition=Q(
                    status=ReportStatus.DRAFT, submitted_at__isnull=True, submitted_by__isnull=True
                )
                | Q(
                    status=ReportStatus.SUBMITTED,
                    submitted_at__isnull=False,
                    submitted_by__isnull=False,
                ),
                name="report_submitted_has_when_and_who",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(income__isnull=False),
                name="report_submitted_has_its_income",
            ),
            models.UniqueConstraint(
                fields=["lot", "quarter", "version"], name="report_one_per_lot_quarter_version"
            ),
            models.UniqueConstraint(
                fields=["lot", "quarter"],
                condition=Q(status=ReportStatus.DRAFT),
                name="report_one_draft_per_lot_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.quarter:%Y-%m} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _stored_submitted(self):
            raise ReportImmutable(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _stored_submitted(self):
            raise ReportImmutable(self.pk)
        return super().delete(*args, **kwargs)


class ReportRowQuerySet(models.QuerySet[Any]):
    def _frozen(self) -> bool:
        return self.filter(report__status=ReportStatus.SUBMITTED).exists()

    def update(self, **kwargs: Any) -> int:
        if self._frozen():
            raise ReportImmutable("update")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._frozen():
            raise ReportImmutable("delete")
        return super().delete()


class ReportRow(models.Model):
    """A row of a report: written only while the report is a draft (the stored one, and
    the report it is to join)."""

    objects = ReportRowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _row_frozen(self):
            raise ReportImmutable(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _row_frozen(self):
            raise ReportImmutable(self.pk)
        return super().delete(*args, **kwargs)


class ReportExpense(ReportRow):
    """The quarter's expenses of one category (one row per category)."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.PROTECT, related_name="expenses")
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    amount_tiyin = models.BigIntegerField(_("amount, tiyin"), validators=_amount_validators())

    class Meta:
        verbose_name = _("report expense")
        verbose_name_plural = _("report expenses")
        ordering = ["report", "category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_tiyin__gte=0, amount_tiyin__lte=MAX_TIYIN),
                name="report_expense_amount_range",
            ),
            models.UniqueConstraint(
                fields=["report", "category"], name="report_expense_once_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.category}: {self.amount_tiyin}"


class ReportWork(ReportRow):
    """A line of works: an item of the lot's five-year program, or unplanned work."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.PROTECT, related_name="works")
    item = models.ForeignKey(
        "lots.ProgramItem",
        verbose_name=_("program item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unplanned = models.BooleanField(_("unplanned"), default=False)
    description = models.CharField(_("description"), max_length=500)
    status = models.CharField(_("status"), max_length=12, choices=WorkStatus.choices)
    cost_tiyin = models.BigIntegerField(_("cost, tiyin"), validators=_amount_validators())
    # a PDF, JPEG or PNG (an act of completed work, a photo); required for done work
    document = models.FileField(
        _("document or photo"),
        upload_to="reports/works/%Y/%m/",
        validators=[validate_document],
        blank=True,
    )

    class Meta:
        verbose_name = _("report work")
        verbose_name_plural = _("report works")
        ordering = ["report", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_tiyin__gte=0, cost_tiyin__lte=MAX_TIYIN),
                name="report_work_cost_range",
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=False, unplanned=False)
                | Q(item__isnull=True, unplanned=True),
                name="report_work_item_xor_unplanned",
            ),
            models.CheckConstraint(
                condition=~Q(status=WorkStatus.DONE, document=""),
                name="report_work_done_has_a_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.description}"
