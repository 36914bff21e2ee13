"""The demo's dispatch (issue 12, point 8), made through dispatch's own services with
past times (``at=``), on buildings A and B of the personas' MC:

- a **technician** of the MC (``texnik@demo.uz``, the demo password) to assign tickets to;
- the ``owner`` persona's ticket of flat 12, filed five days ago, assigned, resolved two
  days ago and **rated** 5 (closed);
- **open tickets in the MC's queue**: the ``neighbour`` persona's of flat 5 in building
  B, a person stuck in the lift two hours ago (an emergency nobody answered within 30
  minutes: **breached** and escalated to the inspectors by the job, run as of now); the
  owner's of the stairwell light (normal) an hour ago; a phone call the ``mc_dispatcher``
  took for building B (no hot water) twenty minutes ago;
- the owner's **appeal** about the MC, three days ago, waiting for the ``inspector``.

Each piece checks what exists first (the owner's tickets; the appeal): a second run
writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.services import membership_grant
from buildings.models import Apartment, Building
from dispatch.models import Appeal, Ticket
from dispatch.services import (
    DispatchError,
    appeal_file,
    escalate_breaches,
    ticket_assign,
    ticket_file,
    ticket_rate,
    ticket_resolve,
)
from mening_uyim.demo import DEMO_A, DEMO_B, Cast
from mening_uyim.demo_voting import Say

TECHNICIAN = "texnik@demo.uz"
RATED = "Oshxonadagi kran oqyapti, pastdagi qoʻshniga suv tushmoqda"
LIGHT = "3-qavatdagi podyezd chirogʻi bir haftadan beri yonmayapti"
LIFT = "Liftda odam qolib ketdi! 2-podyezd, 5 va 6-qavat orasida, tez keling"
CALL = "В доме нет горячей воды с утра, звонит жительница 7-й квартиры"
APPEAL = (
    "Boshqaruv kompaniyasi uch haftadan beri podyezdni tozalamayapti, "
    "arizalarimizga javob bermayapti."
)


def _technician(cast: Cast, password: str) -> User:
    user = User.objects.filter(email=TECHNICIAN).first()
    if user is None:
        user = User.objects.create_user(email=TECHNICIAN, password=password)
    held = Membership.objects.active().filter(
        user=user, role=Role.MC_TECHNICIAN, organization=cast.mc
    )
    if not held.exists():
        membership_grant(user=user, role=Role.MC_TECHNICIAN, organization_id=cast.mc.pk)
    return user


def _flat(cadastral: str, number: str) -> Apartment:
    return Apartment.objects.get(building__cadastral_number=cadastral, number=number)


def _tickets(cast: Cast, technician: User, say: Say) -> None:
    owner = cast.users["owner"]
    if Ticket.objects.filter(filed_by=owner).exists():
        return
    now = timezone.now()
    a = Building.objects.get(cadastral_number=DEMO_A)
    b = Building.objects.get(cadastral_number=DEMO_B)
    dispatcher = cast.users["mc_dispatcher"]
    filed = now - dt.timedelta(days=5)
    rated = ticket_file(by=owner, building=a, apartment=_flat(DEMO_A, "12"), text=RATED, at=filed)
    ticket_assign(
        ticket=rated, by=dispatcher, technician=technician, at=filed + dt.timedelta(minutes=40)
    )
    ticket_resolve(
        ticket=rated, by=technician, note="Kran almashtirildi", at=now - dt.timedelta(days=2)
    )
    ticket_rate(ticket=rated, by=owner, rating=5, at=now - dt.timedelta(days=1))
    lift = ticket_file(
        by=cast.users["neighbour"],
        building=b,
        apartment=_flat(DEMO_B, "5"),
        text=LIFT,
        at=now - dt.timedelta(hours=2),
    )
    ticket_file(by=owner, building=a, text=LIGHT, at=now - dt.timedelta(hours=1))
    ticket_file(
        by=dispatcher,
        building=b,
        text=CALL,
        caller="Nodira opa, +998 90 555-12-34",
        at=now - dt.timedelta(minutes=20),
    )
    escalated = escalate_breaches(at=now)["escalated"]
    say(f"dispatch: ticket #{rated.pk} rated 5, #{lift.pk} breached, {escalated} escalation(s)")


def _appeal(cast: Cast, say: Say) -> None:
    owner = cast.users["owner"]
    if Appeal.objects.filter(author=owner).exists():
        return
    a = Building.objects.get(cadastral_number=DEMO_A)
    appeal = appeal_file(
        by=owner, building=a, text=APPEAL, at=timezone.now() - dt.timedelta(days=3)
    )
    say(f"dispatch: appeal #{appeal.pk} waits for the inspection")


def demo_dispatch_ensure(*, cast: Cast, password: str, say: Say) -> None:
    """The dispatch demo (module docstring)."""
    try:
        with transaction.atomic():
            technician = _technician(cast, password)
            _tickets(cast, technician, say)
            _appeal(cast, say)
    except DispatchError as exc:
        say(f"no dispatch demo: {exc.message}")
