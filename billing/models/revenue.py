"""Additional revenue of management companies (DOMAIN.md "Billing": "Additional revenue of
MCs is recorded only through the system: household service centres, lightweight
structures and their operation, lease of common property, other services").

One row per declared income, against a lot that the MC manages, with its counterparty,
amount, date and the document that proves it; each row is one ledger transaction (debit
the MC's "revenue received", credit its "additional revenue"). Rows are not changed:
the record is the declaration (billing.revenue.revenue_record).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.documents import validate_document
from billing.models.leases import PARTY_ID_REGEX, validate_party_id


class RevenueKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("household service centre")
    LIGHT_STRUCTURE = "light_structure", _("lightweight structure and its operation")
    LEASE = "lease", _("lease of common property")
    OTHER = "other", _("other service")


def document_path(instance: AdditionalRevenue, filename: str) -> str:
    return f"billing/revenue/{instance.received_on:%Y/%m}/{filename}"


class AdditionalRevenue(models.Model):
    lot = models.ForeignKey(
        "lots.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        related_name="additional_revenue",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RevenueKind.choices)
    counterparty = models.CharField(_("counterparty"), max_length=200)
    counterparty_tin = models.CharField(
        _("counterparty's TIN or PINFL"), max_length=14, blank=True, validators=[validate_party_id]
    )
    # the rent of a lease is income from a contract in the register
    lease = models.ForeignKey(
        "billing.LeaseContract",
        verbose_name=_("lease contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revenue",
    )
    amount_tiyin = models.BigIntegerField(_("amount, tiyin"))
    received_on = models.DateField(_("date"))
    document = models.FileField(
        _("document"), upload_to=document_path, max_length=255, validators=[validate_document]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    transaction = models.OneToOneField(
        "billing.LedgerTransaction",
        verbose_name=_("ledger transaction"),
        on_delete=models.PROTECT,
        related_name="revenue",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("additional revenue")
        verbose_name_plural = _("additional revenue")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_tiyin__gt=0), name="revenue_positive"),
            models.CheckConstraint(
                condition=Q(kind="lease", lease__isnull=False)
                | (~Q(kind="lease") & Q(lease__isnull=True)),
                name="revenue_lease_has_contract",
            ),
            models.CheckConstraint(
                condition=Q(counterparty_tin="") | Q(counterparty_tin__regex=PARTY_ID_REGEX),
                name="revenue_counterparty_id_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "received_on"], name="revenue_company_date"),
            models.Index(fields=["lot", "received_on"], name="revenue_lot_date"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.counterparty}"
