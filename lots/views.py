"""Lot pages: the list, the council's work list, the lot page and the council's actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import roles_of
from buildings.models import Building, Classification
from core.money import TIYIN_PER_SOM
from lots import policies, selectors
from lots.forms import AmendmentForm, DecisionForm, MoveForm, ProgramItemForm
from lots.models import Lot, LotStatus, ProgramAmendment, ProgramItem
from lots.program import is_feasible, program_totals
from lots.services import (
    LotError,
    lot_building_move,
    lot_decide,
    lot_propose,
    program_amendment_decide,
    program_amendment_propose,
    program_item_update,
)


@login_required
def lot_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.lots_visible_to(request.user).order_by("code"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "lots/lot_list.html", {"page": page})


@login_required
def council(request: HttpRequest) -> HttpResponse:
    district = selectors.district_of(request.user)
    if district is None:
        raise Http404
    lots = list(selectors.council_lots(request.user))
    return render(request, "lots/council.html", {"district": district, "lots": lots})


LOT_BUILDINGS_TARGET = "lot-buildings"  # the id of the lot page's buildings table


@login_required
def lot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The lot page. Its buildings table is paged (``?page=``); htmx fetches a page of the
    table alone (HX-Target: lot-buildings), and without JavaScript the pager's links load
    the whole page."""
    lot = selectors.lot_for(request.user, pk)
    buildings = selectors.lot_buildings(lot)
    page = selectors.lot_buildings_page(buildings, request.GET.get("page"))
    if (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == LOT_BUILDINGS_TARGET
    ):
        return render(request, "lots/_lot_buildings.html", {"lot": lot, "page": page})
    totals = program_totals(lot)
    roles = roles_of(request.user)
    can_decide = policies.may_decide(roles, lot)
    movable: list[Building] = []
    targets: list[Lot] = []
    if can_decide and lot.status == LotStatus.DRAFT:
        movable = [b for b in buildings if b.district_id == roles.council_district_id]
        targets = [t for t in selectors.draft_lots_of_council(request.user) if t.pk != lot.pk]
    context = {
        "lot": lot,
        "page": page,
        "stats": selectors.lot_stats(buildings),
        "program": selectors.lot_program(lot),
        "totals": totals,
        "feasible": is_feasible(totals),
        "history": selectors.lot_history(lot),
        "amendments": selectors.lot_amendments(lot),
        "can_decide": can_decide,
        "can_edit_program": policies.may_edit_program(roles, lot),
        "can_amend": policies.may_propose_amendment(roles, lot),
        "manager_removed": selectors.manager_removed(lot),
        "movable": movable,
        "targets": targets,
        "decision_form": DecisionForm(),
        "points": [[b.pk, round(b.lat, 5), round(b.lon, 5), b.classification] for b in buildings],
        "class_labels": dict(Classification.choices),
    }
    return render(request, "lots/lot_detail.html", context)


def _fail(request: HttpRequest, lot: Lot, message: str) -> HttpResponse:
    messages.error(request, message)
    response = redirect("lots:detail", lot.pk)
    response.status_code = 303
    return response


def _act(request: HttpRequest, lot: Lot, action: Callable[[], object], done: str) -> HttpResponse:
    """Run a council or MC action: back to the lot page with its success, or with the
    service's reason for refusing (303, nothing written)."""
    try:
        action()
    except LotError as exc:
        return _fail(request, lot, exc.message)
    messages.success(request, done)
    return redirect("lots:detail", lot.pk)


def _invalid(request: HttpRequest, lot: Lot, form: forms.Form) -> HttpResponse:
    return _fail(request, lot, " ".join(str(e) for errs in form.errors.values() for e in errs))


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    by, comment = cast(User, request.user), request.POST.get("comment", "")[:2000]
    return _act(
        request,
        lot,
        partial(lot_propose, lot=lot, by=by, comment=comment),
        _("The lot was proposed for approval."),
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, lot, form)
    action = partial(
        lot_decide,
        lot=lot,
        by=cast(User, request.user),
        approve=form.cleaned_data["decision"] == "approve",
        comment=form.cleaned_data["comment"],
    )
    return _act(request, lot, action, _("Your council's decision was recorded."))


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _fail(request, lot, _("Choose a building and a lot."))
    building = get_object_or_404(
        Building.objects.filter(lot_membership__lot=lot), pk=form.cleaned_data["building"]
    )
    target = get_object_or_404(
        selectors.lots_visible_to(request.user), pk=form.cleaned_data["to_lot"]
    )
    by = cast(User, request.user)
    action = partial(lot_building_move, building=building, to_lot=target, by=by)
    done = _("%(building)s moved to %(lot)s.") % {"building": building.address, "lot": target.code}
    return _act(request, lot, action, done)


@login_required
@require_POST
def program_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """A council edits an item of a draft or proposed program."""
    lot = selectors.lot_for(request.user, pk)
    item = get_object_or_404(ProgramItem.objects.select_related("lot"), pk=item_pk, lot=lot)
    form = ProgramItemForm(request.POST)
    if not form.is_valid():
        return _invalid(request, lot, form)
    action = partial(
        program_item_update,
        item=item,
        year=form.cleaned_data["year"],
        cost_tiyin=form.cleaned_data["cost_som"] * TIYIN_PER_SOM,
        by=cast(User, request.user),
    )
    return _act(request, lot, action, _("The program was updated."))


@login_required
@require_POST
def program_amend(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Propose an amendment of an item of an approved program."""
    lot = selectors.lot_for(request.user, pk)
    item = get_object_or_404(ProgramItem.objects.select_related("lot"), pk=item_pk, lot=lot)
    form = AmendmentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, lot, form)
    action = partial(
        program_amendment_propose,
        item=item,
        year=form.cleaned_data["year"],
        cost_tiyin=form.cleaned_data["cost_som"] * TIYIN_PER_SOM,
        reason=form.cleaned_data["reason"],
        by=cast(User, request.user),
    )
    return _act(
        request, lot, action, _("The amendment was proposed; every council of the lot decides.")
    )


@login_required
@require_POST
def amendment_decide(request: HttpRequest, pk: int, amendment_pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    amendment = get_object_or_404(ProgramAmendment, pk=amendment_pk, lot=lot)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, lot, form)
    action = partial(
        program_amendment_decide,
        amendment=amendment,
        by=cast(User, request.user),
        approve=form.cleaned_data["decision"] == "approve",
        comment=form.cleaned_data["comment"],
    )
    return _act(request, lot, action, _("Your council's decision was recorded."))
