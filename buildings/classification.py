"""Condition classification (DOMAIN.md "Building registry", after VSN 53-86 wear bands).

- red:    W > 60, or a structural element (foundation, walls, floors/slabs, roof) > 70, or
          the emergency flag;
- yellow: W > 40, or any element > 60;
- green:  otherwise; unassessed: no assessment yet. The latest assessment decides.

W is the weighted mean wear. A building without an elevator has no elevator term: its
weight is spread over the other elements in proportion to theirs (dividing by the sum of
the remaining weights does exactly that), and its wear is not an "element > 60".

All arithmetic is on integers (wear in tenths of a percent, weights in thousandths), so
the Python path (one building) and the SQL path (every building, one statement) give the
same answer on SQLite and PostgreSQL at every boundary; a float would put W = 60.000…01
into red.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from buildings.models import (
    ELEMENTS,
    REGISTRY_STAMP,
    STRUCTURAL,
    Building,
    Classification,
    ClassificationPolicy,
)
from core.stamps import stamps_renew


@dataclass(frozen=True)
class Policy:
    weights: Mapping[str, int]  # thousandths
    red_overall: int  # tenths of a percent
    red_structural: int
    yellow_overall: int
    yellow_element: int

    @classmethod
    def from_row(cls, row: ClassificationPolicy) -> Policy:
        return cls(
            weights={e: int(getattr(row, f"weight_{e}") * 1000) for e in ELEMENTS},
            red_overall=int(row.red_overall * 10),
            red_structural=int(row.red_structural * 10),
            yellow_overall=int(row.yellow_overall * 10),
            yellow_element=int(row.yellow_element * 10),
        )


def policy_defaults() -> dict[str, Decimal]:
    d: dict[str, Any] = settings.CLASSIFICATION_DEFAULTS
    values = {f"weight_{e}": Decimal(w) for e, w in d["weights"].items()}
    for key in ("red_overall", "red_structural", "yellow_overall", "yellow_element"):
        values[key] = Decimal(str(d[key]))
    return values


def policy_row() -> ClassificationPolicy:
    row, _ = ClassificationPolicy.objects.get_or_create(pk=1, defaults=policy_defaults())
    return row


def policy_current() -> Policy:
    return Policy.from_row(policy_row())


def tenths(value: Any) -> int:
    """Wear as an integer number of tenths of a percent (45.5 % → 455)."""
    return int((Decimal(str(value)) * 10).to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Result:
    classification: str
    overall_wear: Decimal  # rounded to 0.01 for display; decisions use the exact value


def classify(
    wear: Mapping[str, Any], *, emergency: bool, has_elevator: bool, policy: Policy
) -> Result:
    """Classify one assessment. ``wear`` maps element → percent (elevators may be None)."""
    # The elevator term counts when the building has one and it was assessed (an old
    # assessment of a building that later got an elevator has no elevator wear).
    with_elevator = has_elevator and wear.get("elevators") is not None
    elements = [e for e in ELEMENTS if with_elevator or e != "elevators"]
    w = {e: tenths(wear[e]) for e in elements}
    total_weight = sum(policy.weights[e] for e in elements)
    numerator = sum(w[e] * policy.weights[e] for e in elements)
    # W (in tenths) = numerator / total_weight; compare without dividing.
    overall = (Decimal(numerator) / Decimal(total_weight) / 10).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    if (
        emergency
        or numerator > policy.red_overall * total_weight
        or any(w[e] > policy.red_structural for e in STRUCTURAL)
    ):
        return Result(Classification.RED, overall)
    if numerator > policy.yellow_overall * total_weight or any(
        w[e] > policy.yellow_element for e in elements
    ):
        return Result(Classification.YELLOW, overall)
    return Result(Classification.GREEN, overall)


def _sql_terms(policy: Policy, alias: str, elevator: str) -> tuple[str, str]:
    """SQL for the numerator and the total weight, as integer expressions."""

    def t(e: str) -> str:
        return f"CAST(ROUND({alias}.{e} * 10) AS INTEGER)"

    base = [e for e in ELEMENTS if e != "elevators"]
    num = " + ".join(f"{t(e)} * {policy.weights[e]}" for e in base)
    w_elev = policy.weights["elevators"]
    # The elevator term counts only when the building has one and its wear was assessed.
    counts = f"{elevator} AND {alias}.elevators IS NOT NULL"
    numerator = f"({num} + CASE WHEN {counts} THEN {t('elevators')} * {w_elev} ELSE 0 END)"
    base_weight = sum(policy.weights[e] for e in base)
    total = f"(CASE WHEN {counts} THEN {base_weight + w_elev} ELSE {base_weight} END)"
    return numerator, total


def classification_sql(policy: Policy, alias: str, elevator: str) -> tuple[str, str]:
    """SQL expressions (class, overall wear) for assessment ``alias`` — same rule as classify()."""
    num, total = _sql_terms(policy, alias, elevator)

    def t(e: str) -> str:
        return f"CAST(ROUND({alias}.{e} * 10) AS INTEGER)"

    structural_red = " OR ".join(f"{t(e)} > {policy.red_structural}" for e in STRUCTURAL)
    base = [e for e in ELEMENTS if e != "elevators"]
    element_yellow = " OR ".join(f"{t(e)} > {policy.yellow_element}" for e in base)
    element_yellow += (
        f" OR ({elevator} AND {alias}.elevators IS NOT NULL"
        f" AND {t('elevators')} > {policy.yellow_element})"
    )
    klass = (
        f"CASE WHEN {alias}.emergency OR {num} > {policy.red_overall} * {total} "
        f"OR {structural_red} THEN 'red' "
        f"WHEN {num} > {policy.yellow_overall} * {total} OR {element_yellow} THEN 'yellow' "
        f"ELSE 'green' END"
    )
    # "* 1.0": SQLite divides integers as integers.
    overall = f"ROUND(({num}) * 1.0 / {total} / 10.0, 2)"
    return klass, overall


@transaction.atomic
def reclassify_all(*, building_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute every building's class from its latest assessment, in three statements.

    Set-based SQL (no Python loop over buildings); the same rule as ``classify``.
    With ``building_ids`` only those buildings are touched (used by the import).
    """
    policy = policy_current()
    b = Building._meta.db_table
    a = "buildings_conditionassessment"
    scope = ""
    params: list[Any] = []
    if building_ids is not None:
        if not building_ids:
            return counts_by_class()
        scope = f" AND {b}.id IN ({', '.join(['%s'] * len(building_ids))})"
        params = list(building_ids)
    klass, overall = classification_sql(policy, "la", f"{b}.has_elevator")
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {b} SET latest_assessment_id = ("  # noqa: S608 - no user input  # nosec B608 # identifiers from _meta; no user input
            f" SELECT a2.id FROM {a} a2 WHERE a2.building_id = {b}.id"
            f" ORDER BY a2.assessed_on DESC, a2.id DESC LIMIT 1) WHERE 1 = 1{scope}",
            params,
        )
        cur.execute(
            f"UPDATE {b} SET classification = {klass}, overall_wear = {overall}"  # noqa: S608  # nosec B608 # identifiers from _meta; no user input
            f" FROM {a} la WHERE la.id = {b}.latest_assessment_id{scope}",
            params,
        )
        cur.execute(
            f"UPDATE {b} SET classification = 'unassessed', overall_wear = NULL"  # noqa: S608  # nosec B608 # identifiers from _meta; no user input
            f" WHERE latest_assessment_id IS NULL{scope}",
            params,
        )
    stamps_renew([REGISTRY_STAMP])  # the registry's counts per class
    return counts_by_class()


def counts_by_class() -> dict[str, int]:
    from django.db.models import Count

    counts = {c.value: 0 for c in Classification}
    for row in Building.objects.values("classification").annotate(n=Count("id")):
        counts[row["classification"]] = row["n"]
    return counts


def building_reclassify(building: Building) -> Building:
    """Recompute one building from its latest assessment (Python path)."""
    latest = building.assessments.order_by("-assessed_on", "-id").first()
    if latest is None:
        building.latest_assessment = None
        building.classification = Classification.UNASSESSED
        building.overall_wear = None
    else:
        result = classify(
            latest.wear(),
            emergency=latest.emergency,
            has_elevator=building.has_elevator,
            policy=policy_current(),
        )
        building.latest_assessment = latest
        building.classification = result.classification
        building.overall_wear = result.overall_wear
    building.save(update_fields=["latest_assessment", "classification", "overall_wear"])
    return building
