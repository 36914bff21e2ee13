"""State changes of the registry: commissioning, assessments, ownership, the policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Person, User
from buildings.classification import building_reclassify, reclassify_all
from buildings.models import (
    ELEMENTS,
    Apartment,
    Building,
    ClassificationPolicy,
    ConditionAssessment,
    Ownership,
)

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
    """Record an assessment and reclassify the building (the latest one decides)."""
    if building.has_elevator and wear.get("elevators") is None:
        raise ValidationError({"elevators": MSG_NEEDS_ELEVATOR_WEAR})
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


@transaction.atomic
def ownership_replace(
    *,
    apartment: Apartment,
    owners: list[tuple[Person, Fraction]],
    since: dt.date,
) -> list[Ownership]:
    """Make ``owners`` the current co-owners from ``since``; earlier rows end the day before.

    Shares must sum to exactly 1 and each be in (0, 1]. History is kept (since/until).
    The apartment row is locked so concurrent changes serialise.
    """
    Apartment.objects.select_for_update().filter(pk=apartment.pk).first()
    persons = [p.pk for p, _ in owners]
    if len(set(persons)) != len(persons):
        raise ValidationError({"owners": MSG_OWNER_TWICE})
    problem = shares_problem(share for _, share in owners)
    if problem:
        raise ValidationError({"owners": problem})
    current = Ownership.objects.filter(apartment=apartment, until__isnull=True)
    current.filter(since__lt=since).update(until=since - dt.timedelta(days=1))
    current.filter(since__gte=since).delete()  # replaced on the same day: not history
    rows = []
    for person, share in owners:
        row = Ownership(
            apartment=apartment,
            person=person,
            share_numerator=share.numerator,
            share_denominator=share.denominator,
            since=since,
        )
        row.full_clean()
        rows.append(row)
    return Ownership.objects.bulk_create(rows)


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
