"""Turar-Joy import, step 2: write a fully validated file in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Person
from accounts.permissions import roles_changed
from buildings.classification import reclassify_all
from buildings.models import (
    BUILDING_FACT_FIELDS,
    ELEMENTS,
    REGISTRY_STAMP,
    Apartment,
    Building,
    ConditionAssessment,
    LandPlot,
    MonthlyConsumption,
    Ownership,
    account_number_for,
)
from buildings.services import building_totals_refresh, ownership_replace
from buildings.turarjoy.parse import ImportReport, Parsed, Progress, parse_lines
from core.stamps import stamps_renew

# An apartment, the owners the file lists for it, and the day they own it from.
OwnersIn = tuple[Apartment, list[tuple[str, str, Fraction]], dt.date]
MISSING_SHOWN = 20  # flat numbers named in a warning's text; the list has them all


class Refused(Exception):
    """A line that validation passed but the write refused (a concurrent change of the
    same rows); raised inside the transaction so that nothing is written."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__(errors)


def turar_joy_import(
    *,
    lines: Iterable[str | bytes],
    region_scope: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate the whole file, then write it in one transaction (or write nothing)."""
    report = ImportReport()
    parsed, errors = parse_lines(lines, region_scope=region_scope, progress=progress)
    if errors:
        report.errors = errors
        return report
    try:
        with transaction.atomic():
            _write(parsed, report, progress)
            # written in bulk, past the receivers: every login's roles, the registry's counts
            roles_changed()
            stamps_renew([REGISTRY_STAMP])
    except Refused as exc:
        return ImportReport(errors=exc.errors)
    return report


def _write(parsed: Parsed, report: ImportReport, progress: Progress | None) -> None:
    touched = _write_buildings(parsed, report, progress)
    ids = dict(
        Building.objects.filter(
            cadastral_number__in=set(parsed.buildings)
            | {key[0] for key in parsed.assessments}
            | {key[0] for key in parsed.consumption}
            | set(parsed.land_plots)
        ).values_list("cadastral_number", "id")
    )
    touched |= _write_assessments(parsed, ids, report)
    _write_consumption(parsed, ids, report)
    _write_land_plots(parsed, ids, report)
    if touched:
        reclassify_all(building_ids=sorted(touched))


# Fields the file sets on an existing building. apartments_count and living_area_m2 are
# not among them: they follow the Apartment rows (building_totals_refresh), which may be
# more than the file lists, since the import never deletes an apartment. total_area_m2 is
# set only when the line gives it (TOTAL_AREA).
BUILDING_FIELDS = (
    "region",
    "district",
    *BUILDING_FACT_FIELDS,
    "cadastral_passport",
    "solar_panels",
    "solar_transferred",
)
TOTAL_AREA = "total_area_m2"


def _chunks(items: list[Any], size: int = 1000) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _persons_for(pinfls: dict[str, str]) -> dict[str, Person]:
    """Persons by PINFL, creating the missing ones (name from Turar-Joy)."""
    found: dict[str, Person] = {}
    keys = list(pinfls)
    for chunk in _chunks(keys):
        found.update({p.pinfl: p for p in Person.objects.filter(pinfl__in=chunk)})
    missing = [Person(pinfl=k, full_name=pinfls[k]) for k in keys if k not in found]
    for person in Person.objects.bulk_create(missing, batch_size=2000):
        found[person.pinfl] = person
    return found


def _write_buildings(parsed: Parsed, report: ImportReport, progress: Progress | None) -> set[int]:
    cadastrals = list(parsed.buildings)
    existing: dict[str, Building] = {}
    for chunk in _chunks(cadastrals):
        existing.update(
            {b.cadastral_number: b for b in Building.objects.filter(cadastral_number__in=chunk)}
        )
    for item in parsed.buildings.values():  # districts new to the registry
        district = item.fields["district"]
        if district.pk is None:
            district.full_clean()
            district.save()
    touched: set[int] = set()
    new = [
        Building(
            cadastral_number=c,
            **{
                **parsed.buildings[c].fields,
                TOTAL_AREA: parsed.buildings[c].fields[TOTAL_AREA]
                or parsed.buildings[c].fields["living_area_m2"],
            },
        )
        for c in cadastrals
        if c not in existing
    ]
    for b in new:
        b.full_clean(exclude=["latest_assessment", "manager", "commissioned_by"])
    created = Building.objects.bulk_create(new, batch_size=1000)
    report.created["building"] += len(created)
    by_cadastral = {b.cadastral_number: b for b in created}
    changed: list[Building] = []
    for cadastral, building in existing.items():
        fields = parsed.buildings[cadastral].fields
        diff = [f for f in BUILDING_FIELDS if getattr(building, f) != fields[f]]
        if fields[TOTAL_AREA] is not None and building.total_area_m2 != fields[TOTAL_AREA]:
            diff.append(TOTAL_AREA)
        if diff:
            if "has_elevator" in diff:
                touched.add(building.pk)
            for f in diff:
                setattr(building, f, fields[f])
            changed.append(building)
        by_cadastral[cadastral] = building
    changed_ids = {b.pk for b in changed}
    if changed:
        Building.objects.bulk_update(changed, [*BUILDING_FIELDS, TOTAL_AREA], batch_size=500)
    # Apartments: new ones get account numbers; changed ones are updated in place.
    current: dict[int, dict[str, Apartment]] = {}
    for chunk in _chunks([b.pk for b in existing.values()]):
        for apt in Apartment.objects.filter(building_id__in=chunk):
            current.setdefault(apt.building_id, {})[apt.number] = apt
    owners_by_pinfl: dict[str, str] = {}
    for item in parsed.buildings.values():
        for apt_in in item.apartments:
            for pinfl, name, _share in apt_in.owners or []:
                owners_by_pinfl.setdefault(pinfl, name)
    persons = _persons_for(owners_by_pinfl) if owners_by_pinfl else {}
    new_apartments: list[Apartment] = []
    new_owners: list[OwnersIn] = []
    apt_updates: list[Apartment] = []
    replace_owners: list[OwnersIn] = []
    owner_lines: dict[int, tuple[int, int]] = {}  # apartment id → (line, index in the line)
    today = timezone.localdate()  # the registry's day is Asia/Tashkent's
    for done, (cadastral, item) in enumerate(parsed.buildings.items(), start=1):
        building = by_cadastral[cadastral]
        have = current.get(building.pk, {})
        listed = {apt_in.number for apt_in in item.apartments}
        missing = sorted((n for n in have if n not in listed), key=_flat_order)
        if missing:
            report.warnings.append(_missing_flats_warning(item.line, cadastral, missing))
        next_index = 1 + max((int(a.account_number[7:11]) for a in have.values()), default=0)
        for index, apt_in in enumerate(item.apartments):
            found = have.get(apt_in.number)
            if found is None:
                apt = Apartment(
                    building=building,
                    number=apt_in.number,
                    area_m2=apt_in.area_m2,
                    rooms=apt_in.rooms,
                    account_number=account_number_for(building.pk, next_index),
                )
                next_index += 1
                new_apartments.append(apt)
                if apt_in.owners:
                    new_owners.append((apt, apt_in.owners, apt_in.owners_since or today))
                if building.cadastral_number in existing:
                    changed_ids.add(building.pk)
                continue
            apt = found
            if apt.area_m2 != apt_in.area_m2 or apt.rooms != apt_in.rooms:
                apt.area_m2, apt.rooms = apt_in.area_m2, apt_in.rooms
                apt_updates.append(apt)
                changed_ids.add(building.pk)
            if apt_in.owners is not None:
                replace_owners.append((apt, apt_in.owners, apt_in.owners_since or today))
                owner_lines[apt.pk] = (item.line, index)
        if progress and done % 1000 == 0:
            progress("buildings", done, len(parsed.buildings))
    Apartment.objects.bulk_create(new_apartments, batch_size=5000)
    if apt_updates:
        Apartment.objects.bulk_update(apt_updates, ["area_m2", "rooms"], batch_size=1000)
    # The stored count and living area follow the rows, for every building of the file
    # that was already in the registry (new ones got theirs from the file, which is all of
    # their rows): one set-based UPDATE per 1000 buildings.
    building_totals_refresh(building_ids=[b.pk for b in existing.values()])
    Ownership.objects.bulk_create(
        [
            Ownership(
                apartment=apt,
                person=persons[pinfl],
                share_numerator=share.numerator,
                share_denominator=share.denominator,
                since=since,
            )
            for apt, owners, since in new_owners
            for pinfl, _name, share in owners
        ],
        batch_size=5000,
    )
    if replace_owners:
        changed_ids |= _replace_owners(replace_owners, persons, owner_lines)
    report.updated["building"] += len(changed_ids)
    report.unchanged += len(existing) - len(changed_ids)
    return touched


def _replace_owners(
    items: list[OwnersIn], persons: dict[str, Person], lines: dict[int, tuple[int, int]]
) -> set[int]:
    current: dict[int, set[tuple[str, Fraction]]] = {}
    apartment_ids = [item[0].pk for item in items]
    for chunk in _chunks(apartment_ids):
        rows = Ownership.objects.filter(apartment_id__in=chunk, until__isnull=True).values_list(
            "apartment_id", "person__pinfl", "share_numerator", "share_denominator"
        )
        for apt_id, pinfl, num, den in rows:
            current.setdefault(apt_id, set()).add((pinfl, Fraction(num, den)))
    changed: set[int] = set()
    for apt, owners, since in items:
        wanted = {(pinfl, share) for pinfl, _n, share in owners}
        if current.get(apt.pk, set()) != wanted:
            # Refuses a change dated before recorded history; parse_lines has already
            # reported every such flat, so this is the guard (a concurrent change).
            try:
                ownership_replace(
                    apartment=apt, owners=[(persons[p], s) for p, _n, s in owners], since=since
                )
            except ValidationError as exc:
                line, index = lines[apt.pk]
                raise Refused(
                    [{"line": line, "error": f"apartments[{index}].owners: {exc.messages[0]}"}]
                ) from None
            changed.add(apt.building_id)
    return changed


def _flat_order(number: str) -> tuple[int, int | str]:
    """Flat numbers in the order people count them: 2 before 10, then the rest by text."""
    return (0, int(number)) if number.isdigit() else (1, number)


def _missing_flats_warning(line: int, cadastral: str, missing: list[str]) -> dict[str, Any]:
    shown = ", ".join(missing[:MISSING_SHOWN]) + (" …" if len(missing) > MISSING_SHOWN else "")
    return {
        "line": line,
        "cadastral_number": cadastral,
        "missing_apartments": missing,
        "warning": _(
            "apartments: %(n)s apartment(s) of the registry are not in this file and were "
            "kept (the import never deletes an apartment): %(numbers)s"
        )
        % {"n": len(missing), "numbers": shown},
    }


def _write_assessments(parsed: Parsed, ids: dict[str, int], report: ImportReport) -> set[int]:
    touched: set[int] = set()
    keys = list(parsed.assessments)
    existing: dict[tuple[int, dt.date], ConditionAssessment] = {}
    for chunk in _chunks(sorted({ids[key[0]] for key in keys})):
        for a in ConditionAssessment.objects.filter(building_id__in=chunk):
            existing[(a.building_id, a.assessed_on)] = a
    new, changed = [], []
    fields = [*ELEMENTS, "emergency"]
    for (cadastral, day), (_line, values) in parsed.assessments.items():
        building_id = ids[cadastral]
        row = existing.get((building_id, day))
        if row is None:
            new.append(
                ConditionAssessment(
                    building_id=building_id,
                    assessed_on=day,
                    source=ConditionAssessment.Source.TURAR_JOY,
                    **values,
                )
            )
            touched.add(building_id)
        elif any(getattr(row, f) != values[f] for f in fields):
            for f in fields:
                setattr(row, f, values[f])
            changed.append(row)
            touched.add(building_id)
        else:
            report.unchanged += 1
    ConditionAssessment.objects.bulk_create(new, batch_size=2000)
    if changed:
        ConditionAssessment.objects.bulk_update(changed, fields, batch_size=1000)
    report.created["assessment"] += len(new)
    report.updated["assessment"] += len(changed)
    return touched


def _write_consumption(parsed: Parsed, ids: dict[str, int], report: ImportReport) -> None:
    keys = list(parsed.consumption)
    existing: dict[tuple[int, dt.date], MonthlyConsumption] = {}
    for chunk in _chunks(sorted({ids[key[0]] for key in keys})):
        for row in MonthlyConsumption.objects.filter(building_id__in=chunk):
            existing[(row.building_id, row.month)] = row
    new: list[MonthlyConsumption] = []
    changed: list[MonthlyConsumption] = []
    fields = ["electricity_kwh", "gas_m3", "water_m3"]
    for (cadastral, month), (_line, values) in parsed.consumption.items():
        current = existing.get((ids[cadastral], month))
        if current is None:
            new.append(MonthlyConsumption(building_id=ids[cadastral], month=month, **values))
        elif any(getattr(current, f) != values[f] for f in fields):
            for f in fields:
                setattr(current, f, values[f])
            changed.append(current)
        else:
            report.unchanged += 1
    MonthlyConsumption.objects.bulk_create(new, batch_size=5000)
    if changed:
        MonthlyConsumption.objects.bulk_update(changed, fields, batch_size=1000)
    report.created["consumption"] += len(new)
    report.updated["consumption"] += len(changed)


def _write_land_plots(parsed: Parsed, ids: dict[str, int], report: ImportReport) -> None:
    existing = {
        p.building_id: p
        for p in LandPlot.objects.filter(building_id__in=[ids[c] for c in parsed.land_plots])
    }
    for cadastral, (_line, values) in parsed.land_plots.items():
        plot = existing.get(ids[cadastral])
        if plot is None:
            LandPlot.objects.create(building_id=ids[cadastral], **values)
            report.created["land_plot"] += 1
        elif plot.area_m2 != values["area_m2"] or plot.boundary != values["boundary"]:
            plot.area_m2, plot.boundary = values["area_m2"], values["boundary"]
            plot.save(update_fields=["area_m2", "boundary"])
            report.updated["land_plot"] += 1
        else:
            report.unchanged += 1
