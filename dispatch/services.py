"""Every change of a ticket or an appeal (DOMAIN.md "Dispatch (24-hour service) and
appeals"). Each service checks who acts (dispatch.policies), locks the ticket, re-checks
its status, writes the change and a row of the ticket's history in one transaction.

Chosen where DOMAIN.md is silent:
- the deadlines count from the filing; a dispatcher who changes the urgency moves a
  deadline only while it has not passed (a breached deadline stays breached, and its
  escalation stays recorded: "a dispatcher cannot stop a breached deadline from counting");
- the response is the first assignment, start or resolution; a ticket resolved without
  a response responds then;
- the owner reopens a resolved ticket (back to in progress, its resolution undone) or
  rates it 1–5, which closes it; a ticket filed by phone has no owner's side;
- duplicates: a new ticket of the same building whose text shares at least
  DISPATCH_DUPLICATE_SIMILARITY percent of its character trigrams (Jaccard) with an open
  ticket of the last DISPATCH_DUPLICATE_HOURS joins that ticket's incident (made then);
  resolving any ticket of an incident resolves its open tickets (locked in id order).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role
from accounts.permissions import roles_of
from buildings.models import Apartment, Building
from dispatch import policies
from dispatch.models import (
    OPEN_STATUSES,
    TEXT_MAX,
    Appeal,
    Category,
    Channel,
    Escalation,
    Incident,
    Status,
    Ticket,
    TicketComment,
    TicketEvent,
    TicketPhoto,
    Urgency,
)
from lots.models import LotBuilding

MSG_TEXT_EMPTY = _("Describe the problem.")
MSG_TEXT_LONG = _("The text is too long: at most %(max)s characters.")
MSG_NOT_YOURS = _("You can file a ticket only for a building where you own an apartment.")
MSG_APARTMENT_ELSEWHERE = _("This apartment is not in that building, or it is not yours.")
MSG_NO_MANAGER = _("The building has no management company to take the ticket.")
MSG_NOT_HANDLER = _("Only the staff of the ticket's management company handle it.")
MSG_BAD_STATUS = _("The ticket is %(status)s: this step is not possible now.")
MSG_NOT_TECHNICIAN = _("Assign the ticket to a technician of your company.")
MSG_NOT_OWNER = _("Only the ticket's owner rates or reopens it.")
MSG_BAD_RATING = _("A rating is a whole number from 1 to 5.")
MSG_BAD_LABEL = _("Unknown category or urgency.")
MSG_COMMENT_EMPTY = _("Write a comment.")
MSG_APPEAL_NOT_YOURS = _("You can appeal only about a building where you own an apartment.")
MSG_ANSWER_EMPTY = _("Write the answer.")
MSG_ALREADY_ANSWERED = _("This appeal is answered already.")
MSG_NOT_INSPECTOR = _("Only the inspectors of the appeal's region answer it.")
MSG_PHOTO_TYPE = _("A photo must be a JPG or PNG file of at most 10 MB.")


class DispatchError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def clean_text(text: str | None, *, message: Any = MSG_TEXT_EMPTY) -> str:
    """The text stripped; refused when empty or over TEXT_MAX characters."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise DispatchError(message)
    if len(cleaned) > TEXT_MAX:
        raise DispatchError(MSG_TEXT_LONG % {"max": TEXT_MAX})
    return cleaned


def deadlines(urgency: str, filed_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The response and resolution deadlines of ``urgency`` (DISPATCH_DEADLINES_MINUTES)."""
    response, resolution = settings.DISPATCH_DEADLINES_MINUTES[urgency]
    return (
        filed_at + dt.timedelta(minutes=response),
        filed_at + dt.timedelta(minutes=resolution),
    )


# --- duplicates ------------------------------------------------------------------------------


def _trigrams(text: str) -> set[str]:
    """The character trigrams of the text as the triage reads it (dispatch.triage
    normalize: lower case, one apostrophe, one script)."""
    from dispatch.triage.normalize import views

    flat = views(text).latin
    return {flat[i : i + 3] for i in range(max(1, len(flat) - 2))}


def similarity_percent(a: str, b: str) -> int:
    """Jaccard similarity of the two texts' character trigrams, 0–100."""
    x, y = _trigrams(a), _trigrams(b)
    return round(100 * len(x & y) / len(x | y)) if x | y else 0


def _duplicate_of(ticket: Ticket) -> Ticket | None:
    """The most similar open ticket of the building filed in the window before it."""
    since = ticket.created_at - dt.timedelta(hours=settings.DISPATCH_DUPLICATE_HOURS)
    text = ticket.text
    best: tuple[int, Ticket] | None = None
    for other in (
        Ticket.objects.filter(
            building_id=ticket.building_id,
            status__in=OPEN_STATUSES,
            created_at__gte=since,
            created_at__lte=ticket.created_at,
        )
        .exclude(pk=ticket.pk)
        .order_by("-created_at")[:50]
    ):
        score = similarity_percent(text, other.text)
        if score >= settings.DISPATCH_DUPLICATE_SIMILARITY and (best is None or score > best[0]):
            best = (score, other)
    return best[1] if best else None


# --- filing ----------------------------------------------------------------------------------


def _event(ticket: Ticket, kind: str, at: dt.datetime, by: Any, note: str = "") -> None:
    TicketEvent.objects.create(ticket=ticket, kind=kind, at=at, by=by, note=note[:500])


def _triage(text: str) -> tuple[str, str, float, bool, str]:
    from dispatch.triage import triage  # the model loads on first use

    result = triage(text)  # needs_review below TRIAGE_REVIEW_BELOW
    return (
        result.category,
        result.urgency,
        float(result.confidence),
        result.needs_review,
        result.rule or "",
    )


@transaction.atomic
def ticket_file(
    *,
    by: Any,
    building: Building,
    text: str,
    apartment: Apartment | None = None,
    photos: list[Any] | None = None,
    caller: str = "",
    at: dt.datetime | None = None,
) -> Ticket:
    """File a ticket (DOMAIN.md "Tickets"): an owner for their apartment or their
    building's common areas, or the MC's dispatcher or director taking a call (``caller``)
    for any building the MC manages. Triaged on filing; its deadlines fixed; linked to an
    open ticket of the building that says the same (an incident)."""
    at = _now(at)
    roles = roles_of(by)
    text = clean_text(text)
    building = Building.objects.get(pk=building.pk)
    phone = policies.takes_calls(roles) and building.manager_id == roles.managing_organization_id
    if not phone and not policies.may_file_for(roles, building):
        raise DispatchError(MSG_NOT_YOURS)
    if apartment is not None:
        owned = policies.filing_apartments(roles).filter(pk=apartment.pk)
        if apartment.building_id != building.pk or not (phone or owned.exists()):
            raise DispatchError(MSG_APARTMENT_ELSEWHERE)
    if building.manager_id is None:
        raise DispatchError(MSG_NO_MANAGER)
    for photo in photos or []:
        _validate_photo(photo)
    category, urgency, confidence, review, rule = _triage(text)
    response_due, resolution_due = deadlines(urgency, at)
    membership = LotBuilding.objects.filter(building_id=building.pk).first()
    ticket = Ticket(
        building=building,
        apartment=apartment,
        company_id=building.manager_id,
        lot_id=membership.lot_id if membership else None,
        text=text,
        channel=Channel.PHONE if phone else Channel.WEB,
        filed_by=by,
        caller=caller.strip()[:200] if phone else "",
        created_at=at,
        category=category,
        urgency=urgency,
        confidence=round(confidence, 4),
        needs_review=review,
        triage_rule=rule[:40],
        response_due_at=response_due,
        resolution_due_at=resolution_due,
    )
    ticket.full_clean()
    ticket.save()
    for photo in photos or []:
        TicketPhoto.objects.create(ticket=ticket, image=photo)
    _event(ticket, TicketEvent.Kind.FILED, at, by, f"{category}/{urgency}")
    original = _duplicate_of(ticket)
    if original is not None:
        _link(ticket, original, at)
    return ticket


PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _validate_photo(photo: Any) -> None:
    """A JPG or PNG (read from its first bytes, not its name) of at most 10 MB."""
    size = getattr(photo, "size", 0) or 0
    source = getattr(photo, "file", photo)
    source.seek(0)
    head = bytes(source.read(8))
    source.seek(0)
    if not 0 < size <= PHOTO_MAX_BYTES or not head.startswith(PHOTO_SIGNATURES):
        raise DispatchError(MSG_PHOTO_TYPE)


def _link(ticket: Ticket, original: Ticket, at: dt.datetime) -> None:
    original = Ticket.objects.select_for_update().get(pk=original.pk)
    if original.incident_id is None:
        incident = Incident.objects.create(building_id=original.building_id, created_at=at)
        original.incident = incident
        original.save(update_fields=["incident"])
        _event(original, TicketEvent.Kind.LINKED, at, None, f"#{incident.pk}")
    ticket.incident_id = original.incident_id
    ticket.save(update_fields=["incident"])
    _event(ticket, TicketEvent.Kind.LINKED, at, None, f"#{original.incident_id}")


# --- handling ----------------------------------------------------------------------------------


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _handled(ticket: Ticket, by: Any) -> Ticket:
    """The ticket, locked, checked to be one ``by`` handles."""
    if not Ticket.objects.filter(policies.handle_q(roles_of(by)), pk=ticket.pk).exists():
        raise DispatchError(MSG_NOT_HANDLER)
    return _locked(ticket)


def _require(ticket: Ticket, *statuses: str) -> None:
    if ticket.status not in statuses:
        raise DispatchError(MSG_BAD_STATUS % {"status": ticket.get_status_display()})


def _responded(ticket: Ticket, at: dt.datetime) -> list[str]:
    if ticket.responded_at is None:
        ticket.responded_at = at
        return ["responded_at"]
    return []


@transaction.atomic
def ticket_review(
    *, ticket: Ticket, by: Any, category: str, urgency: str, at: dt.datetime | None = None
) -> Ticket:
    """The dispatcher's triage: category and urgency. A deadline not yet passed follows
    the new urgency; a passed one stays (the breach counts)."""
    at = _now(at)
    ticket = _handled(ticket, by)
    if category not in Category.values or urgency not in Urgency.values:
        raise DispatchError(MSG_BAD_LABEL)
    response_due, resolution_due = deadlines(urgency, ticket.created_at)
    if ticket.response_due_at >= at and ticket.responded_at is None:
        ticket.response_due_at = response_due
    if ticket.resolution_due_at >= at and ticket.resolved_at is None:
        ticket.resolution_due_at = resolution_due
    ticket.response_due_at = min(ticket.response_due_at, ticket.resolution_due_at)
    before = f"{ticket.category}/{ticket.urgency}"
    ticket.category, ticket.urgency, ticket.needs_review = category, urgency, False
    ticket.full_clean()
    ticket.save(
        update_fields=[
            "category",
            "urgency",
            "needs_review",
            "response_due_at",
            "resolution_due_at",
        ]
    )
    _event(ticket, TicketEvent.Kind.REVIEWED, at, by, f"{before} → {category}/{urgency}")
    return ticket


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, by: Any, technician: Any, at: dt.datetime | None = None
) -> Ticket:
    """Assign (or re-assign) to a technician of the ticket's MC."""
    at = _now(at)
    ticket = _handled(ticket, by)
    _require(ticket, Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)
    is_technician = (
        Membership.objects.active()
        .filter(user=technician, role=Role.MC_TECHNICIAN, organization_id=ticket.company_id)
        .exists()
    )
    if not is_technician:
        raise DispatchError(MSG_NOT_TECHNICIAN)
    ticket.technician = technician
    fields = ["technician", *_responded(ticket, at)]
    if ticket.status == Status.NEW:
        ticket.status = Status.ASSIGNED
        fields.append("status")
    ticket.save(update_fields=fields)
    _event(ticket, TicketEvent.Kind.ASSIGNED, at, by, str(technician))
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, by: Any, at: dt.datetime | None = None) -> Ticket:
    at = _now(at)
    ticket = _handled(ticket, by)
    _require(ticket, Status.NEW, Status.ASSIGNED)
    ticket.status = Status.IN_PROGRESS
    ticket.save(update_fields=["status", *_responded(ticket, at)])
    _event(ticket, TicketEvent.Kind.STARTED, at, by)
    return ticket


def _resolve_one(ticket: Ticket, by: Any, at: dt.datetime, note: str) -> None:
    ticket.status = Status.RESOLVED
    ticket.resolved_at = at
    ticket.save(update_fields=["status", "resolved_at", *_responded(ticket, at)])
    _event(ticket, TicketEvent.Kind.RESOLVED, at, by, note)


@transaction.atomic
def ticket_resolve(
    *, ticket: Ticket, by: Any, note: str = "", at: dt.datetime | None = None
) -> Ticket:
    """Resolve the ticket, and every open ticket of its incident (locked in id order)."""
    at = _now(at)
    ticket = _handled(ticket, by)
    _require(ticket, *OPEN_STATUSES)
    if ticket.incident_id is not None:
        siblings = list(
            Ticket.objects.select_for_update()
            .filter(incident_id=ticket.incident_id, status__in=OPEN_STATUSES)
            .order_by("pk")
        )
        for sibling in siblings:
            _resolve_one(sibling, by, at, note)
        Incident.objects.filter(pk=ticket.incident_id).update(resolved_at=at)
        ticket.refresh_from_db()
    else:
        _resolve_one(ticket, by, at, note)
    scorecards_write(company_ids=[ticket.company_id], at=at)
    return ticket


def _owners_side(ticket: Ticket, by: Any) -> Ticket:
    roles = roles_of(by)
    if not Ticket.objects.filter(policies.owner_ticket_q(roles, by.pk), pk=ticket.pk).exists():
        raise DispatchError(MSG_NOT_OWNER)
    return _locked(ticket)


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, by: Any, reason: str, at: dt.datetime | None = None) -> Ticket:
    """The owner: the problem is not solved; back to in progress."""
    at = _now(at)
    ticket = _owners_side(ticket, by)
    _require(ticket, Status.RESOLVED)
    reason = clean_text(reason, message=MSG_COMMENT_EMPTY)
    ticket.status = Status.IN_PROGRESS
    ticket.resolved_at = None
    ticket.save(update_fields=["status", "resolved_at"])
    _event(ticket, TicketEvent.Kind.REOPENED, at, by, reason)
    TicketComment.objects.create(ticket=ticket, author=by, body=reason, at=at)
    scorecards_write(company_ids=[ticket.company_id], at=at)
    return ticket


@transaction.atomic
def ticket_rate(*, ticket: Ticket, by: Any, rating: int, at: dt.datetime | None = None) -> Ticket:
    """The owner rates a resolved ticket 1–5, which closes it."""
    at = _now(at)
    ticket = _owners_side(ticket, by)
    _require(ticket, Status.RESOLVED)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DispatchError(MSG_BAD_RATING)
    ticket.rating, ticket.status, ticket.closed_at = rating, Status.CLOSED, at
    ticket.save(update_fields=["rating", "status", "closed_at"])
    _event(ticket, TicketEvent.Kind.RATED, at, by, str(rating))
    scorecards_write(company_ids=[ticket.company_id], at=at)
    return ticket


@transaction.atomic
def ticket_comment(
    *, ticket: Ticket, by: Any, body: str, at: dt.datetime | None = None
) -> TicketComment:
    """A comment of the thread: the ticket's owner side or its MC."""
    at = _now(at)
    roles = roles_of(by)
    allowed = Ticket.objects.filter(
        policies.handle_q(roles) | policies.owner_ticket_q(roles, by.pk), pk=ticket.pk
    ).exists()
    if not allowed:
        raise DispatchError(MSG_NOT_HANDLER)
    body = clean_text(body, message=MSG_COMMENT_EMPTY)
    if len(body) > 2000:
        raise DispatchError(MSG_TEXT_LONG % {"max": 2000})
    return TicketComment.objects.create(ticket=ticket, author=by, body=body, at=at)


# --- escalation ----------------------------------------------------------------------------

MSG_ESCALATION_SUBJECT = _("Ticket #%(n)s: a deadline is breached")
MSG_ESCALATION_BODY = _(
    "Ticket #%(n)s at %(address)s breached its %(kind)s (due %(due)s, Asia/Tashkent). "
    "It is escalated to the inspection."
)


def _inspector_persons(region_id: int) -> Any:
    """The people of the region's inspectors (and the national ones)."""
    from django.db.models import Q

    from accounts.models import Person

    held = Membership.objects.active().filter(
        Q(region_id=region_id) | Q(region__isnull=True, district__isnull=True),
        role=Role.INSPECTOR,
    )
    return Person.objects.filter(user__in=held.values("user_id"))


def escalate_breaches(*, at: dt.datetime | None = None) -> dict[str, int]:
    """Every breached deadline escalated to the region's inspectors once (DOMAIN.md: "A
    breach escalates the ticket to the inspectors"): a flag on the ticket (its
    Escalation), an event in its history and a message through the notification
    interface. A response not given by its deadline, a resolution not reached by its
    deadline. Idempotent: one Escalation per ticket and kind (a unique constraint); each
    is recorded and told once, by the run that holds its row lock first."""
    from accounts.notifications import lazy_format, notify_many

    at = _now(at)
    made: list[Escalation] = []
    for kind, due_field, done_field in (
        (Escalation.Kind.RESPONSE, "response_due_at", "responded_at"),
        (Escalation.Kind.RESOLUTION, "resolution_due_at", "resolved_at"),
    ):
        breached = dict(
            Ticket.objects.filter(**{f"{due_field}__lt": at, f"{done_field}__isnull": True})
            .exclude(escalations__kind=kind)
            .values_list("pk", due_field)
        )
        if not breached:
            continue
        with transaction.atomic():
            Escalation.objects.bulk_create(
                [
                    Escalation(ticket_id=pk, kind=kind, due_at=due, escalated_at=at)
                    for pk, due in sorted(breached.items())
                ],
                ignore_conflicts=True,
            )
        made += list(
            Escalation.objects.filter(ticket_id__in=list(breached), kind=kind, escalated_at=at)
            .select_related("ticket__building")
            .order_by("pk")
        )
    told = 0
    for escalation in made:  # id order: concurrent runs lock the rows in the same order
        ticket = escalation.ticket
        with transaction.atomic():
            # Two runs at the same moment both see the rows made at ``at``: the row lock
            # and the ticket's history decide which one records and tells (issue 13).
            Escalation.objects.select_for_update().filter(pk=escalation.pk).first()
            if TicketEvent.objects.filter(
                ticket=ticket, kind=TicketEvent.Kind.ESCALATED, note=escalation.kind
            ).exists():
                continue
            told += 1
            _event(ticket, TicketEvent.Kind.ESCALATED, at, None, escalation.kind)
            due = timezone.localtime(escalation.due_at).strftime("%d.%m.%Y %H:%M")
            notify_many(
                person_ids=_inspector_persons(ticket.building.region_id),
                key=f"escalation:{escalation.pk}",
                subject=lazy_format(MSG_ESCALATION_SUBJECT, {"n": ticket.pk}),
                body=lazy_format(
                    MSG_ESCALATION_BODY,
                    {
                        "n": ticket.pk,
                        "address": ticket.building.address,
                        "kind": Escalation.Kind(escalation.kind).label,  # lazy: their language
                        "due": due,
                    },
                ),
            )
    return {"escalated": told}


# --- appeals ---------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *,
    by: Any,
    building: Building,
    text: str,
    ticket: Ticket | None = None,
    at: dt.datetime | None = None,
) -> Appeal:
    """An owner's complaint about the MC of a building where they own an apartment, to
    the region's inspection, answered within APPEAL_ANSWER_DAYS (DOMAIN.md "Appeals")."""
    at = _now(at)
    roles = roles_of(by)
    text = clean_text(text)
    building = Building.objects.get(pk=building.pk)
    if not Building.objects.filter(
        pk=building.pk, apartments__in=policies.filing_apartments(roles)
    ).exists():
        raise DispatchError(MSG_APPEAL_NOT_YOURS)
    if building.manager_id is None:
        raise DispatchError(MSG_NO_MANAGER)
    if (
        ticket is not None
        and not Ticket.objects.filter(
            policies.owner_ticket_q(roles, by.pk), pk=ticket.pk, building_id=building.pk
        ).exists()
    ):
        raise DispatchError(MSG_NOT_OWNER)
    appeal = Appeal(
        author=by,
        building=building,
        company_id=building.manager_id,
        region_id=building.region_id,
        ticket=ticket,
        text=text,
        created_at=at,
        due_at=at + dt.timedelta(days=settings.APPEAL_ANSWER_DAYS),
    )
    appeal.full_clean()
    appeal.save()
    return appeal


@transaction.atomic
def appeal_answer(*, appeal: Appeal, by: Any, answer: str, at: dt.datetime | None = None) -> Appeal:
    """The inspection's answer, once."""
    at = _now(at)
    if not Appeal.objects.filter(policies.answer_q(roles_of(by)), pk=appeal.pk).exists():
        raise DispatchError(MSG_NOT_INSPECTOR)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.answered_at is not None:
        raise DispatchError(MSG_ALREADY_ANSWERED)
    appeal.answer = clean_text(answer, message=MSG_ANSWER_EMPTY)
    appeal.answered_by, appeal.answered_at = by, at
    appeal.full_clean()
    appeal.save(update_fields=["answer", "answered_by", "answered_at"])
    return appeal


# --- scorecards ------------------------------------------------------------------------------


def scorecards_write(*, company_ids: list[int], at: dt.datetime | None = None) -> int:
    """The dispatch figures of each company's scorecard (DOMAIN.md "MC scorecards"),
    through organizations.services: dispatch.scores computes them."""
    from dispatch.scores import company_figures
    from organizations.services import scorecard_dispatch_set

    written = 0
    for company_id, figures in company_figures(company_ids).items():
        written += scorecard_dispatch_set(company_id=company_id, **figures)
    return written
