"""The dispatch world of the personas: building A (flat 12: the owner's and the
co-owner's) and B (flat 5: the neighbour's), managed by the personas' MC, which has a
technician; an owner's ticket of flat 12 with a photo, and the owner's appeal."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Role, User
from accounts.services import membership_grant
from buildings.models import Apartment, Building
from dispatch.models import Appeal, Ticket
from dispatch.services import appeal_file, ticket_file
from mening_uyim.demo import DEMO_A, Cast

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LEAK = "Oshxonada kran oqyapti, pastdagi qoʻshniga suv tushyapti"


def png(name: str = "kran.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def building_a() -> Building:
    return Building.objects.get(cadastral_number=DEMO_A)


def flat_12() -> Apartment:
    return Apartment.objects.get(building__cadastral_number=DEMO_A, number="12")


def technician(c: Cast) -> User:
    user = User.objects.filter(email="tech@demo.uz").first()
    if user is None:
        user = User.objects.create_user(email="tech@demo.uz", password="x")
    if not Membership.objects.active().filter(user=user, role=Role.MC_TECHNICIAN).exists():
        membership_grant(user=user, role=Role.MC_TECHNICIAN, organization_id=c.mc.pk)
    return user


def owner_ticket(c: Cast) -> Ticket:
    found = Ticket.objects.filter(filed_by=c.users["owner"], text=LEAK).first()
    if found is not None:
        return found
    return ticket_file(
        by=c.users["owner"], building=building_a(), apartment=flat_12(), text=LEAK, photos=[png()]
    )


def owner_appeal(c: Cast) -> Appeal:
    found = Appeal.objects.filter(author=c.users["owner"]).first()
    if found is not None:
        return found
    return appeal_file(
        by=c.users["owner"],
        building=building_a(),
        text="Boshqaruv kompaniyasi uch haftadan beri podyezdni tozalamayapti",
    )
