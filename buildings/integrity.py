"""Derived registry figures and the check that they still match their rows (issue point 3).

``Building.apartments_count`` and ``Building.living_area_m2`` are what the Apartment rows
say: the number of rows and the sum of their ``area_m2`` (DOMAIN.md "Building registry":
the apartment's area comes from the cadastral passport). They are stored because every
list, lot and program reads them; the services that change apartment rows recompute them
with one set-based UPDATE (``buildings.services.building_totals_refresh``), and
``registry_drift`` finds rows that something else (raw SQL, a bulk load) left behind.

``total_area_m2`` is not derived: it is the building's total floor area from Turar-Joy
(common areas included), so it has no rows to agree with and is not checked here.

A building without any apartment rows keeps its living area (there is nothing to derive it
from, and the database requires it to be positive); only its count is checked.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Round

from buildings.models import Apartment, Building

DRIFT_LIMIT = 100


def apartments_count_of_rows() -> Coalesce:
    """The number of Apartment rows of the outer building (0 without any)."""
    rows = (
        Apartment.objects.filter(building_id=OuterRef("pk"))
        .order_by()
        .values("building_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def living_area_of_rows() -> Round:
    """The sum of the outer building's apartment areas, to the cent (NULL without rows).

    Rounded in SQL: SQLite sums decimals as floating point (0.1 + 0.2 is 0.30000000000000004),
    and the stored column has two places.
    """
    rows = (
        Apartment.objects.filter(building_id=OuterRef("pk"))
        .order_by()
        .values("building_id")
        .annotate(total=Sum("area_m2"))
        .values("total")
    )
    field: DecimalField[Any, Any] = DecimalField(max_digits=10, decimal_places=2)
    return Round(Subquery(rows, output_field=field), 2, output_field=field)


def registry_drift(*, limit: int = DRIFT_LIMIT) -> dict[str, Any]:
    """Buildings whose stored apartments_count or living_area_m2 differ from their rows.

    Two set-based queries per figure (a count and the first ``limit`` ids), whatever the
    number of buildings: ``{"apartments_count": {"count": n, "ids": [...]}, "living_area_m2":
    {...}, "ok": bool}``. Meant for ``check_registry --json``.
    """
    annotated = Building.objects.order_by().annotate(
        rows_count=apartments_count_of_rows(), rows_area=living_area_of_rows()
    )
    wrong_count = annotated.exclude(apartments_count=F("rows_count"))
    wrong_area = annotated.filter(rows_area__isnull=False).exclude(living_area_m2=F("rows_area"))
    report: dict[str, Any] = {}
    for name, qs in (("apartments_count", wrong_count), ("living_area_m2", wrong_area)):
        report[name] = {
            "count": qs.count(),
            "ids": list(qs.order_by("pk").values_list("pk", flat=True)[:limit]),
        }
    report["ok"] = not any(report[name]["count"] for name in ("apartments_count", "living_area_m2"))
    return report
