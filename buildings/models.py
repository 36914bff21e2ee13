"""The building registry (DOMAIN.md "Building registry").

Building → Apartment (regions and districts live in territory), ownership with shares,
condition assessments, the classification policy, monthly consumption and land plots.
Invariants that a retry or a concurrent write could break are database constraints.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from territory.models import District, Region

ELEMENTS = (
    "foundation",
    "walls",
    "floors",
    "roof",
    "facade",
    "heating",
    "water",
    "electricity",
    "gas",
    "elevators",
)
STRUCTURAL = ("foundation", "walls", "floors", "roof")
ELEMENT_LABELS = {
    "foundation": _("Foundation"),
    "walls": _("Walls"),
    "floors": _("Floors and slabs"),
    "roof": _("Roof"),
    "facade": _("Facade and common areas"),
    "heating": _("Heating"),
    "water": _("Water and sewage"),
    "electricity": _("Electricity"),
    "gas": _("Gas"),
    "elevators": _("Elevators"),
}


class Classification(models.TextChoices):
    GREEN = "green", _("green")
    YELLOW = "yellow", _("yellow")
    RED = "red", _("red")
    UNASSESSED = "unassessed", _("unassessed")


class ManagementMethod(models.TextChoices):
    MC = "mc", _("management company")
    SHIRKAT = "shirkat", _("homeowners' association (shirkat)")
    SELF = "self", _("self-managed")
    NONE = "none", _("not chosen")


class WallMaterial(models.TextChoices):
    BRICK = "brick", _("brick")
    PANEL = "panel", _("panel")
    MONOLITH = "monolith", _("monolithic concrete")
    BLOCK = "block", _("block")
    WOOD = "wood", _("wood")
    OTHER = "other", _("other")


# What the registry states about a building as a structure: where it stands, its shape and
# size. One list for every place that names them (the public registry's columns and API,
# the admin export, the Turar-Joy import, the generator); each adds its own extras.
BUILDING_FACT_FIELDS = (
    "address",
    "lat",
    "lon",
    "year_built",
    "floors",
    "entrances",
    "wall_material",
    "has_elevator",
)
# Figures of a building derived from its apartment rows (buildings.services
# building_totals_refresh keeps them true; buildings.integrity.registry_drift checks).
BUILDING_TOTAL_FIELDS = ("apartments_count", "living_area_m2")
BUILDING_PUBLIC_FIELDS = (*BUILDING_FACT_FIELDS, *BUILDING_TOTAL_FIELDS)


# The stamp (core.stamps) of what is cached about the registry's buildings: its counts per
# district and class (buildings.selectors.RegistryRows). Renewed by buildings.receivers and
# by every writer in bulk of a building's existence, district or class.
REGISTRY_STAMP = "registry"


class Building(models.Model):
    """A multi-apartment building. ``classification`` is derived from the latest assessment."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="buildings"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="buildings"
    )
    cadastral_number = models.CharField(_("cadastral number"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=300)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"))
    entrances = models.PositiveSmallIntegerField(_("entrances"))
    wall_material = models.CharField(
        _("wall material"), max_length=10, choices=WallMaterial.choices, default=WallMaterial.OTHER
    )
    has_elevator = models.BooleanField(_("has elevator"), default=False)
    total_area_m2 = models.DecimalField(_("total area, m²"), max_digits=10, decimal_places=2)
    living_area_m2 = models.DecimalField(_("living area, m²"), max_digits=10, decimal_places=2)
    apartments_count = models.PositiveIntegerField(_("apartments"), default=0)
    management_method = models.CharField(
        _("management method"),
        max_length=10,
        choices=ManagementMethod.choices,
        default=ManagementMethod.NONE,
    )
    manager = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_buildings",
    )
    manager_name = models.CharField(
        _("manager (association or self-management)"), max_length=200, blank=True
    )
    cadastral_passport = models.BooleanField(_("cadastral passport"), default=False)
    solar_panels = models.BooleanField(_("solar panels installed"), default=False)
    solar_transferred = models.BooleanField(
        _("solar panels transferred as common property"), default=False
    )
    commissioned_at = models.DateTimeField(_("commissioned at"), null=True, blank=True)
    commissioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commissioned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    classification = models.CharField(
        _("class"),
        max_length=10,
        choices=Classification.choices,
        default=Classification.UNASSESSED,
    )
    overall_wear = models.DecimalField(
        _("overall wear, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    latest_assessment = models.ForeignKey(
        "ConditionAssessment",
        verbose_name=_("latest assessment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["cadastral_number"]
        indexes = [
            models.Index(fields=["region", "classification"], name="building_region_class"),
            models.Index(fields=["district", "classification"], name="building_district_class"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(floors__gte=1), name="building_floors_positive"),
            models.CheckConstraint(
                condition=Q(entrances__gte=1), name="building_entrances_positive"
            ),
            models.CheckConstraint(
                condition=Q(total_area_m2__gt=0) & Q(living_area_m2__gt=0),
                name="building_area_positive",
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=37, lat__lte=46, lon__gte=55, lon__lte=74),
                name="building_coordinates_in_uzbekistan",
            ),
            models.CheckConstraint(
                condition=Q(solar_transferred=False) | Q(solar_panels=True),
                name="building_solar_transfer_needs_panels",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadastral_number} — {self.address}"

    @property
    def is_commissioned(self) -> bool:
        return self.commissioned_at is not None


def luhn_digit(digits: str) -> str:
    """The Luhn check digit: one mistyped digit in an account number is always caught."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def account_number_for(building_id: int, index: int) -> str:
    """The personal account number owners pay to: 7 digits of building, 4 of flat, 1 check."""
    body = f"{building_id:07d}{index:04d}"
    return body + luhn_digit(body)


class Apartment(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="apartments"
    )
    number = models.CharField(_("number"), max_length=10)
    area_m2 = models.DecimalField(
        _("area, m²"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    account_number = models.CharField(_("personal account number"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("apartment")
        verbose_name_plural = _("apartments")
        ordering = ["building_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"], name="apartment_number_unique_in_building"
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="apartment_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.building.address}, {self.number}"


class Ownership(models.Model):
    """A person's share in an apartment, kept as an exact fraction; history by since/until.

    The current co-owners' shares of one apartment sum to exactly 1 (checked by the
    service that writes them, with exact fractions: 1/3 + 2/3 is 1, 0.33 + 0.67 is not).
    """

    apartment = models.ForeignKey(
        Apartment, verbose_name=_("apartment"), on_delete=models.PROTECT, related_name="ownerships"
    )
    person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="ownerships",
    )
    share_numerator = models.PositiveIntegerField(_("share numerator"), default=1)
    share_denominator = models.PositiveIntegerField(_("share denominator"), default=1)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_numerator__gt=0)
                & Q(share_denominator__gt=0)
                & Q(share_numerator__lte=F("share_denominator")),
                name="ownership_share_in_0_1",
                violation_error_message=_("A share must be greater than 0 and at most 1."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="ownership_until_after_since",
            ),
            models.UniqueConstraint(
                fields=["apartment", "person"],
                condition=Q(until__isnull=True),
                name="ownership_one_current_per_person",
            ),
        ]
        indexes = [models.Index(fields=["person", "until"], name="ownership_person_current")]

    def __str__(self) -> str:
        return f"{self.person} — {self.apartment} ({self.share})"

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_numerator, self.share_denominator)


def _wear_field(label: Any, *, null: bool = False) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=1,
        null=null,
        blank=null,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class ConditionAssessment(models.Model):
    """Physical wear (0–100 %) per element on one date. History is kept; the latest decides."""

    class Source(models.TextChoices):
        TURAR_JOY = "turar_joy", _("Turar-Joy")
        INSPECTOR = "inspector", _("inspector")
        GENERATED = "generated", _("generated")

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    foundation = _wear_field(_("foundation wear, %"))
    walls = _wear_field(_("walls wear, %"))
    floors = _wear_field(_("floors and slabs wear, %"))
    roof = _wear_field(_("roof wear, %"))
    facade = _wear_field(_("facade wear, %"))
    heating = _wear_field(_("heating wear, %"))
    water = _wear_field(_("water and sewage wear, %"))
    electricity = _wear_field(_("electricity wear, %"))
    gas = _wear_field(_("gas wear, %"))
    elevators = _wear_field(_("elevators wear, %"), null=True)
    emergency = models.BooleanField(_("emergency"), default=False)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assessor_name = models.CharField(_("assessor name"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.INSPECTOR
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("condition assessment")
        verbose_name_plural = _("condition assessments")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "assessed_on"], name="assessment_one_per_building_day"
            ),
            *[
                models.CheckConstraint(
                    condition=(Q(**{f"{e}__isnull": True}) if e == "elevators" else Q())
                    | Q(**{f"{e}__gte": 0, f"{e}__lte": 100}),
                    name=f"assessment_{e}_0_100",
                )
                for e in ELEMENTS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.building.cadastral_number} @ {self.assessed_on}"

    def wear(self) -> dict[str, object]:
        return {e: getattr(self, e) for e in ELEMENTS}


class ClassificationPolicy(models.Model):
    """Weights and thresholds of the classification (DOMAIN.md, *configurable*).

    One row (pk=1), edited by national inspectors and administrators in the admin; defaults
    come from settings.CLASSIFICATION_DEFAULTS. After a change, `classify_buildings`
    reclassifies every building in one set-based pass.
    """

    weight_foundation = models.DecimalField(_("weight: foundation"), max_digits=4, decimal_places=3)
    weight_walls = models.DecimalField(_("weight: walls"), max_digits=4, decimal_places=3)
    weight_floors = models.DecimalField(_("weight: floors"), max_digits=4, decimal_places=3)
    weight_roof = models.DecimalField(_("weight: roof"), max_digits=4, decimal_places=3)
    weight_facade = models.DecimalField(_("weight: facade"), max_digits=4, decimal_places=3)
    weight_heating = models.DecimalField(_("weight: heating"), max_digits=4, decimal_places=3)
    weight_water = models.DecimalField(_("weight: water"), max_digits=4, decimal_places=3)
    weight_electricity = models.DecimalField(
        _("weight: electricity"), max_digits=4, decimal_places=3
    )
    weight_gas = models.DecimalField(_("weight: gas"), max_digits=4, decimal_places=3)
    weight_elevators = models.DecimalField(_("weight: elevators"), max_digits=4, decimal_places=3)
    red_overall = models.DecimalField(
        _("red: overall wear above, %"), max_digits=4, decimal_places=1
    )
    red_structural = models.DecimalField(
        _("red: a structural element above, %"), max_digits=4, decimal_places=1
    )
    yellow_overall = models.DecimalField(
        _("yellow: overall wear above, %"), max_digits=4, decimal_places=1
    )
    yellow_element = models.DecimalField(
        _("yellow: any element above, %"), max_digits=4, decimal_places=1
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("classification policy")
        verbose_name_plural = _("classification policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="classification_policy_singleton")
        ]

    def __str__(self) -> str:
        return str(_("Classification policy"))


class MonthlyConsumption(models.Model):
    """Energy and water consumption of a building in one month (from Turar-Joy)."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="consumption"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    electricity_kwh = models.DecimalField(_("electricity, kWh"), max_digits=12, decimal_places=2)
    gas_m3 = models.DecimalField(_("gas, m³"), max_digits=12, decimal_places=2)
    water_m3 = models.DecimalField(_("water, m³"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("monthly consumption")
        verbose_name_plural = _("monthly consumption")
        ordering = ["building_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["building", "month"], name="consumption_one_per_month"),
            models.CheckConstraint(
                condition=Q(electricity_kwh__gte=0) & Q(gas_m3__gte=0) & Q(water_m3__gte=0),
                name="consumption_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building_id} {self.month:%Y-%m}"


class LandPlot(models.Model):
    building = models.OneToOneField(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="land_plot"
    )
    area_m2 = models.DecimalField(_("area, m²"), max_digits=12, decimal_places=2)
    boundary = models.JSONField(_("boundary (GeoJSON polygon)"), null=True, blank=True)

    class Meta:
        verbose_name = _("land plot")
        verbose_name_plural = _("land plots")
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="land_plot_area_positive")
        ]

    def __str__(self) -> str:
        return f"{self.building_id}: {self.area_m2} m²"
