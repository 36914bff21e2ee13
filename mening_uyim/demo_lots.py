"""The demo's lots at every stage of council work, made through the services themselves.

After formation (all drafts), the lot holding building A (Yunusobod, the ``council``
persona's district) is proposed and approved by every council of its districts, and an
amendment of its program is proposed and approved by every council but Yunusobod's: the
``council`` persona finds an amendment awaiting their decision (the lot then holds its
election, mening_uyim.demo_voting, and is managed; an amendment is decided whatever the
lot's status after approval). A second lot is approved for a council persona to open its
election: at the demo scale the lot of Chilonzor, the ``other_council`` persona's district
(demo_second_lot_ensure says why). The other lots stay drafts. Councils of districts
without a persona get demo logins (``council-<district id>@demo.uz``, the demo password),
created here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from accounts.models import Membership, Role, User
from accounts.services import membership_grant
from lots.errors import LotError
from lots.models import Lot, LotStatus, ProgramItem
from lots.services import (
    lot_decide,
    lot_district_ids,
    lot_propose,
    program_amendment_decide,
    program_amendment_propose,
)
from mening_uyim.demo import DEMO_A, Cast

AMENDMENT_REASON = "Smeta qayta hisoblandi: tom taʼmiri bir yil oldinga surildi."


def _council_of(district_id: int, cast: Cast, password: str) -> User:
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
    return user


@transaction.atomic
def demo_lots_ensure(*, cast: Cast, password: str, say: Callable[[str], None]) -> None:
    """Approve the lot of building A with a pending amendment (idempotent: only while that
    lot is still a draft)."""
    lot = Lot.objects.filter(members__building__cadastral_number=DEMO_A).first()
    if lot is None or lot.status != LotStatus.DRAFT:
        return
    persona = cast.users["council"]
    councils = {d: _council_of(d, cast, password) for d in sorted(lot_district_ids(lot))}
    try:
        lot_propose(lot=lot, by=persona, comment="Tuman kengashlari koʻrib chiqishi uchun")
        for user in councils.values():
            lot_decide(lot=lot, by=user, approve=True, comment="Maʼqullandi")
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
def demo_second_lot_ensure(*, cast: Cast, password: str, say: Callable[[str], None]) -> None:
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
            lot_decide(lot=lot, by=user, approve=True, comment="Maʼqullandi")
    except LotError as exc:
        say(f"lot {lot.code} stays a draft: {exc.message}")
        return
    say(f"lot {lot.code} approved: {persona.email} can open its election")
