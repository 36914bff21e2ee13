"""Dispatch pages (DOMAIN.md "Dispatch (24-hour service) and appeals"): the owner's
tickets and the form that files one; the MC's queue (urgency, then deadline; breached in
red; refreshed with htmx) and the form of a phone call; a ticket with its history, its
thread and the steps the login may take; appeals. Reads are scoped (dispatch.selectors);
writes are dispatch.services, whose refusal is shown with status 400, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import roles_of
from buildings.models import REGISTRY_STAMP, Apartment
from buildings.owner_pages import owner_page
from core.stamps import cached_under
from dispatch import policies, selectors, services
from dispatch.forms import (
    AppealForm,
    AssignForm,
    CallForm,
    RateForm,
    ReviewForm,
    TextForm,
    TicketForm,
)
from dispatch.models import Status, Ticket, TicketPhoto
from dispatch.services import DispatchError

PAGE = 25


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE).get_page(request.GET.get("page"))


def _audience(request: HttpRequest) -> Any:
    """Who has a dispatch page: owners, an MC's staff, inspectors (404 for the rest)."""
    roles = roles_of(request.user)
    if not policies.has_dispatch_page(roles):
        raise Http404
    return roles


CALL_FORM_SECONDS = 600


def _call_form_html(form: CallForm, roles: Any) -> str:
    """The empty call form, whose choices are every building of the company: kept in the
    shared cache per company and language under REGISTRY_STAMP, which every writer of a
    building's address or manager renews (buildings.receivers and the bulk writers). Its
    CSRF token is outside it, in the page."""
    key = f"call-form:{roles.managing_organization_id}:{translation.get_language()}"
    return cached_under([REGISTRY_STAMP], key, form.as_div, CALL_FORM_SECONDS)  # a SafeString


def _home_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    roles = roles_of(request.user)
    context: dict[str, Any] = {"now": timezone.now()}
    if roles.is_owner:
        buildings, apartments = selectors.filing_choices(request.user)
        context["mine"] = _page(request, selectors.my_tickets(request.user))
        context["ticket_form"] = extra.get("ticket_form") or TicketForm(
            buildings=buildings, apartments=apartments
        )
    if policies.handles_tickets(roles):
        context["queue"] = selectors.queue(request.user)[:200]
    if policies.takes_calls(roles):
        context["call_form"] = extra.get("call_form") or CallForm(
            buildings=selectors.call_buildings(request.user)
        )
        if "call_form" not in extra:
            context["call_form_html"] = _call_form_html(context["call_form"], roles)
    if roles.inspector or roles.superuser:
        context["escalated"] = _page(request, selectors.escalated_in_view(request.user))
    context["error"] = extra.get("error")
    return context


@login_required
@require_http_methods(["GET", "POST"])
@owner_page("tickets", params=["page"])
def home(request: HttpRequest) -> HttpResponse:
    """GET: the login's dispatch page. POST: an owner files a ticket."""
    roles = _audience(request)
    if request.method == "GET":
        return render(request, "dispatch/home.html", _home_context(request))
    if not roles.is_owner:
        raise Http404
    buildings, apartments = selectors.filing_choices(request.user)
    form = TicketForm(request.POST, request.FILES, buildings=buildings, apartments=apartments)
    if not form.is_valid():
        return render(
            request, "dispatch/home.html", _home_context(request, ticket_form=form), status=400
        )
    data = form.cleaned_data
    try:
        ticket = services.ticket_file(
            by=request.user,
            building=form.buildings[data["building"]],
            apartment=form.apartments.get(data["apartment"] or ""),
            text=data["text"],
            photos=data["photos"],
        )
    except DispatchError as exc:
        context = _home_context(request, ticket_form=form, error=exc.message)
        return render(request, "dispatch/home.html", context, status=400)
    messages.success(request, _("Ticket #%(n)s is filed.") % {"n": ticket.pk})
    return redirect("dispatch:ticket", ticket.pk)


@login_required
@require_POST
def call(request: HttpRequest) -> HttpResponse:
    """The MC's dispatcher or director enters a phone call."""
    if not policies.takes_calls(roles_of(request.user)):
        raise Http404
    form = CallForm(request.POST, buildings=selectors.call_buildings(request.user))
    if not form.is_valid():
        return render(
            request, "dispatch/home.html", _home_context(request, call_form=form), status=400
        )
    data = form.cleaned_data
    apartment = None
    if data["apartment_number"].strip():
        apartment = Apartment.objects.filter(
            building=data["building"], number=data["apartment_number"].strip()
        ).first()
        if apartment is None:
            context = _home_context(
                request, call_form=form, error=_("No such flat in the building.")
            )
            return render(request, "dispatch/home.html", context, status=400)
    try:
        ticket = services.ticket_file(
            by=request.user,
            building=data["building"],
            apartment=apartment,
            text=data["text"],
            caller=data["caller"],
        )
    except DispatchError as exc:
        context = _home_context(request, call_form=form, error=exc.message)
        return render(request, "dispatch/home.html", context, status=400)
    messages.success(request, _("Ticket #%(n)s is filed.") % {"n": ticket.pk})
    return redirect("dispatch:ticket", ticket.pk)


@login_required
@require_GET
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The queue's rows, for htmx to refresh."""
    roles = roles_of(request.user)
    if not policies.handles_tickets(roles):
        raise Http404
    context = {"queue": selectors.queue(request.user)[:200], "now": timezone.now()}
    return render(request, "dispatch/_queue_rows.html", context)


def _ticket_context(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    roles = roles_of(request.user)
    user_id = request.user.pk
    handles = Ticket.objects.filter(policies.handle_q(roles), pk=ticket.pk).exists()
    owners = Ticket.objects.filter(policies.owner_ticket_q(roles, user_id), pk=ticket.pk).exists()
    return {
        "ticket": ticket,
        "now": timezone.now(),
        "events": ticket.events.select_related("by").order_by("at", "pk"),
        "comments": ticket.comments.select_related("author").order_by("at", "pk"),
        "photos": list(ticket.photos.all()),
        "escalations": list(ticket.escalations.order_by("kind")),
        "siblings": (
            Ticket.objects.filter(incident_id=ticket.incident_id).exclude(pk=ticket.pk).count()
            if ticket.incident_id
            else 0
        ),
        "handles": handles,
        "owners": owners,
        "review_form": ReviewForm(initial={"category": ticket.category, "urgency": ticket.urgency}),
        "assign_form": AssignForm(technicians=selectors.technicians(request.user)),
        "text_form": TextForm(),
        "rate_form": RateForm(),
        "error": extra.get("error"),
        "open": ticket.status in (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS),
    }


@login_required
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.ticket_for(request.user, pk)
    return render(request, "dispatch/ticket.html", _ticket_context(request, found))


def _act(request: HttpRequest, found: Ticket) -> Callable[[], object] | None:
    """The service call an action's POST asks for (None: a form error)."""
    action = request.resolver_match.kwargs["action"] if request.resolver_match else ""
    post = request.POST
    user = request.user
    if action == "review":
        form: Any = ReviewForm(post)
        if form.is_valid():
            return lambda: services.ticket_review(ticket=found, by=user, **form.cleaned_data)
    elif action == "assign":
        form = AssignForm(post, technicians=selectors.technicians(user))
        if form.is_valid():
            return lambda: services.ticket_assign(
                ticket=found, by=user, technician=form.cleaned_data["technician"]
            )
    elif action == "start":
        return lambda: services.ticket_start(ticket=found, by=user)
    elif action == "resolve":
        return lambda: services.ticket_resolve(ticket=found, by=user, note=post.get("text", ""))
    elif action == "reopen":
        return lambda: services.ticket_reopen(ticket=found, by=user, reason=post.get("text", ""))
    elif action == "rate":
        form = RateForm(post)
        if form.is_valid():
            return lambda: services.ticket_rate(
                ticket=found, by=user, rating=form.cleaned_data["rating"]
            )
    elif action == "comment":
        return lambda: services.ticket_comment(ticket=found, by=user, body=post.get("text", ""))
    else:
        raise Http404
    return None


ACTIONS = ("review", "assign", "start", "resolve", "reopen", "rate", "comment")
OWNER_ACTIONS = ("reopen", "rate", "comment")


@login_required
@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A step on the ticket: the MC's (review, assign, start, resolve, comment) or the
    owner's (reopen, rate, comment). Who may not take it gets 404, nothing written."""
    found = selectors.ticket_for(request.user, pk)
    roles = roles_of(request.user)
    handles = Ticket.objects.filter(policies.handle_q(roles), pk=found.pk).exists()
    owners = Ticket.objects.filter(
        policies.owner_ticket_q(roles, request.user.pk), pk=found.pk
    ).exists()
    if action not in ACTIONS or not (
        (handles and action not in ("reopen", "rate")) or (owners and action in OWNER_ACTIONS)
    ):
        raise Http404
    run = _act(request, found)
    if run is None:
        context = _ticket_context(request, found, error=_("Check the form."))
        return render(request, "dispatch/ticket.html", context, status=400)
    try:
        run()
    except DispatchError as exc:
        context = _ticket_context(request, found, error=exc.message)
        return render(request, "dispatch/ticket.html", context, status=400)
    response = redirect("dispatch:ticket", found.pk)
    response.status_code = 303
    return response


@login_required
@require_GET
def ticket_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    found = selectors.ticket_for(request.user, pk)
    row = get_object_or_404(TicketPhoto, pk=photo, ticket=found)
    try:
        handle = row.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle)


@login_required
@require_http_methods(["GET", "POST"])
def appeals(request: HttpRequest) -> HttpResponse:
    """An owner's appeals and the form that files one; the inspection's, overdue first."""
    roles = roles_of(request.user)
    if not (roles.is_owner or roles.inspector or roles.superuser):
        raise Http404
    buildings, _apartments = selectors.filing_choices(request.user)
    # bound on every POST, an empty one included: it is refused with the form's errors
    data = request.POST if request.method == "POST" else None
    form = AppealForm(data, buildings=buildings) if roles.is_owner else None
    status = 200
    error = None
    if request.method == "POST":
        if form is None:
            raise Http404
        status = 400
        if form.is_valid():
            try:
                appeal = services.appeal_file(
                    by=request.user,
                    building=form.buildings[form.cleaned_data["building"]],
                    text=form.cleaned_data["text"],
                )
            except DispatchError as exc:
                error = exc.message
            else:
                messages.success(
                    request, _("Appeal #%(n)s is sent to the inspection.") % {"n": appeal.pk}
                )
                return redirect("dispatch:appeal", appeal.pk)
    context = {
        "page": _page(request, selectors.appeals_visible_to(request.user)),
        "form": form,
        "error": error,
        "now": timezone.now(),
    }
    return render(request, "dispatch/appeals.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal and its answer; the region's inspectors answer it here."""
    found = selectors.appeal_for(request.user, pk)
    roles = roles_of(request.user)
    may_answer = type(found).objects.filter(policies.answer_q(roles), pk=found.pk).exists()
    form = TextForm(request.POST or None) if may_answer and found.answered_at is None else None
    error = None
    status = 200
    if request.method == "POST":
        if not may_answer:
            raise Http404
        status = 400
        try:
            services.appeal_answer(
                appeal=found, by=request.user, answer=request.POST.get("text", "")
            )
        except DispatchError as exc:
            error = exc.message
        else:
            return redirect("dispatch:appeal", found.pk)
    context = {"appeal": found, "form": form, "error": error, "now": timezone.now()}
    return render(request, "dispatch/appeal.html", context, status=status)
