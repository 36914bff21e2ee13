"""Lot pages: the list, the council's work list, the lot page and the council's actions."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import Action, can
from buildings.models import Building
from lots import selectors
from lots.forms import DecisionForm, MoveForm, ProgramItemForm
from lots.models import Lot, LotStatus, ProgramItem
from lots.program import is_feasible, program_totals
from lots.services import (
    LotError,
    lot_building_move,
    lot_decide,
    lot_propose,
    program_item_update,
)
from mening_uyim.lib.money import TIYIN_PER_SOM


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


@login_required
def lot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    buildings = selectors.lot_buildings(lot)
    totals = program_totals(lot)
    user = request.user
    district = selectors.district_of(user)
    movable: list[Building] = []
    targets: list[Lot] = []
    if district and lot.status == LotStatus.DRAFT and can(user, Action.DECIDE_LOT, lot):
        movable = [b for b in buildings if b.district_id == district.pk]
        targets = [t for t in selectors.draft_lots_of_district(district.pk) if t.pk != lot.pk]
    context = {
        "lot": lot,
        "buildings": buildings,
        "stats": selectors.lot_stats(buildings),
        "program": selectors.lot_program(lot),
        "totals": totals,
        "feasible": is_feasible(totals),
        "history": lot.history.select_related("by").order_by("at", "id"),
        "can_decide": can(user, Action.DECIDE_LOT, lot),
        "can_edit_program": can(user, Action.EDIT_LOT_PROGRAM, lot),
        "movable": movable,
        "targets": targets,
        "decision_form": DecisionForm(),
        "points": [[b.pk, round(b.lat, 5), round(b.lon, 5), b.classification] for b in buildings],
    }
    return render(request, "lots/lot_detail.html", context)


def _fail(request: HttpRequest, lot: Lot, message: str) -> HttpResponse:
    messages.error(request, message)
    response = redirect("lots:detail", lot.pk)
    response.status_code = 303
    return response


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    try:
        lot_propose(lot=lot, by=cast(User, request.user), comment=request.POST.get("comment", ""))
    except LotError as exc:
        return _fail(request, lot, exc.message)
    messages.success(request, _("The lot was proposed for approval."))
    return redirect("lots:detail", lot.pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _fail(request, lot, " ".join(str(e) for errs in form.errors.values() for e in errs))
    try:
        lot_decide(
            lot=lot,
            by=cast(User, request.user),
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except LotError as exc:
        return _fail(request, lot, exc.message)
    messages.success(request, _("Your council's decision was recorded."))
    return redirect("lots:detail", lot.pk)


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
    try:
        lot_building_move(building=building, to_lot=target, by=cast(User, request.user))
    except LotError as exc:
        return _fail(request, lot, exc.message)
    messages.success(
        request,
        _("%(building)s moved to %(lot)s.") % {"building": building.address, "lot": target.code},
    )
    return redirect("lots:detail", lot.pk)


@login_required
@require_POST
def program_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    lot = selectors.lot_for(request.user, pk)
    item = get_object_or_404(ProgramItem.objects.select_related("lot"), pk=item_pk, lot=lot)
    form = ProgramItemForm(request.POST)
    if not form.is_valid():
        return _fail(request, lot, " ".join(str(e) for errs in form.errors.values() for e in errs))
    try:
        program_item_update(
            item=item,
            year=form.cleaned_data["year"],
            cost_tiyin=form.cleaned_data["cost_som"] * TIYIN_PER_SOM,
            by=cast(User, request.user),
        )
    except LotError as exc:
        return _fail(request, lot, exc.message)
    messages.success(request, _("The program was updated."))
    return redirect("lots:detail", lot.pk)
