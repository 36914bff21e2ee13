"""The building registry. For now: the territorial units that roles are scoped to.

Region → District → Building → Apartment (DOMAIN.md "Building registry"); buildings and
apartments arrive with the registry issue.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """One of the 14 top-level regions (12 viloyat, Karakalpakstan, Tashkent city)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A district (tuman) or a city of regional subordination."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="district_unique_in_region")
        ]

    def __str__(self) -> str:
        return self.name
