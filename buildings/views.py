"""Registry pages: my apartments, the building page, the building list and the map."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from buildings import selectors
from buildings.charts import Reference, consumption_figures, number_text, wear_bars
from buildings.classification import classify, policy_current, tenths
from buildings.filters import MSG_IGNORED, registry_filter_parse
from buildings.models import ELEMENT_LABELS, ELEMENTS, STRUCTURAL, Classification


@login_required
def my_apartments(request: HttpRequest) -> HttpResponse:
    apartments = selectors.my_apartments(request.user)
    return render(request, "buildings/my_apartments.html", {"apartments": apartments})


def _element_band(element: str, value: Any, policy: Any) -> str:
    if value is None:
        return "unassessed"
    wear = tenths(value)  # the classification's own reading of a wear value
    if element in STRUCTURAL and wear > policy.red_structural:
        return "red"
    if wear > policy.yellow_element:
        return "yellow"
    return "green"


@require_GET
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public facts to everyone; owners and account numbers only to those with a right."""
    building = selectors.building_page(pk)
    policy = policy_current()
    assessments = selectors.building_assessments(building)
    history = [
        (
            a,
            classify(
                a.wear(), emergency=a.emergency, has_elevator=building.has_elevator, policy=policy
            ),
        )
        for a in assessments
    ]
    latest = assessments[0] if assessments else None
    wear_chart = None
    # One figure for the text and the chart: the building's overall wear (its latest
    # assessment's weighted mean), and the element threshold of the policy in force.
    overall = building.overall_wear
    if overall is None and history:
        overall = history[0][1].overall_wear
    threshold = Decimal(policy.yellow_element) / 10
    if latest is not None:
        rows = [
            (
                str(ELEMENT_LABELS[e]),
                getattr(latest, e),
                _element_band(e, getattr(latest, e), policy),
            )
            for e in ELEMENTS
            if building.has_elevator or e != "elevators"
        ]
        wear_chart = wear_bars(
            rows,
            title=_("Wear by element, %"),
            overall=(
                Reference(_("Overall wear (weighted mean)"), overall)
                if overall is not None
                else None
            ),
            threshold=Reference(
                _("an element above this line makes the building at least yellow"), threshold
            ),
        )
    consumption = consumption_figures(selectors.building_consumption(building))
    context = {
        "building": building,
        "history": history,
        "latest": latest,
        "wear_chart": wear_chart,
        "overall_wear": number_text(overall) if overall is not None else "—",
        "wear_threshold": number_text(threshold),
        "consumption": consumption,
        "consumption_charts": consumption.charts,
        "apartments": selectors.building_apartments_private(request.user, building),
        "mine": [a for a in selectors.my_apartments(request.user) if a.building_id == building.pk],
    }
    return render(request, "buildings/building_detail.html", context)


@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    filters = registry_filter_parse(request.GET)
    for error in filters.errors.values():  # a bad filter is ignored, and the page says so
        messages.warning(request, f"{error} {MSG_IGNORED}")
    qs = selectors.buildings_filtered(filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    region = filters.region_code or (str(filters.region_id) if filters.region_id else "")
    context = {
        "page": page,
        "regions": selectors.regions_with_districts(),
        "selected": {
            "region": region,
            "district": str(filters.district_id or ""),
            "class": filters.klass or "",
        },
        "classes": Classification.choices,
    }
    partial = request.headers.get("HX-Request") == "true"  # htmx swaps only the rows
    template = "buildings/_building_rows.html" if partial else "buildings/building_list.html"
    return render(request, template, context)


@require_GET
def building_map(request: HttpRequest) -> HttpResponse:
    context = {
        "regions": selectors.regions_with_districts(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "region": str(request.GET.get("region", "UZ-TK"))[:20],
        "district": str(request.GET.get("district", ""))[:20],
    }
    return render(request, "buildings/map.html", context)


@require_GET
@cache_control(public=True, max_age=300)
def map_points(request: HttpRequest) -> JsonResponse:
    filters = registry_filter_parse(request.GET)
    if filters.errors:
        return JsonResponse({"errors": filters.errors}, status=400)
    points = selectors.map_points(filters)
    return JsonResponse({"fields": ["id", "lat", "lon", "class"], "points": points})
