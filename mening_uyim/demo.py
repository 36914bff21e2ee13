"""The standard cast (ARCHITECTURE.md "Personas"), shared by `make run`'s demo data and tests.

Everything here is idempotent: running it twice changes nothing and duplicates nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Person, Role, User
from accounts.security.rules import MFA_ROLES
from accounts.security.services import totp_enrol
from accounts.security.totp import DEMO_TOTP_SECRET
from accounts.services import membership_grant
from core.money import TIYIN_PER_SOM
from core.periods import month_previous, month_start, period_text
from organizations.models import ManagementCompany, RegisterStatus
from territory.models import District, Region
from territory.reference import regions_ensure


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    email: str
    phone: str
    full_name: str
    pinfl: str
    role: Role | None = None
    scope: str = ""  # key into the scope table below
    describe: str = ""


PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec(
        "owner",
        "owner@demo.uz",
        "+998901000001",
        "Aziz Karimov",
        "31505850010011",
        describe="owns flat 12 in building A (1/2)",
    ),
    PersonaSpec(
        "co_owner",
        "co-owner@demo.uz",
        "+998901000002",
        "Dilnoza Karimova",
        "42203880010022",
        describe="co-owns flat 12 in building A",
    ),
    PersonaSpec(
        "neighbour",
        "neighbour@demo.uz",
        "+998901000003",
        "Bobur Toshmatov",
        "30107790010033",
        describe="owns flat 5 in building B, same district",
    ),
    PersonaSpec(
        "outsider",
        "outsider@demo.uz",
        "+998901000004",
        "Sardor Rahimov",
        "31012900010044",
        describe="owns flat 3 in building C, Samarkand",
    ),
    PersonaSpec(
        "mc_director",
        "director@demo.uz",
        "+998901000005",
        "Jasur Aliyev",
        "30304750010055",
        Role.MC_DIRECTOR,
        "mc",
        "director of the MC of buildings A and B",
    ),
    PersonaSpec(
        "mc_dispatcher",
        "dispatcher@demo.uz",
        "+998901000006",
        "Malika Yusupova",
        "42511920010066",
        Role.MC_DISPATCHER,
        "mc",
        "dispatcher of the same MC",
    ),
    PersonaSpec(
        "rival_mc",
        "rival@demo.uz",
        "+998901000007",
        "Otabek Saidov",
        "31906800010077",
        Role.MC_DIRECTOR,
        "rival_mc",
        "director of a rival MC",
    ),
    PersonaSpec(
        "council",
        "council@demo.uz",
        "+998901000008",
        "Nodira Ergasheva",
        "40708700010088",
        Role.COUNCIL_MEMBER,
        "district",
        "council member of Yunusobod (buildings A, B)",
    ),
    PersonaSpec(
        "other_council",
        "other-council@demo.uz",
        "+998901000009",
        "Rustam Nazarov",
        "31201680010099",
        Role.COUNCIL_MEMBER,
        "other_district",
        "council member of Chilonzor (Tashkent)",
    ),
    PersonaSpec(
        "inspector",
        "inspector@demo.uz",
        "+998901000010",
        "Shahnoza Qodirova",
        "42804830010100",
        Role.INSPECTOR,
        "region",
        "inspector of Tashkent city",
    ),
    PersonaSpec(
        "other_inspector",
        "other-inspector@demo.uz",
        "+998901000011",
        "Farhod Mirzayev",
        "30909770010111",
        Role.INSPECTOR,
        "other_region",
        "inspector of Samarkand region",
    ),
)


DEMO_A, DEMO_B, DEMO_C = "DEMO:TK:000A", "DEMO:TK:000B", "DEMO:SA:000C"


def _flat(number: int, owners: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    flat: dict[str, Any] = {"number": str(number), "area_m2": 48 + (number * 7) % 40, "rooms": 2}
    if owners:
        flat["owners"] = [{"pinfl": p, "full_name": n, "share": s} for p, n, s in owners]
    return flat


def _demo_records() -> list[dict[str, Any]]:
    by_key = {spec.key: spec for spec in PERSONAS}

    def owner(key: str, share: str) -> tuple[str, str, str]:
        return (by_key[key].pinfl, by_key[key].full_name, share)

    def building(
        cadastral: str,
        region: str,
        district: str,
        address: str,
        lat: float,
        lon: float,
        flats: list[dict[str, Any]],
    ) -> dict[str, Any]:
        return {
            "kind": "building",
            "cadastral_number": cadastral,
            "region": region,
            "district": district,
            "address": address,
            "lat": lat,
            "lon": lon,
            "year_built": 1984,
            "floors": 9,
            "entrances": 2,
            "wall_material": "panel",
            "has_elevator": True,
            "cadastral_passport": True,
            "solar_panels": False,
            "solar_transferred": False,
            "apartments": flats,
        }

    flats_a = [
        _flat(n, [owner("owner", "1/2"), owner("co_owner", "1/2")] if n == 12 else None)
        for n in range(1, 37)
    ]
    flats_b = [_flat(n, [owner("neighbour", "1")] if n == 5 else None) for n in range(1, 37)]
    flats_c = [_flat(n, [owner("outsider", "1")] if n == 3 else None) for n in range(1, 19)]
    wear_a = {
        "foundation": 35,
        "walls": 48,
        "floors": 40,
        "roof": 62,
        "facade": 55,
        "heating": 58,
        "water": 50,
        "electricity": 45,
        "gas": 30,
        "elevators": 57,
    }
    wear_b = {e: 25 for e in wear_a}
    wear_c = {**wear_a, "walls": 74, "roof": 80}
    records = [
        building(
            DEMO_A,
            "UZ-TK",
            "Yunusobod tumani",
            "Yunusobod tumani, Amir Temur koʻchasi, 107-uy",
            41.3621,
            69.2874,
            flats_a,
        ),
        building(
            DEMO_B,
            "UZ-TK",
            "Yunusobod tumani",
            "Yunusobod tumani, Bogʻishamol koʻchasi, 21-uy",
            41.3580,
            69.2950,
            flats_b,
        ),
        building(
            DEMO_C,
            "UZ-SA",
            "Samarqand shahri",
            "Samarqand shahri, Registon koʻchasi, 5-uy",
            39.6547,
            66.9597,
            flats_c,
        ),
        {
            "kind": "assessment",
            "cadastral_number": DEMO_A,
            "assessed_on": "2026-05-14",
            "wear": wear_a,
            "emergency": False,
        },
        {
            "kind": "assessment",
            "cadastral_number": DEMO_A,
            "assessed_on": "2023-04-02",
            "wear": {e: max(0, v - 10) for e, v in wear_a.items()},
            "emergency": False,
        },
        {
            "kind": "assessment",
            "cadastral_number": DEMO_B,
            "assessed_on": "2026-03-20",
            "wear": wear_b,
            "emergency": False,
        },
        {
            "kind": "assessment",
            "cadastral_number": DEMO_C,
            "assessed_on": "2026-02-11",
            "wear": wear_c,
            "emergency": False,
        },
        {"kind": "land_plot", "cadastral_number": DEMO_A, "area_m2": 4200},
    ]
    # Twelve months up to the last closed one (the month before today's, in Asia/Tashkent),
    # stepping back by date: deriving the year from the index stored January as last year.
    month = month_previous(month_start(timezone.localdate()))
    for i in range(12):
        winter = month.month in (11, 12, 1, 2, 3)
        records.append(
            {
                "kind": "consumption",
                "cadastral_number": DEMO_A,
                "month": period_text(month),
                "electricity_kwh": 6800 + 900 * winter + 37 * i,
                "gas_m3": 900 + 2700 * winter,
                "water_m3": 410 + 11 * i,
            }
        )
        month = month_previous(month)
    return records


def demo_building_record(cadastral_number: str) -> dict[str, Any]:
    """The Turar-Joy ``building`` record of demo building A, B or C (for
    mening_uyim.demo_voting, which lists the neighbours' owners on it)."""
    return next(
        r
        for r in _demo_records()
        if r["kind"] == "building" and r["cadastral_number"] == cadastral_number
    )


def _demo_buildings_ensure(mc: ManagementCompany) -> None:
    """Buildings A and B (Yunusobod, managed by the demo MC) and C (Samarkand), via the
    Turar-Joy importer itself: idempotent by construction."""
    from buildings.models import REGISTRY_STAMP, Building, ManagementMethod
    from buildings.turarjoy import turar_joy_import
    from core.stamps import stamps_renew

    report = turar_joy_import(lines=[json.dumps(r) for r in _demo_records()])
    if not report.ok:
        raise RuntimeError(f"demo data is invalid: {report.errors}")
    Building.objects.filter(cadastral_number__in=[DEMO_A, DEMO_B], manager__isnull=True).update(
        management_method=ManagementMethod.MC, manager=mc
    )
    Building.objects.filter(cadastral_number__in=[DEMO_A, DEMO_B, DEMO_C]).update(
        commissioned_at=dt.datetime(1984, 12, 1, tzinfo=dt.UTC)
    )
    stamps_renew([REGISTRY_STAMP])  # written past the receivers


@dataclass
class Cast:
    users: dict[str, User]
    region: Region
    other_region: Region
    district: District
    other_district: District
    mc: ManagementCompany
    rival_mc: ManagementCompany


@transaction.atomic
def personas_ensure(*, password: str) -> Cast:
    """Create (or leave as they are) the demo territories, companies and personas."""
    if not Region.objects.filter(code="UZ-TK").exists():
        regions_ensure(Region, District)  # normally loaded by a migration
    region = Region.objects.get(code="UZ-TK")
    other_region = Region.objects.get(code="UZ-SA")
    district = District.objects.get(region=region, name="Yunusobod tumani")
    other_district = District.objects.get(region=region, name="Chilonzor tumani")
    qualified = {
        "own_funds_tiyin": 1_200_000_000 * TIYIN_PER_SOM,
        "has_material_base": True,
        "status": RegisterStatus.REGISTERED,
        "material_base": "Ustaxona, 6 ta avtomashina, payvandlash uskunalari",
        "dispatch_24h": True,
        "staff_count": 48,
    }
    mc, _ = ManagementCompany.objects.get_or_create(
        tin="301234567",
        defaults={"name": "Yunusobod Servis MChJ", "dispatch_phone": "+998712000001", **qualified},
    )
    rival_mc, _ = ManagementCompany.objects.get_or_create(
        tin="302345678",
        defaults={
            "name": "Chilonzor Uy-Joy Xizmat MChJ",
            "dispatch_phone": "+998712000002",
            **qualified,
        },
    )
    scopes = {
        "mc": {"organization_id": mc.pk},
        "rival_mc": {"organization_id": rival_mc.pk},
        "district": {"district_id": district.pk},
        "other_district": {"district_id": other_district.pk},
        "region": {"region_id": region.pk},
        "other_region": {"region_id": other_region.pk},
    }
    users: dict[str, User] = {}
    for spec in PERSONAS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(email=spec.email, phone=spec.phone, password=password)
        users[spec.key] = user
        Person.objects.get_or_create(
            pinfl=spec.pinfl,
            defaults={"full_name": spec.full_name, "phone": spec.phone, "user": user},
        )
        if spec.role is not None:
            held = Membership.objects.active().filter(user=user, role=spec.role).exists()
            if not held:
                membership_grant(user=user, role=spec.role, **scopes[spec.scope])
    _demo_buildings_ensure(mc)
    admin = User.objects.filter(email="admin@demo.uz").first()
    if admin is None:
        admin = User.objects.create_superuser(email="admin@demo.uz", password=password)
    users["admin"] = admin
    # The officials must use a second factor (accounts.security.rules): the demo's are
    # enrolled in TOTP with one known secret, whose current code `python -m
    # accounts.security` prints (and the browser tests compute).
    officials = [spec.key for spec in PERSONAS if spec.role in MFA_ROLES] + ["admin"]
    for key in officials:
        totp_enrol(user=users[key], secret=DEMO_TOTP_SECRET)
    return Cast(users, region, other_region, district, other_district, mc, rival_mc)


def owner_examples(owner: User) -> tuple[int | None, int | None]:
    """The owner's first apartment (current ownership) and first open general meeting: the
    examples of the pages benchmark (bench/pages.py) and of the owner pages' tests."""
    from buildings.models import Ownership
    from voting.models import Meeting, MeetingStatus

    apartment = (
        Ownership.objects.filter(person__user=owner, until__isnull=True)
        .order_by("apartment_id")
        .values_list("apartment_id", flat=True)
        .first()
    )
    meeting = (
        Meeting.objects.filter(
            building__apartments__ownerships__person__user=owner,
            status=MeetingStatus.OPEN,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return apartment, meeting
