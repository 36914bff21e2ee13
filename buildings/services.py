"""State changes of the registry: commissioning, assessments, ownership, the policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Person, User
from accounts.permissions import roles_changed
from buildings.classification import building_reclassify, reclassify_all
from buildings.integrity import apartments_count_of_rows, living_area_of_rows
from buildings.models import (
    BUILDING_FACT_FIELDS,
    ELEMENTS,
    REGISTRY_STAMP,
    Apartment,
    Building,
    ClassificationPolicy,
    ConditionAssessment,
    ManagementMethod,
    Ownership,
)
from core.stamps import stamps_renew
from territory.models import District, Region

MSG_NO_PASSPORT = _("The building has no cadastral passport in Turar-Joy.")
MSG_SOLAR_NOT_TRANSFERRED = _(
    "Solar panels are installed but have not been transferred to the management body as "
    "common property."
)
MSG_ALREADY_COMMISSIONED = _("The building is already commissioned.")
MSG_SHARES_NOT_ONE = _("Co-owners' shares must add up to exactly 1; they add up to %(total)s.")
MSG_OWNER_TWICE = _("The same person is listed twice as an owner of this apartment.")
MSG_WEIGHTS_NOT_ONE = _("The weights must add up to exactly 1; they add up to %(total)s.")
MSG_NEEDS_ELEVATOR_WEAR = _("A building with an elevator needs the elevators' wear.")
MSG_ASSESSED_IN_FUTURE = _("The assessment date cannot be in the future.")
MSG_WEAR_REQUIRED = _("The wear of this element is required.")
MSG_WEAR_RANGE = _("Wear must be between 0 and 100 %%, got %(value)s.")
MSG_WEAR_TOO_PRECISE = _(
    "Wear is recorded with at most one decimal place, got %(value)s: rounding it could move "
    "the building to another class."
)
MSG_OWNERSHIP_BACKDATED = _(
    "A change of owners from %(since)s would rewrite the ownership already recorded from "
    "%(recorded)s; a back-dated change may not erase or overlap later history."
)
MSG_MOVE_LOCKED_LOT = _(
    "The building is in lot %(lot)s (%(status)s): it cannot move to another region or district."
)
MSG_MOVE_OUTSIDE_SCOPE = _("A building cannot be moved out of or into a region you do not inspect.")
MSG_DISTRICT_NOT_IN_REGION = _("District %(district)s is not in region %(region)s.")
MSG_PASSPORT_OF_COMMISSIONED = _(
    "The building is commissioned: its cadastral passport cannot be cleared."
)


class RegistryError(Exception):
    """A refusal with every reason, each a translated user-facing message."""

    def __init__(self, messages: Iterable[Any]) -> None:
        self.messages = [str(m) for m in messages]
        super().__init__("; ".join(self.messages))


def commissioning_problems(building: Building) -> list[str]:
    """Every unmet condition of commissioning (DOMAIN.md "Commissioning")."""
    problems = []
    if building.is_commissioned:
        problems.append(str(MSG_ALREADY_COMMISSIONED))
    if not building.cadastral_passport:
        problems.append(str(MSG_NO_PASSPORT))
    if building.solar_panels and not building.solar_transferred:
        problems.append(str(MSG_SOLAR_NOT_TRANSFERRED))
    return problems


@transaction.atomic
def building_commission(*, building: Building, by: User | None) -> Building:
    """Commission a new building, or refuse naming every missing condition.

    Commissioning rule, DOMAIN.md: a cadastral passport, and installed solar panels
    transferred as common property. The row is locked so two inspectors cannot both do it.
    """
    building = Building.objects.select_for_update().get(pk=building.pk)
    problems = commissioning_problems(building)
    if problems:
        raise RegistryError(problems)
    building.commissioned_at = timezone.now()
    building.commissioned_by = by
    building.save(update_fields=["commissioned_at", "commissioned_by", "updated_at"])
    return building


WEAR_STEP = Decimal("0.1")  # wear is stored in tenths of a percent (decimal_places=1)


def wear_problem(value: Any) -> str | None:
    """Why a wear value cannot be stored as it is, or None (one rule for every path).

    Wear is never rounded on the way in: a value with more precision than is stored is
    refused, so that what is classified is what was measured (60.04 % is above 60; rounded
    to 60.0 it would not be). The import, the admin and the generator all ask this.
    """
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(MSG_WEAR_RANGE % {"value": value})
    if not number.is_finite() or not 0 <= number <= 100:
        return str(MSG_WEAR_RANGE % {"value": value})
    if number != number.quantize(WEAR_STEP):
        return str(MSG_WEAR_TOO_PRECISE % {"value": value})
    return None


def assessment_date_problem(assessed_on: dt.date) -> str | None:
    """An assessment cannot be dated after today (Asia/Tashkent): it would become the
    latest one and decide the class until that date has passed."""
    if assessed_on > timezone.localdate():
        return str(MSG_ASSESSED_IN_FUTURE)
    return None


def assessment_problems(
    *, has_elevator: bool, assessed_on: dt.date | None, wear: Mapping[str, Any]
) -> dict[str, str]:
    """Every reason to refuse an assessment, by field (the Turar-Joy import asks the same
    questions line by line; the admin's form shows these next to the fields)."""
    problems: dict[str, str] = {}
    if assessed_on is not None:
        date_problem = assessment_date_problem(assessed_on)
        if date_problem:
            problems["assessed_on"] = date_problem
    for element in ELEMENTS:
        value = wear.get(element)
        if value is None:
            if element != "elevators":
                problems[element] = str(MSG_WEAR_REQUIRED)
            elif has_elevator:
                problems[element] = str(MSG_NEEDS_ELEVATOR_WEAR)
            continue
        problem = wear_problem(value)
        if problem:
            problems[element] = problem
    return problems


@transaction.atomic
def assessment_record(
    *,
    building: Building,
    assessed_on: dt.date,
    wear: Mapping[str, Any],
    emergency: bool = False,
    assessor: User | None = None,
    assessor_name: str = "",
    source: str = ConditionAssessment.Source.INSPECTOR,
) -> ConditionAssessment:
    """Record an assessment and reclassify the building (the latest one decides).

    Refused (ValidationError by field) for a date after today, a missing element, a wear
    outside 0–100 % or with more than one decimal, and a missing elevators' wear in a
    building with an elevator: the same checks as the Turar-Joy import.
    """
    problems = assessment_problems(
        has_elevator=building.has_elevator, assessed_on=assessed_on, wear=wear
    )
    if problems:
        raise ValidationError(problems)
    assessment = ConditionAssessment(
        building=building,
        assessed_on=assessed_on,
        emergency=emergency,
        assessor=assessor,
        assessor_name=assessor_name,
        source=source,
        **{e: wear.get(e) for e in ELEMENTS},
    )
    assessment.full_clean()
    assessment.save()
    building_reclassify(building)
    return assessment


def parse_share(value: Any) -> Fraction:
    """A share as an exact fraction: "1/3", "0.5", 0.5 or 1. Floats go through str()."""
    if isinstance(value, bool):
        raise ValueError("a share is a number")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    text = str(value).strip()
    if "/" in text:
        num, den = text.split("/", 1)
        return Fraction(int(num), int(den))
    return Fraction(text)


def shares_problem(shares: Iterable[Fraction]) -> str | None:
    total = sum(shares, Fraction(0))
    if total != 1:
        shown = f"{float(total):g}" if total.denominator > 1000 else str(total)
        return str(MSG_SHARES_NOT_ONE % {"total": shown})
    return None


def ownership_history_problem(
    periods: Iterable[tuple[dt.date, dt.date | None]], *, since: dt.date
) -> str | None:
    """The back-dating rule for a change of owners from ``since`` (DOMAIN.md "Ownership").

    ``periods`` are the (since, until) of the apartment's recorded ownership rows. History
    is never rewritten: the change is refused when any row starts after ``since``, or a
    closed row ends on or after it (the new owners would overlap it, or the current ones
    would have to be deleted). A current row that starts exactly on ``since`` is a same-day
    replacement, the only case in which rows are replaced rather than closed.

    Refusing (rather than splicing the change into the past) is deliberate: an inspector
    reading the history must be able to trust that every period was recorded as it stands.
    A real back-dated correction is a correction of the later rows, done explicitly.
    """
    conflicts = [
        start if until is None or start > since else until
        for start, until in periods
        if start > since or (until is not None and until >= since)
    ]
    if not conflicts:
        return None
    return str(MSG_OWNERSHIP_BACKDATED % {"since": since.isoformat(), "recorded": max(conflicts)})


@transaction.atomic
def ownership_replace(
    *,
    apartment: Apartment,
    owners: list[tuple[Person, Fraction]],
    since: dt.date,
) -> list[Ownership]:
    """Make ``owners`` the current co-owners from ``since``; the current rows end the day before.

    Shares must sum to exactly 1 and each be in (0, 1]. History is kept (since/until):
    only a replacement on the same day as the current rows' start replaces them; a change
    dated before recorded history is refused (``ownership_history_problem``), and the
    database refuses overlapping periods of one apartment (migration 0005).
    The apartment row is locked so concurrent changes serialise.
    """
    Apartment.objects.select_for_update().filter(pk=apartment.pk).first()
    persons = [p.pk for p, _ in owners]
    if len(set(persons)) != len(persons):
        raise ValidationError({"owners": MSG_OWNER_TWICE})
    problem = shares_problem(share for _, share in owners)
    if problem:
        raise ValidationError({"owners": problem})
    rows = Ownership.objects.filter(apartment=apartment)
    history = rows.filter(Q(until__isnull=True) | Q(until__gte=since)).values_list("since", "until")
    problem = ownership_history_problem(history, since=since)
    if problem:
        raise ValidationError({"since": problem})
    current = rows.filter(until__isnull=True)
    # the roles of the owners leaving and arriving (the rows are written in bulk)
    roles_changed(
        Person.objects.filter(
            Q(pk__in=persons) | Q(pk__in=current.values("person_id"))
        ).values_list("user_id", flat=True)
    )
    current.filter(since=since).delete()  # replaced on the same day: not history
    current.update(until=since - dt.timedelta(days=1))
    new_rows = []
    for person, share in owners:
        row = Ownership(
            apartment=apartment,
            person=person,
            share_numerator=share.numerator,
            share_denominator=share.denominator,
            since=since,
        )
        row.full_clean()
        new_rows.append(row)
    return Ownership.objects.bulk_create(new_rows)


@transaction.atomic
def policy_update(*, values: Mapping[str, Any]) -> dict[str, int]:
    """Change the classification policy and reclassify every building at once."""
    row = ClassificationPolicy.objects.select_for_update().get(pk=1)
    for key, value in values.items():
        setattr(row, key, value)
    total = sum(getattr(row, f"weight_{e}") for e in ELEMENTS)
    if total != 1:
        raise ValidationError(MSG_WEIGHTS_NOT_ONE % {"total": total})
    row.full_clean()
    row.save()
    return reclassify_all()


# --- derived totals ------------------------------------------------------------------------


def building_totals_refresh(*, building_ids: Iterable[int]) -> int:
    """Set apartments_count and living_area_m2 of these buildings from their Apartment rows.

    Issue point 3: the stored figures always equal what the rows say. One UPDATE with
    correlated subqueries per 1000 ids (no Python loop over buildings). A building without
    rows keeps its living area (see buildings.integrity). Returns the rows updated.
    """
    ids = sorted(set(building_ids))
    updated = 0
    for start in range(0, len(ids), 1000):
        updated += Building.objects.filter(pk__in=ids[start : start + 1000]).update(
            apartments_count=apartments_count_of_rows(),
            living_area_m2=Coalesce(living_area_of_rows(), F("living_area_m2")),
        )
    stamps_renew([REGISTRY_STAMP])  # the public registry shows both figures
    return updated


APARTMENT_EDITABLE = ("number", "area_m2", "rooms")


@transaction.atomic
def apartment_update(*, apartment: Apartment, values: Mapping[str, Any]) -> Apartment:
    """Change an apartment's number, area or rooms; its building's totals follow.

    The building and the account number (the number owners pay to) do not change here.
    """
    unknown = set(values) - set(APARTMENT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    apartment = Apartment.objects.select_for_update().get(pk=apartment.pk)
    for name, value in values.items():
        setattr(apartment, name, value)
    apartment.full_clean()
    apartment.save(update_fields=list(values))
    building_totals_refresh(building_ids=[apartment.building_id])
    return apartment


# --- moving a building, editing it ---------------------------------------------------------

OPEN_LOT_STATUS = "draft"  # lots.LotStatus.DRAFT; read through the relation, never imported


@dataclass(frozen=True)
class Move:
    """Where a building is to be: a district of a region (``district_id`` None: a district
    new to the registry, created by the import inside ``region_id``)."""

    region_id: int
    district_id: int | None
    district_region_id: int


def building_move_problems(
    moves: Mapping[int, Move], *, region_scope: int | None
) -> dict[int, tuple[str, str]]:
    """Why each building (by id) cannot be moved, as (field, message); moves that change
    nothing are not problems. One rule for the Turar-Joy import and the admin:

    - a regional inspector (``region_scope``) moves nothing out of or into another region;
    - the district belongs to the region;
    - a building in a lot past draft (proposed, approved, election, managed, re-election)
      stays where it is: the lot was formed, approved and elected for that place
      (DOMAIN.md "Lots": one region; buildings of one district together). The message
      names the lot. A draft lot is re-formed anyway, so it does not hold the building.

    Set-based: one query per 1000 buildings, reading the lot through its relation name.
    """
    problems: dict[int, tuple[str, str]] = {}
    ids = sorted(moves)
    for start in range(0, len(ids), 1000):
        rows = Building.objects.filter(pk__in=ids[start : start + 1000]).values_list(
            "pk",
            "region_id",
            "district_id",
            "lot_membership__lot__code",
            "lot_membership__lot__status",
        )
        for pk, region_id, district_id, lot_code, lot_status in rows:
            move = moves[pk]
            region_changes = move.region_id != region_id
            if not region_changes and move.district_id == district_id:
                continue
            field = "region" if region_changes else "district"
            if region_scope is not None and {region_id, move.region_id} != {region_scope}:
                problems[pk] = ("region", str(MSG_MOVE_OUTSIDE_SCOPE))
            elif move.district_region_id != move.region_id:
                problems[pk] = ("district", _district_not_in_region(move))
            elif lot_code is not None and lot_status != OPEN_LOT_STATUS:
                problems[pk] = (
                    field,
                    str(MSG_MOVE_LOCKED_LOT % {"lot": lot_code, "status": lot_status}),
                )
    return problems


def _district_not_in_region(move: Move) -> str:
    district = District.objects.filter(pk=move.district_id or 0).first()
    region = Region.objects.filter(pk=move.region_id).first()
    return str(MSG_DISTRICT_NOT_IN_REGION % {"district": district, "region": region})


# Fields of a building that an inspector edits by hand. The rest is derived (areas and
# apartments_count from the Apartment rows, the class from the latest assessment), owned by
# Turar-Joy (total_area_m2) or by another service (commissioning).
BUILDING_EDITABLE = (
    "region",
    "district",
    "cadastral_number",
    *BUILDING_FACT_FIELDS,
    "management_method",
    "manager",
    "manager_name",
    "cadastral_passport",
    "solar_panels",
    "solar_transferred",
)


def building_update_problems(
    *, building: Building, values: Mapping[str, Any], region_scope: int | None
) -> dict[str, str]:
    """Every reason to refuse ``values`` for ``building``, by field (see building_update)."""
    unknown = set(values) - set(BUILDING_EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    problems: dict[str, str] = {}
    if "region" in values or "district" in values:
        region = values.get("region", building.region)
        district = values.get("district", building.district)
        if region is not None and district is not None:
            move = Move(region.pk, district.pk, district.region_id)
            found = building_move_problems({building.pk: move}, region_scope=region_scope)
            if building.pk in found:
                field, message = found[building.pk]
                problems[field] = message
    if values.get("cadastral_passport") is False and building.is_commissioned:
        problems["cadastral_passport"] = str(MSG_PASSPORT_OF_COMMISSIONED)
    return problems


@transaction.atomic
def building_update(
    *, building: Building, values: Mapping[str, Any], region_scope: int | None
) -> Building:
    """Edit a building's registry fields (the admin's path), with the registry's rules:

    - region and district: the move rules of ``building_move_problems`` (the import's);
    - has_elevator: the building is reclassified (the elevator term counts only with one);
    - cadastral_passport cannot be cleared once the building is commissioned (the
      commissioning rule needs it; clearing it would leave a commissioned building that
      could not have been commissioned). Turar-Joy remains the source of the flag.

    ``values`` holds only changed fields (BUILDING_EDITABLE). The row is locked.
    """
    building = Building.objects.select_for_update().get(pk=building.pk)
    problems = building_update_problems(building=building, values=values, region_scope=region_scope)
    if problems:
        raise ValidationError(problems)
    elevator_changes = "has_elevator" in values and values["has_elevator"] != building.has_elevator
    for name, value in values.items():
        setattr(building, name, value)
    building.full_clean()
    if values:
        building.save(update_fields=[*values, "updated_at"])
    if elevator_changes:
        building_reclassify(building)
    return building


@transaction.atomic
def buildings_manager_assign(*, building_ids: list[int], company_id: int) -> int:
    """The management company elected (or appointed) for these buildings manages them: one
    set-based UPDATE. Called by the lots app when a lot's manager changes."""
    stamps_renew([REGISTRY_STAMP])  # the public registry shows the manager
    return Building.objects.filter(pk__in=building_ids).update(
        manager_id=company_id, management_method=ManagementMethod.MC, manager_name=""
    )
