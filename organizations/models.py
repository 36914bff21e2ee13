"""The management companies register (DOMAIN.md "Management companies register").

For now: the company's identity, which staff memberships point to. Requirements,
eligibility and removal arrive with the register issue.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MSG_TIN = _("A TIN (STIR) is exactly 9 digits.")
validate_tin = RegexValidator(r"^[0-9]{9}$", MSG_TIN, code="tin")


class ManagementCompany(models.Model):
    name = models.CharField(_("name"), max_length=200)
    tin = models.CharField(_("TIN (STIR)"), max_length=9, unique=True, validators=[validate_tin])
    address = models.CharField(_("address"), max_length=300, blank=True)
    dispatch_phone = models.CharField(_("24-hour dispatch phone"), max_length=13, blank=True)

    class Meta:
        verbose_name = _("management company")
        verbose_name_plural = _("management companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tin__regex=r"^[0-9]{9}$"),
                name="mc_tin_9_digits",
                violation_error_message=MSG_TIN,
            )
        ]

    def __str__(self) -> str:
        return self.name
