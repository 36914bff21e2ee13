"""The standard cast (ARCHITECTURE.md "Personas"), shared by `make run`'s demo data and tests.

Everything here is idempotent: running it twice changes nothing and duplicates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Membership, Person, Role, User
from accounts.services import membership_grant
from buildings.models import District, Region
from buildings.reference import regions_ensure
from organizations.models import ManagementCompany


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
        describe="owns flat 12 in building A",
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
        describe="owns a flat in building B of the same lot",
    ),
    PersonaSpec(
        "outsider",
        "outsider@demo.uz",
        "+998901000004",
        "Sardor Rahimov",
        "31012900010044",
        describe="owns a flat elsewhere",
    ),
    PersonaSpec(
        "mc_director",
        "director@demo.uz",
        "+998901000005",
        "Jasur Aliyev",
        "30304750010055",
        Role.MC_DIRECTOR,
        "mc",
        "director of the lot's MC",
    ),
    PersonaSpec(
        "mc_dispatcher",
        "dispatcher@demo.uz",
        "+998901000006",
        "Malika Yusupova",
        "42511920010066",
        Role.MC_DISPATCHER,
        "mc",
        "dispatcher of the lot's MC",
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
        "council member of the lot's district",
    ),
    PersonaSpec(
        "other_council",
        "other-council@demo.uz",
        "+998901000009",
        "Rustam Nazarov",
        "31201680010099",
        Role.COUNCIL_MEMBER,
        "other_district",
        "council member of another district",
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
    mc, _ = ManagementCompany.objects.get_or_create(
        tin="301234567",
        defaults={"name": "Yunusobod Servis MChJ", "dispatch_phone": "+998712000001"},
    )
    rival_mc, _ = ManagementCompany.objects.get_or_create(
        tin="302345678",
        defaults={"name": "Chilonzor Uy-Joy Xizmat MChJ", "dispatch_phone": "+998712000002"},
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
    admin = User.objects.filter(email="admin@demo.uz").first()
    if admin is None:
        admin = User.objects.create_superuser(email="admin@demo.uz", password=password)
    users["admin"] = admin
    return Cast(users, region, other_region, district, other_district, mc, rival_mc)
