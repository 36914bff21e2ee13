"""``generate``: the whole national registry in one transaction, then classification."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from accounts.permissions import roles_changed
from buildings.classification import reclassify_all
from buildings.generator.assessments import write_assessments, write_consumption
from buildings.generator.companies import write_companies
from buildings.generator.errors import GeneratorRefused
from buildings.generator.load import reset_sequences
from buildings.generator.people import write_apartments
from buildings.generator.plan import (
    Progress,
    plan_buildings,
    write_buildings,
    write_land_plots,
)
from buildings.generator.postgres import (
    LOADED_TABLES,
    analyze,
    check_references,
    fast_load_on,
    indexes_off,
)
from buildings.generator.wipe import REGISTRY_TABLES, registry_has_money, registry_wipe
from buildings.models import Building
from core.stamps import stamps_renew
from organizations.models import REGISTER_STAMP
from territory.models import District, Region
from territory.reference import regions_ensure, regions_reference


@dataclass
class Counts:
    regions: int = 0
    districts: int = 0
    management_companies: int = 0
    buildings: int = 0
    apartments: int = 0
    persons: int = 0
    ownerships: int = 0
    assessments: int = 0
    consumption: int = 0
    land_plots: int = 0
    classes: dict[str, int] = field(default_factory=dict)


def generate(
    *, scale: float, seed: int, replace: bool = False, progress: Progress | None = None
) -> tuple[Counts, float]:
    """Generate the national registry at ``scale``; returns the counts and the seconds."""
    if settings.PRODUCTION:
        raise GeneratorRefused("generate_national never runs with DJANGO_ENV=production")
    if scale <= 0 or scale > 2:
        raise GeneratorRefused("scale must be in (0, 2]")
    say = progress or (lambda message: None)
    started = time.perf_counter()
    with transaction.atomic():
        if Building.objects.exists():
            if not replace:
                raise GeneratorRefused(
                    "the registry already has buildings; use --replace to regenerate it"
                )
            if registry_has_money():
                raise GeneratorRefused(
                    "the registry's apartments have ledger entries; a registry with money"
                    " on it is never regenerated"
                )
            say("removing the previous registry")
            registry_wipe()
        regions_ensure(Region, District)
        fast = fast_load_on()
        restore = indexes_off(LOADED_TABLES) if fast else None
        counts = _generate(scale, seed, say)
        if restore is not None:
            say("building indexes")
            restore()
        if fast:
            check_references()
        analyze(LOADED_TABLES)
        reset_sequences([*REGISTRY_TABLES, "accounts_person", "organizations_managementcompany"])
        say("classifying")
        counts.classes = reclassify_all()  # renews the registry's cached counts
        roles_changed()  # people and owners written in bulk
        stamps_renew([REGISTER_STAMP])  # companies written in bulk: the public register
    return counts, time.perf_counter() - started


def _generate(scale: float, seed: int, say: Progress) -> Counts:
    rng = random.Random(seed)
    counts = Counts()
    reference = regions_reference()
    regions = {r.code: r for r in Region.objects.all()}
    districts = {(d.region_id, d.name): d for d in District.objects.all()}
    counts.regions, counts.districts = len(regions), len(districts)

    # Management companies (900+ nationally) and associations (200+).
    counts.management_companies, mc_ids = write_companies(scale, rng)
    plan = plan_buildings(
        scale=scale,
        rng=rng,
        reference=reference,
        regions=regions,
        districts=districts,
        mc_ids=mc_ids,
        say=say,
    )
    counts.buildings = write_buildings(plan, rng, say)
    counts.apartments, counts.persons, counts.ownerships = write_apartments(plan, rng, say)
    counts.assessments = write_assessments(plan, rng, say)
    counts.consumption = write_consumption(plan, rng, say)
    counts.land_plots = write_land_plots(plan, rng)
    return counts
