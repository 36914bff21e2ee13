"""General meeting pages: a building's meetings (and calling one), the meeting (agenda,
discussion, ballot, figures, results), its board and protocol, and the acts of its
parties. Every read is scoped (voting.meeting_selectors, voting.policies); every act is a
service of voting.meetings, whose refusal is shown as it is."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import roles_of
from buildings.models import Building
from buildings.owner_pages import owner_page
from voting import meeting_selectors as selectors
from voting import policies
from voting.forms import CommentForm, MeetingForm, QuestionFormSet
from voting.meeting_tally import MeetingTally
from voting.meetings import (
    AgendaItem,
    MeetingError,
    initiative_weight,
    meeting_ballot_cast,
    meeting_close,
    meeting_comment,
    meeting_initiate,
    meeting_sign,
)
from voting.models import Meeting, MeetingInitiator, MeetingStatus
from voting.pdf import pdf_response

PROTOCOL_LANGUAGES = ("uz", "ru", "en")


def _back(request: HttpRequest, pk: int, error: str | None = None) -> HttpResponse:
    if error is not None:
        messages.error(request, error)
    response = redirect("voting:meeting", pk)
    if error is not None:
        response.status_code = 303
    return response


def _act(request: HttpRequest, pk: int, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except MeetingError as exc:
        return _back(request, pk, exc.message)
    messages.success(request, done)
    return _back(request, pk)


def _initiators(request: HttpRequest, building: Building) -> list[tuple[str, str]]:
    """The ways this login may call a meeting of the building."""
    roles = roles_of(request.user)
    return [
        (value, str(label))
        for value, label in MeetingInitiator.choices
        if policies.may_initiate_meeting(roles, building, value)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def building_meetings(request: HttpRequest, building_pk: int) -> HttpResponse:
    """The meetings of a (public) building that the login may see, none for an outsider,
    and the form to call one for those who may: an owner starts an initiative, the MC's
    director or the council opens one."""
    building = get_object_or_404(Building.objects.only("pk", "address"), pk=building_pk)
    meetings = selectors.meetings_visible_to(request.user).filter(building_id=building.pk)
    initiators = _initiators(request, building)
    # bound on every POST, an empty one included: it is refused with the forms' errors
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, initiators=initiators)
    questions = QuestionFormSet(data, prefix="q")
    if request.method == "POST":
        if not initiators:
            raise Http404
        if form.is_valid() and questions.is_valid():
            agenda = [
                AgendaItem(text=q["text"], kind=q["kind"], rule=q.get("rule") or None)
                for q in questions.cleaned_data
                if q
            ]
            try:
                meeting = meeting_initiate(
                    building=building,
                    by=cast(User, request.user),
                    initiator=form.cleaned_data["initiator"],
                    agenda=agenda,
                )
            except MeetingError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("The meeting is open for discussion.")
                    if meeting.status == MeetingStatus.OPEN
                    else _(
                        "The initiative is filed; it opens once its signatories hold enough weight."
                    ),
                )
                return redirect("voting:meeting", meeting.pk)
        status = 400
    else:
        status = 200
    context = {
        "building": building,
        "meetings": Paginator(meetings, 25).get_page(request.GET.get("page")),
        "form": form,
        "questions": questions,
        "can_initiate": bool(initiators),
    }
    return render(request, "voting/building_meetings.html", context, status=status)


@login_required
@require_GET
@owner_page("meeting")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    roles = roles_of(request.user)
    stage = selectors.meeting_phase(meeting)
    public = selectors.meeting_results_public(meeting)
    live = selectors.meeting_figures(meeting) if meeting.status != MeetingStatus.DRAFT else None
    weight = selectors.my_meeting_weight(meeting, request.user)
    signatures = None
    if meeting.status == MeetingStatus.DRAFT:
        signed, total = initiative_weight(meeting)
        signatures = {
            "count": meeting.signatures.count(),
            "percent": round(100 * signed / (total or 1), 1),
            "needed": meeting.initiative_percent,
            "signed_by_me": roles.person is not None
            and meeting.signatures.filter(person=roles.person).exists(),
            "can_sign": policies.may_sign_meeting(roles, meeting),
        }
    context = {
        "meeting": meeting,
        "phase": stage,
        "figures": live,
        "agenda": selectors.agenda(meeting, selectors.results_for(meeting, live)),
        "results_public": public,
        "comments": meeting.comments.order_by("at", "pk")[:200],
        "comment_form": CommentForm(),
        "can_comment": stage == "discussion" and policies.may_comment_meeting(roles, meeting),
        "can_vote": stage == "voting" and weight > 0,
        "my_weight": live.tally.m2(weight) if live is not None else "0",
        "my_ballots": selectors.my_meeting_ballots(meeting, request.user),
        "can_close": stage == "awaiting_close" and policies.may_close_meeting(roles, meeting),
        "board": policies.meeting_board_visible(roles, meeting),
        "signatures": signatures,
        "choices": [("for", _("for")), ("against", _("against")), ("abstain", _("abstain"))],
        "protocol_languages": PROTOCOL_LANGUAGES,
    }
    return render(request, "voting/meeting_detail.html", context)


@login_required
@require_GET
def meeting_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The live participation, refreshed by htmx while the meeting is open."""
    meeting = selectors.meeting_for(request.user, pk)
    if meeting.status == MeetingStatus.DRAFT:
        raise Http404
    return render(
        request,
        "voting/_meeting_figures.html",
        {"meeting": meeting, "figures": selectors.meeting_figures(meeting)},
    )


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    action = partial(meeting_sign, meeting=meeting, by=cast(User, request.user))
    return _act(request, meeting.pk, action, _("You signed the initiative."))


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    text = request.POST.get("text", "")
    action = partial(meeting_comment, meeting=meeting, by=cast(User, request.user), text=text)
    return _act(request, meeting.pk, action, _("Your comment was posted."))


@login_required
@require_POST
def cast_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """Answers arrive as ``q<question id>=for|against|abstain``; a question answered twice
    in one request is refused (the service sees every pair, not the last one)."""
    meeting = selectors.meeting_for(request.user, pk)
    pairs = [
        (key[1:], value)
        for key in request.POST
        if key.startswith("q") and key[1:].isdigit()
        for value in request.POST.getlist(key)
    ]
    try:
        ballot = meeting_ballot_cast(meeting=meeting, voter=cast(User, request.user), choices=pairs)
    except MeetingError as exc:
        return _back(request, meeting.pk, exc.message)
    messages.success(
        request,
        _("Your ballot was counted. Your receipt code: %(code)s") % {"code": ballot.receipt},
    )
    return _back(request, meeting.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    action = partial(meeting_close, meeting=meeting, by=cast(User, request.user))
    return _act(request, meeting.pk, action, _("The meeting was closed and counted."))


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_board_for(request.user, pk)
    if meeting.status == MeetingStatus.DRAFT:
        raise Http404
    orders = dict(meeting.questions.values_list("pk", "order"))
    page = Paginator(meeting.ballots.order_by("seq"), 500).get_page(request.GET.get("page"))
    counted = MeetingTally(0, 0, weight_scale=meeting.weight_scale)
    rows = [
        (
            b,
            counted.m2(b.weight_units),
            sorted((orders.get(int(q), q), choice) for q, choice in b.choices.items()),
        )
        for b in page.object_list
    ]
    return render(
        request, "voting/meeting_board.html", {"meeting": meeting, "rows": rows, "page": page}
    )


@login_required
@require_GET
def protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """The protocol of a closed meeting (DOMAIN.md: in Uzbek and Russian): in the
    reader's language, or in the one asked for with ``?lang=uz|ru|en``."""
    meeting = selectors.meeting_for(request.user, pk)
    if meeting.status != MeetingStatus.CLOSED:
        raise Http404
    language = request.GET.get("lang") or translation.get_language() or "uz"
    if language not in PROTOCOL_LANGUAGES:
        language = "uz"
    decisions = {d.question_id: d for d in meeting.decisions.all()}
    with translation.override(language):
        context = {
            "meeting": get_object_or_404(
                Meeting.objects.select_related("building__district", "building__region"),
                pk=meeting.pk,
            ),
            "result": meeting.result,
            "agenda": [
                (row, decisions.get(row.question.pk))
                for row in selectors.agenda(meeting, selectors.results_for(meeting, None))
            ],
            "LANGUAGE_CODE": language,
        }
        return pdf_response(
            request, "voting/meeting_protocol.html", context, f"meeting-{meeting.pk}-{language}.pdf"
        )
