"""Election pages: my votes, the election (ballot, figures, results), the board, and the
council's and candidates' actions. Every read is scoped (voting.selectors)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import roles_of
from buildings.models import Building
from buildings.owner_pages import owner_page
from lots import selectors as lot_selectors
from organizations.models import ManagementCompany, RegisterStatus
from voting import meeting_selectors, policies, selectors
from voting.forms import AppointForm, BallotForm
from voting.models import Election, ElectionStatus
from voting.pdf import pdf_response
from voting.services import (
    MSG_INTERIM_NOT_REGISTERED,
    VotingError,
    ballot_cast,
    candidate_apply,
    election_close,
    election_open,
    interim_appoint,
)
from voting.tally import Tally


def _back(request: HttpRequest, election_pk: int, error: str | None = None) -> HttpResponse:
    if error is not None:
        messages.error(request, error)
    response = redirect("voting:election", election_pk)
    if error is not None:
        response.status_code = 303
    return response


def _act(
    request: HttpRequest, election: Election, action: Callable[[], object], done: str
) -> HttpResponse:
    try:
        action()
    except VotingError as exc:
        return _back(request, election.pk, exc.message)
    messages.success(request, done)
    return _back(request, election.pk)


@login_required
@require_GET
@owner_page("my-votes")
def my_votes(request: HttpRequest) -> HttpResponse:
    """The elections and general meetings the login takes part in or oversees (the latest
    100 of each), and the buildings where it may call a meeting as an owner."""
    elections = list(selectors.elections_visible_to(request.user)[:100])
    meetings = list(meeting_selectors.meetings_visible_to(request.user)[:100])
    own = Building.objects.filter(policies.building_owner_q(roles_of(request.user))).only(
        "pk", "address"
    )
    context = {"elections": elections, "meetings": meetings, "own_buildings": list(own[:20])}
    return render(request, "voting/my_votes.html", context)


@login_required
@require_GET
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_for(request.user, pk)
    roles = roles_of(request.user)
    stage = selectors.phase(election)
    public = selectors.results_public(election)
    live = selectors.figures(election)
    weight = selectors.my_weight(election, request.user)
    context = {
        "election": election,
        "phase": stage,
        "figures": live,
        "candidates": selectors.candidates(election, live["tally"] if public else None),
        "results_public": public,
        "my_ballots": selectors.my_ballots(election, request.user),
        "can_vote": stage == "voting" and weight > 0,
        "my_weight": live["tally"].m2(weight),
        "can_run": policies.may_run(roles, election.lot),
        "can_apply": stage == "nomination" and policies.may_stand(roles, election),
        "board": policies.board_visible(roles, election),
        "registered": ManagementCompany.objects.filter(status=RegisterStatus.REGISTERED)
        .order_by("name")
        .only("pk", "name")[:500]
        if election.outcome in ("no_quorum", "no_candidates")
        else [],
    }
    return render(request, "voting/election_detail.html", context)


def _company(pk: int) -> ManagementCompany:
    return ManagementCompany.objects.only("pk").get(pk=pk)


@login_required
@require_GET
def figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The live participation, refreshed by htmx while voting is open."""
    election = selectors.election_for(request.user, pk)
    return render(
        request,
        "voting/_figures.html",
        {"election": election, "figures": selectors.figures(election)},
    )


@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.board_for(request.user, pk)
    ballots = election.ballots.select_related("candidate__company").order_by("seq")
    page = Paginator(ballots, 500).get_page(request.GET.get("page"))
    units = Tally(total_units=0, participating_units=0, weight_scale=election.weight_scale)
    rows = [(b, units.m2(b.weight_units)) for b in page.object_list]
    return render(request, "voting/board.html", {"election": election, "rows": rows, "page": page})


@login_required
@require_POST
def cast_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_for(request.user, pk)
    form = BallotForm(request.POST)
    if not form.is_valid():
        return _back(request, election.pk, _("Choose a candidate."))
    candidate = election.candidates.filter(pk=form.cleaned_data["candidate"]).first()
    if candidate is None:
        return _back(request, election.pk, _("This company is not a candidate in this election."))
    try:
        ballot = ballot_cast(election=election, voter=cast(User, request.user), candidate=candidate)
    except VotingError as exc:
        return _back(request, election.pk, exc.message)
    messages.success(
        request,
        _("Your ballot was counted. Your receipt code: %(code)s") % {"code": ballot.receipt},
    )
    return _back(request, election.pk)


@login_required
@require_POST
def open_election(request: HttpRequest, lot_pk: int) -> HttpResponse:
    lot = lot_selectors.lot_for(request.user, lot_pk)
    try:
        election = election_open(lot=lot, by=cast(User, request.user))
    except VotingError as exc:
        messages.error(request, exc.message)
        response = redirect("lots:detail", lot.pk)
        response.status_code = 303
        return response
    messages.success(request, _("The election is open for nomination."))
    return redirect("voting:election", election.pk)


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_for(request.user, pk)
    company_id = roles_of(request.user).managing_organization_id
    if company_id is None:
        return _back(
            request, election.pk, _("A company stands in an election through its director.")
        )
    action = partial(
        candidate_apply,
        election=election,
        company=_company(company_id),
        by=cast(User, request.user),
    )
    return _act(request, election, action, _("Your company stands in the election."))


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_for(request.user, pk)
    action = partial(election_close, election=election, by=cast(User, request.user))
    return _act(request, election, action, _("The election was closed and counted."))


@login_required
@require_POST
def appoint(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_for(request.user, pk)
    form = AppointForm(request.POST)
    if not form.is_valid():
        return _back(
            request, election.pk, " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
    company = ManagementCompany.objects.filter(
        status=RegisterStatus.REGISTERED, pk=form.cleaned_data["company"]
    ).first()
    if company is None:
        return _back(request, election.pk, str(MSG_INTERIM_NOT_REGISTERED))
    action = partial(
        interim_appoint,
        election=election,
        company=company,
        by=cast(User, request.user),
        reason=form.cleaned_data["reason"],
    )
    return _act(request, election, action, _("The interim company was appointed."))


@login_required
@require_GET
def protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """The protocol of a closed election, in the reader's language (uz, ru, en)."""
    election = selectors.election_for(request.user, pk)
    if election.status != ElectionStatus.CLOSED:
        raise Http404
    names = dict(election.candidates.values_list("pk", "company__name"))
    rows = [
        (names.get(int(pk_), pk_), weight)
        for pk_, weight in (election.result.get("results") or {}).items()
    ]
    context = {"election": election, "result": election.result, "rows": rows}
    return pdf_response(
        request, "voting/protocol.html", context, f"election-{election.pk}-protocol.pdf"
    )
