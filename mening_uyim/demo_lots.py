"""The demo's lots at every status (DOMAIN.md "Lots": draft → proposed → approved →
election → managed → re-election), each reached through the services themselves.

After formation (all drafts), the lots of Tashkent city, the ``inspector`` persona's
region (who thus sees every status), are at the demo scale (settings.DEMO_SCALE, 0.08:
six lots there; codes as of a fresh database):

- **building A's lot** (UZ-TK-002: Yunusobod, the ``council`` persona's district, and
  Olmazor): approved by every council of its districts, with a program amendment proposed
  and approved by every council but Yunusobod's, so that the ``council`` persona finds an
  amendment awaiting their decision (an amendment is decided whatever the lot's status
  after approval). It then holds its election and is **managed** by the personas' MC
  (mening_uyim.demo_voting; billed by demo_billing, reported by demo_reports);
- **the Chilonzor lot** (UZ-TK-001, the ``other_council`` persona's district):
  **approved**, so that the ``other_council`` persona can open its election
  (demo_second_lot_ensure says why it is Chilonzor's);
- **building D's lot** (UZ-TK-010). Formation keeps a district's buildings together, and
  Yunusobod lies wholly in building A's lot, so no other lot could await the ``council``
  persona. Building D (``DEMO_D``) is a new Yunusobod building: imported from Turar-Joy
  and commissioned by the ``inspector`` persona after building A's lot was approved (whose
  composition is then frozen), it joins the region's drafts, formed again around it
  (``lots_form``, which leaves every lot past draft alone and never issues a code twice:
  UZ-TK-003 to 006 are gone, the new drafts are UZ-TK-007 to 010). Its lot is **proposed**
  and approved by every council of its districts but Yunusobod's: it awaits the ``council``
  persona's decision on their work list (``/lots/council/``);
- **a lot in election** (UZ-TK-007, mening_uyim.demo_voting ``demo_open_election_ensure``):
  approved, its election opened by one of its councils so that voting began a third of the
  voting window ago, the personas' MC and the rival standing, a few ballots cast, and a
  demo owner login who can vote. No persona owner can be in that lot: owner, co-owner and
  neighbour live in building A's lot and the outsider in building C's, both managed;
- **a lot in re-election** (UZ-TK-008): approved, its election got no candidate, so its
  council appointed *Obod Maskan Servis MChJ* (``THIRD_MC``, registered through the
  register's own application and verification, dated today therefore) interim manager;
  the ``inspector`` persona then removed that company from the register for an
  unregistered lease, which sends its lots to re-election
  (``lots.services.mc_remove_from_register``). Its councils can open the election again;
- the other lots stay **drafts** (UZ-TK-009 at least: ``spare_draft`` keeps one).

Elsewhere, building C's lot (Samarkand, the ``other_inspector`` persona's) is made managed
and suspended by demo_reports, and the other regions' lots stay drafts. *Discarded* is not
made: it is what a formation run leaves of a draft that carried council work, a record
rather than a stage of a lot's life.

Councils of districts without a persona get demo logins (``council-<district id>@demo.uz``,
the demo password; ``_council_of``) for every district of every lot they decide. Each
function checks what exists first (a lot in the status it makes, building D): a second run
changes nothing and says nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.security.services import totp_enrol
from accounts.security.totp import DEMO_TOTP_SECRET
from accounts.services import membership_grant
from buildings.models import Building
from buildings.services import RegistryError, building_commission
from buildings.turarjoy import turar_joy_import
from lots.errors import LotError
from lots.forming import lots_form
from lots.models import Lot, LotStatus, ProgramItem
from lots.services import (
    lot_decide,
    lot_district_ids,
    lot_propose,
    mc_remove_from_register,
    program_amendment_decide,
    program_amendment_propose,
)
from mening_uyim.demo import DEMO_A, DEMO_C, Cast
from organizations.models import ManagementCompany, RegisterStatus
from organizations.services import RegisterError, mc_apply, mc_verify
from voting.models import Election
from voting.services import VotingError, election_close, election_open, interim_appoint

Say = Callable[[str], None]

AMENDMENT_REASON = "Smeta qayta hisoblandi: tom taʼmiri bir yil oldinga surildi."
APPROVED = "Maʼqullandi"
DEMO_D = "DEMO:TK:000D"
THIRD_MC, THIRD_MC_TIN = "Obod Maskan Servis MChJ", "303456789"
THIRD_MC_DIRECTOR = "obod@demo.uz"
INTERIM_REASON = "Saylovda nomzod boʻlmadi: tuman kengashi vaqtinchalik boshqaruvchini tayinladi"
REMOVAL_REASON = (
    "Umumiy mulk ijarasi shartnomasi imzolangandan keyin 30 kun ichida soliq organida "
    "roʻyxatdan oʻtkazilmadi"
)
REELECTION_MANAGED_DAYS = 30  # the interim company managed the lot this long before removal


def _lot_of(cadastral_number: str) -> Lot | None:
    return Lot.objects.filter(members__building__cadastral_number=cadastral_number).first()


def _council_of(district_id: int, cast: Cast, password: str) -> User:
    """The district's council member: its first one, else a demo login made now
    (``council-<district id>@demo.uz`` with the demo password)."""
    member = (
        Membership.objects.active()
        .filter(role=Role.COUNCIL_MEMBER, district_id=district_id)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if member is not None:
        return member.user
    email = f"council-{district_id}@demo.uz"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    membership_grant(user=user, role=Role.COUNCIL_MEMBER, district_id=district_id)
    totp_enrol(user=user, secret=DEMO_TOTP_SECRET)  # an official: MFA (accounts.security)
    return user


def councils_approve(
    *,
    lot: Lot,
    cast: Cast,
    password: str,
    comment: str,
    at: dt.datetime | None = None,
    waiting: int | None = None,
) -> list[User]:
    """Propose ``lot`` and approve it by the council of each of its districts but
    ``waiting`` (a district id), whose decision the lot then awaits; return the councils,
    in district order. The first council but ``waiting``'s proposes it."""
    councils = {d: _council_of(d, cast, password) for d in sorted(lot_district_ids(lot))}
    deciders = [user for district, user in councils.items() if district != waiting]
    lot_propose(lot=lot, by=(deciders or list(councils.values()))[0], comment=comment, at=at)
    decided = None if at is None else at + dt.timedelta(hours=3)
    for user in deciders:
        lot_decide(lot=lot, by=user, approve=True, comment=APPROVED, at=decided)
    return list(councils.values())


def election_opened(*, lot: Lot, cast: Cast, password: str, at: dt.datetime) -> Election:
    """``lot`` approved by all its councils two days before ``at``, and its election
    opened then by the first of them (the demo's open election and its re-election)."""
    councils = councils_approve(
        lot=lot,
        cast=cast,
        password=password,
        comment="Saylov oʻtkazish uchun",
        at=at - dt.timedelta(days=2),
    )
    return election_open(lot=lot, by=councils[0], at=at)


def spare_draft(cast: Cast) -> Lot | None:
    """A draft the demo may take further (to an election, to a re-election): of the
    ``inspector`` persona's region while it keeps another draft there (that persona sees
    every status), else of another region while a draft remains; never the lot of building
    A, C (demo_reports makes it managed) or D (proposed). None when none is spare."""
    pool = list(
        Lot.objects.filter(status=LotStatus.DRAFT)
        .exclude(members__building__cadastral_number__in=[DEMO_A, DEMO_C, DEMO_D])
        .order_by("code")
    )
    home = [lot for lot in pool if lot.region_id == cast.region.pk]
    if len(home) >= 2:
        return home[0]
    away = [lot for lot in pool if lot.region_id != cast.region.pk]
    if away and len(pool) >= 2:
        return away[0]
    return None


# --- building A's lot and the Chilonzor lot --------------------------------------------------


@transaction.atomic
def demo_lots_ensure(*, cast: Cast, password: str, say: Say) -> None:
    """Approve the lot of building A with a pending amendment (idempotent: only while that
    lot is still a draft)."""
    lot = _lot_of(DEMO_A)
    if lot is None or lot.status != LotStatus.DRAFT:
        return
    persona = cast.users["council"]
    councils = {d: _council_of(d, cast, password) for d in sorted(lot_district_ids(lot))}
    try:
        lot_propose(lot=lot, by=persona, comment="Tuman kengashlari koʻrib chiqishi uchun")
        for user in councils.values():
            lot_decide(lot=lot, by=user, approve=True, comment=APPROVED)
    except LotError as exc:  # e.g. a demo scale too small for a valid lot
        say(f"lot {lot.code} stays a draft: {exc.message}")
        return
    item = ProgramItem.objects.filter(lot=lot).order_by("year", "pk").first()
    others = [u for d, u in councils.items() if d != cast.district.pk]
    if item is None or not others:
        return
    amendment = program_amendment_propose(
        item=item,
        year=min(item.year + 1, 5),
        cost_tiyin=item.cost_tiyin,
        reason=AMENDMENT_REASON,
        by=others[0],
    )
    for user in others:
        program_amendment_decide(amendment=amendment, by=user, approve=True, comment="Roziman")
    say(f"lot {lot.code} approved; amendment #{amendment.pk} awaits the Yunusobod council")


def _second_lot(cast: Cast) -> tuple[Lot, User] | None:
    """The draft lot (other than building A's) with a building in the ``council``
    persona's district, else in the ``other_council`` persona's, and that persona."""
    drafts = Lot.objects.filter(status=LotStatus.DRAFT).exclude(
        members__building__cadastral_number=DEMO_A
    )
    for district, key in ((cast.district, "council"), (cast.other_district, "other_council")):
        lot = drafts.filter(members__building__district=district).order_by("pk").first()
        if lot is not None:
            return lot, cast.users[key]
    return None


@transaction.atomic
def demo_second_lot_ensure(*, cast: Cast, password: str, say: Say) -> None:
    """A second approved lot, whose election a council persona can open.

    Preferably a lot with a building in Yunusobod, the ``council`` persona's district; at
    the demo scale Yunusobod lies wholly in building A's lot (and a council moves a
    building only into a lot that already has its district), so it is the lot of
    Chilonzor, the ``other_council`` persona's district, who then finds the "open the
    election" button on it. Idempotent: nothing once a lot other than A's with a building
    in either district is past draft.
    """
    districts = [cast.district.pk, cast.other_district.pk]
    done = (
        Lot.objects.exclude(members__building__cadastral_number=DEMO_A)
        .exclude(status__in=[LotStatus.DRAFT, LotStatus.DISCARDED])
        .filter(members__building__district_id__in=districts)
        .exists()
    )
    found = None if done else _second_lot(cast)
    if found is None:
        return
    lot, persona = found
    try:
        lot_propose(lot=lot, by=persona, comment="Saylov oʻtkazish uchun")
        for district in sorted(lot_district_ids(lot)):
            user = _council_of(district, cast, password)
            lot_decide(lot=lot, by=user, approve=True, comment=APPROVED)
    except LotError as exc:
        say(f"lot {lot.code} stays a draft: {exc.message}")
        return
    say(f"lot {lot.code} approved: {persona.email} can open its election")


# --- building D's lot: proposed, awaiting the council persona --------------------------------


def _building_d(cast: Cast) -> dict[str, object]:
    """The Turar-Joy record of building D: new (2026), in the ``council`` persona's district,
    with a cadastral passport and its solar panels transferred (commissionable)."""
    return {
        "kind": "building",
        "cadastral_number": DEMO_D,
        "region": cast.region.code,
        "district": cast.district.name,
        "address": f"{cast.district.name}, Yangi Shahar koʻchasi, 3-uy",
        "lat": 41.3668,
        "lon": 69.2811,
        "year_built": 2026,
        "floors": 12,
        "entrances": 2,
        "wall_material": "monolith",
        "has_elevator": True,
        "cadastral_passport": True,
        "solar_panels": True,
        "solar_transferred": True,
        "apartments": [
            {"number": str(n), "area_m2": 54 + (n * 5) % 30, "rooms": 2 + n % 2}
            for n in range(1, 49)
        ],
    }


def _building_d_form(cast: Cast, say: Say) -> None:
    """Import building D, commission it (the ``inspector`` persona) and form the region's
    drafts again, all or nothing."""
    report = turar_joy_import(lines=[json.dumps(_building_d(cast))])
    if not report.ok:
        raise RuntimeError(f"demo building D is invalid: {report.errors}")
    building = Building.objects.get(cadastral_number=DEMO_D)
    building_commission(building=building, by=cast.users["inspector"])
    formed = lots_form(region=cast.region)
    lot = _lot_of(DEMO_D)
    where = f"in lot {lot.code}" if lot else "in no lot (too few apartments left to form one)"
    say(f"building D commissioned; {cast.region.code} formed again ({formed.lots} drafts): {where}")


@transaction.atomic
def demo_proposed_lot_ensure(*, cast: Cast, password: str, say: Say) -> None:
    """Building D and its proposed lot (module docstring): once building A's lot is past
    draft (forming the region's drafts again would otherwise take it apart). Idempotent:
    building D is made once, and its lot is proposed while it is a draft never proposed."""
    lot_a = _lot_of(DEMO_A)
    if lot_a is None or lot_a.status == LotStatus.DRAFT:
        return
    if not Building.objects.filter(cadastral_number=DEMO_D).exists():
        try:
            with transaction.atomic():
                _building_d_form(cast, say)
        except (LotError, RegistryError) as exc:  # e.g. drafts with council work
            say(f"building D not added: {exc}")
            return
    lot = _lot_of(DEMO_D)
    if lot is None or lot.status != LotStatus.DRAFT or lot.approval_round:
        return
    try:
        with transaction.atomic():
            councils_approve(
                lot=lot,
                cast=cast,
                password=password,
                comment="Yangi uy qoʻshildi: tuman kengashlari koʻrib chiqishi uchun",
                waiting=cast.district.pk,
            )
    except LotError as exc:
        say(f"lot {lot.code} stays a draft: {exc.message}")
        return
    lot.refresh_from_db()
    say(f"lot {lot.code} {lot.status}: awaits the decision of {cast.users['council'].email}")


# --- a lot in re-election ----------------------------------------------------------------------


def _third_mc(cast: Cast, password: str) -> ManagementCompany:
    """*Obod Maskan Servis MChJ*, through the register: its director applies, the
    ``inspector`` persona verifies the application (both today)."""
    director = User.objects.filter(email=THIRD_MC_DIRECTOR).first()
    if director is None:
        director = User.objects.create_user(email=THIRD_MC_DIRECTOR, password=password)
    totp_enrol(user=director, secret=DEMO_TOTP_SECRET)  # an MC director: MFA (accounts.security)
    company = mc_apply(
        user=director,
        name=THIRD_MC,
        tin=THIRD_MC_TIN,
        address="Toshkent shahri, Sergeli tumani, Yangi Sergeli koʻchasi, 14-uy",
        own_funds_som=800_000_000,
        has_material_base=True,
        material_base="Ustaxona, 3 ta avtomashina",
        dispatch_phone="+998712000003",
        dispatch_24h=True,
        staff_count=27,
    )
    return mc_verify(mc=company, inspector=cast.users["inspector"], accept=True)


def _reelection(lot: Lot, cast: Cast, password: str) -> ManagementCompany:
    """Approval, an election without candidates, the interim company, its removal."""
    span = dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + settings.VOTING_ELECTION_DAYS)
    opened = timezone.now() - dt.timedelta(days=REELECTION_MANAGED_DAYS + 1) - span
    election = election_opened(lot=lot, cast=cast, password=password, at=opened)
    first = election.opened_by
    assert first is not None  # the council that opened it
    closed = election.voting_ends_at + dt.timedelta(minutes=5)
    election = election_close(election=Election.objects.get(pk=election.pk), by=first, at=closed)
    company = ManagementCompany.objects.filter(tin=THIRD_MC_TIN).first()
    if company is None:
        company = _third_mc(cast, password)
    interim_appoint(
        election=election,
        company=company,
        by=first,
        reason=INTERIM_REASON,
        at=closed + dt.timedelta(days=1),
    )
    lot.refresh_from_db()
    remover = cast.users["inspector" if lot.region_id == cast.region.pk else "admin"]
    mc_remove_from_register(
        mc=company, reason=REMOVAL_REASON, removed_on=timezone.localdate(), inspector=remover
    )
    return company


@transaction.atomic
def demo_reelection_lot_ensure(*, cast: Cast, password: str, say: Say) -> None:
    """A lot in re-election (module docstring). Idempotent: nothing while a lot is in
    re-election, or once the third company is out of the register."""
    if Lot.objects.filter(status=LotStatus.REELECTION).exists():
        return
    company = ManagementCompany.objects.filter(tin=THIRD_MC_TIN).first()
    if company is not None and company.status != RegisterStatus.REGISTERED:
        return
    lot = spare_draft(cast)
    if lot is None:
        return
    try:
        with transaction.atomic():
            company = _reelection(lot, cast, password)
    except (LotError, VotingError, RegisterError) as exc:
        say(f"lot {lot.code} stays a draft: {exc.message}")
        return
    lot.refresh_from_db()
    say(f"lot {lot.code} {lot.status}: {company.name} removed from the register")
