"""Lease or gratuitous use of common property (DOMAIN.md "Billing": "a contract must be
registered with the tax authority (registration number and date) within 30 days of
signing *(configurable)*. If it isn't, that's a violation, which leads to the MC's
removal from the register. A lease of common property needs a general meeting decision
(qualified)").

- ``LeaseContract``: the register of contracts. The lessor is the building's owners,
  represented by the MC that manages the building's lot (``company``, the MC that
  recorded the contract); the lessee is the counterparty. The contract rests on one
  general-meeting decision, referred to by its stable ``uid`` (the foreign key stores the
  uid itself); one decision approves one contract.
- ``LeaseViolation``: a contract still unregistered when its registration deadline has
  passed, recorded once per contract (billing.leases.lease_violations_flag).

The rules that need other rows (the decision, the policy, the dates against today) are in
billing.leases; what a single row can say is said here, in constraints.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# a company's TIN (STIR, 9 digits) or a person's PINFL (14 digits)
PARTY_ID_REGEX = r"^([0-9]{9}|[0-9]{14})$"
MSG_PARTY_ID = _("A TIN is 9 digits (a company) and a PINFL 14 digits (a person).")
validate_party_id = RegexValidator(PARTY_ID_REGEX, MSG_PARTY_ID, code="party_id")


class LeaseKind(models.TextChoices):
    LEASE = "lease", _("lease")
    GRATUITOUS = "gratuitous", _("gratuitous use")


class LeaseContract(models.Model):
    """A contract of lease (rent > 0) or gratuitous use (rent 0) of common property."""

    lot = models.ForeignKey(
        "lots.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "buildings.Building",
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="lease_contracts",
    )
    company = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        related_name="lease_contracts",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LeaseKind.choices)
    lessee_name = models.CharField(_("lessee"), max_length=200)
    lessee_tin = models.CharField(
        _("lessee's TIN or PINFL"), max_length=14, validators=[validate_party_id]
    )
    object_description = models.CharField(_("object"), max_length=300)
    object_area_m2 = models.DecimalField(
        _("area, m²"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    starts_on = models.DateField(_("term from"))
    ends_on = models.DateField(_("term until"))
    rent_tiyin = models.BigIntegerField(
        _("rent, tiyin per month"), default=0, validators=[MinValueValidator(0)]
    )
    signed_on = models.DateField(_("signed on"))
    decision = models.OneToOneField(
        "voting.Decision",
        verbose_name=_("general meeting decision"),
        to_field="uid",
        on_delete=models.PROTECT,
        related_name="lease_contract",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    # the tax authority's registration, added later by the MC (billing.leases.lease_register)
    tax_registration_number = models.CharField(
        _("tax registration number"), max_length=50, blank=True
    )
    tax_registered_on = models.DateField(_("tax registration date"), null=True, blank=True)
    registration_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registration_recorded_at = models.DateTimeField(
        _("registration recorded at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("lease contract of common property")
        verbose_name_plural = _("lease contracts of common property")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="lease", rent_tiyin__gt=0) | Q(kind="gratuitous", rent_tiyin=0),
                name="lease_rent_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="lease_term_in_order"
            ),
            models.CheckConstraint(
                condition=Q(lessee_tin__regex=PARTY_ID_REGEX), name="lease_lessee_id_digits"
            ),
            # a registration is a number and a date, both or neither, never before signing
            models.CheckConstraint(
                condition=Q(tax_registration_number="", tax_registered_on__isnull=True)
                | (~Q(tax_registration_number="") & Q(tax_registered_on__gte=F("signed_on"))),
                name="lease_registration_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["lot", "signed_on"], name="lease_lot_signed"),
            models.Index(fields=["tax_registered_on", "signed_on"], name="lease_registration"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.object_description}"

    @property
    def registered(self) -> bool:
        return self.tax_registered_on is not None


class LeaseViolation(models.Model):
    """A contract not registered with the tax authority by its deadline (once per
    contract). ``removal`` is the MC's removal from the register that followed, when the
    automatic removal is on; otherwise an inspector removes the MC through the register's
    removal action, and this row stays as the ground for it."""

    contract = models.OneToOneField(
        LeaseContract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="violation",
    )
    company = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        related_name="lease_violations",
    )
    deadline = models.DateField(_("registration deadline"))
    detected_on = models.DateField(_("detected on"))
    detected_at = models.DateTimeField(_("detected at"))
    removal = models.ForeignKey(
        "organizations.Removal",
        verbose_name=_("removal from the register"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # why the automatic removal did not happen (it was on, and it could not)
    removal_error = models.CharField(_("automatic removal not done"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lease violation")
        verbose_name_plural = _("lease violations")
        ordering = ["-detected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(detected_on__gt=F("deadline")), name="lease_violation_after_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.deadline}"
