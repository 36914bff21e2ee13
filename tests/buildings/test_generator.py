"""The national generator: deterministic, re-runnable, and realistic at a small scale."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum

from accounts.validators import validate_pinfl
from buildings.generator import GeneratorRefused, generate
from buildings.models import Apartment, Building, Ownership
from territory.reference import regions_reference

pytestmark = pytest.mark.django_db
SCALE = 0.004  # 176 buildings, ~8,000 apartments


def _fingerprint() -> str:
    rows = Building.objects.order_by("id").values_list(
        "cadastral_number", "lat", "lon", "floors", "apartments_count", "classification"
    )
    apts = Apartment.objects.order_by("id").values_list("account_number", "area_m2")
    return hashlib.sha256(repr((list(rows), list(apts))).encode()).hexdigest()


def test_generation_is_deterministic_and_replace_does_not_double() -> None:
    counts, _seconds = generate(scale=SCALE, seed=7)
    first = _fingerprint()
    assert Building.objects.count() == counts.buildings
    generate(scale=SCALE, seed=7, replace=True)
    assert _fingerprint() == first
    assert Building.objects.count() == counts.buildings
    generate(scale=SCALE, seed=8, replace=True)
    assert _fingerprint() != first


def test_it_refuses_to_run_twice_without_replace() -> None:
    generate(scale=SCALE, seed=1)
    with pytest.raises(GeneratorRefused):
        generate(scale=SCALE, seed=1)
    with pytest.raises(CommandError):
        call_command("generate_national", "--scale", str(SCALE), stdout=StringIO())


def test_generated_data_is_realistic() -> None:
    counts, _ = generate(scale=SCALE, seed=3)
    # ~44,000 buildings and ~2.0 M apartments at scale 1.
    assert abs(counts.buildings - 44_000 * SCALE) <= 44_000 * SCALE * 0.02
    assert 1.8e6 * SCALE <= counts.apartments <= 2.2e6 * SCALE
    assert counts.regions == 14
    # Every apartment is owned; co-owners' shares sum to exactly 1; some are co-owned.
    shares: dict[int, Fraction] = {}
    for apt, num, den in Ownership.objects.values_list(
        "apartment_id", "share_numerator", "share_denominator"
    ):
        shares[apt] = shares.get(apt, Fraction(0)) + Fraction(num, den)
    assert len(shares) == counts.apartments
    assert set(shares.values()) == {Fraction(1)}
    co_owned = Ownership.objects.values("apartment").annotate(n=Count("id")).filter(n__gt=1)
    assert co_owned.count() > 0.05 * counts.apartments
    # Valid-format PINFLs.
    from accounts.models import Person

    for pinfl in Person.objects.values_list("pinfl", flat=True)[:2000]:
        validate_pinfl(pinfl)
    # About 95 % assessed; every class present.
    assessed = Building.objects.exclude(classification="unassessed").count()
    assert 0.9 * counts.buildings <= assessed <= 0.99 * counts.buildings
    assert set(counts.classes) == {"green", "yellow", "red", "unassessed"}
    assert all(counts.classes.values())
    # Tashkent city is the densest region.
    per_region = dict(
        Building.objects.values_list("region__code").annotate(n=Sum("apartments_count"))
    )
    assert max(per_region, key=per_region.get) == "UZ-TK"  # type: ignore[arg-type]
    # Coordinates lie near their district's centre (inside the region).
    centres = {
        (r["code"], d["name"]): (d["lat"], d["lon"])
        for r in regions_reference()
        for d in r["districts"]
    }
    for code, district, lat, lon in Building.objects.values_list(
        "region__code", "district__name", "lat", "lon"
    ):
        c_lat, c_lon = centres[(code, district)]
        assert abs(lat - c_lat) <= 0.081
        assert abs(lon - c_lon) <= 0.081


def test_the_command_prints_counts_and_seconds() -> None:
    out = StringIO()
    call_command(
        "generate_national",
        "--scale",
        str(SCALE),
        "--seed",
        "2",
        "--json",
        stdout=out,
        stderr=StringIO(),
    )
    summary = json.loads(out.getvalue())
    assert summary["buildings"] == Building.objects.count()
    assert summary["apartments"] == Apartment.objects.count()
    assert summary["seconds"] >= 0


@pytest.mark.postgres
def test_the_loads_sequence_reset_moves_past_the_rows_and_never_back() -> None:
    """A sequence is not rolled back with a transaction: moving it below a value it gave
    out would give that id again (a clash with a row kept from before)."""
    from django.db import connection

    from buildings.generator.load import reset_sequences
    from tests.factories import ManagementCompanyFactory

    table = "organizations_managementcompany"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        ahead = cursor.fetchone()[0] + 500
        cursor.execute("SELECT setval(%s, %s)", [sequence, ahead])
    reset_sequences([table])  # the table's rows are all below ``ahead``
    assert ManagementCompanyFactory.create().pk == ahead + 1
    kept = ManagementCompanyFactory.create(pk=ahead + 900)
    reset_sequences([table])
    assert ManagementCompanyFactory.create().pk == kept.pk + 1
