"""Registry pages: my apartments, the building page, the building list and the map."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from buildings import selectors
from buildings.charts import Reference, consumption_figures, number_text, wear_bars
from buildings.classification import classify, policy_current, tenths
from buildings.filters import (
    MSG_IGNORED,
    Q_MAX,
    RegistryFilter,
    bad_id,
    registry_filter_parse,
)
from buildings.models import ELEMENT_LABELS, ELEMENTS, STRUCTURAL, Building, Classification
from buildings.owner_pages import owner_page
from buildings.selectors import RegistryChoices
from core.stamps import page_key


@login_required
@owner_page("my-apartments")
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


def _registry_form(
    request: HttpRequest, params: Mapping[str, Any] | None = None
) -> tuple[RegistryFilter, RegistryChoices, list[str]]:
    """The registry's filters as the pages read them, with what the form offers.

    A bad filter is ignored, and the page says so (buildings.filters); so is a region that
    does not exist. A district that is not in the chosen region is ignored too: **the
    region takes precedence**, because the district select only offers the region's
    districts, so such a district comes from a region changed without JavaScript or from
    an edited URL. A search that is too long is not ignored: the caller refuses the page
    (400) rather than show every building as if it matched.
    """
    filters = registry_filter_parse(request.GET if params is None else params)
    notices = [
        error if key == "q" else f"{error} {MSG_IGNORED}" for key, error in filters.errors.items()
    ]
    choices = selectors.registry_choices(filters)
    if filters.region_chosen and choices.region is None:
        notices.append(
            f"{bad_id(filters.region_code or str(filters.region_id), 'region')} {MSG_IGNORED}"
        )
        filters.region_code = filters.region_id = None
    mismatch = selectors.district_mismatch(filters, choices)
    if mismatch:
        notices.append(f"{mismatch} {MSG_IGNORED}")
        filters.district_id = None
    return filters, choices, notices


def _selected(filters: RegistryFilter, choices: RegistryChoices) -> dict[str, str]:
    return {
        "region": choices.region.code if choices.region is not None else "",
        "district": str(filters.district_id or ""),
        "class": filters.klass or "",
        "q": filters.q,
    }


@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    """The public registry, filtered and searched (``q``: address or cadastral number)."""
    filters, choices, notices = _registry_form(request)
    refused = "q" in filters.errors
    selected = _selected(filters, choices)
    query = urlencode({k: v for k, v in selected.items() if v}) + "&"

    def rows() -> str:
        qs = selectors.registry_rows(filters) if not refused else Building.objects.none()
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render_to_string(
            "buildings/_building_rows.html", {"page": page, "notices": notices, "query": query}
        )

    # the rows are the same for every visitor: cached per query string and language
    rows_html = mark_safe(selectors.registry_cached("rows", page_key(request), rows))  # noqa: S308  # nosec B308 B703 # our own template's output
    status = 400 if refused else 200
    if request.headers.get("HX-Request") == "true":  # htmx swaps only the rows
        return HttpResponse(rows_html, status=status)
    context = {
        "rows_html": rows_html,
        "regions": choices.regions,
        "districts": choices.districts,
        "region_chosen": choices.region is not None,
        "selected": selected,
        "classes": Classification.choices,
        "q_max": Q_MAX,
    }
    return render(request, "buildings/building_list.html", context, status=status)


@require_GET
def district_options(request: HttpRequest) -> HttpResponse:
    """The district select's <option>s for ``region`` (htmx swaps them in when the region
    changes): only that region's districts; before a region is chosen, a single "choose a
    region first". Public, as the registry is. A malformed region is a 400."""
    filters = registry_filter_parse({"region": request.GET.get("region", "")})
    if filters.errors:
        return HttpResponse(filters.errors["region"], status=400, content_type="text/plain")
    context = {
        "districts": selectors.districts_of_region(filters),
        "region_chosen": filters.region_chosen,
        "selected": "",
    }
    return render(request, "buildings/_district_options.html", context)


@require_GET
def building_map(request: HttpRequest) -> HttpResponse:
    """The map opens where the user works or lives (selectors.map_focus); a region in the
    URL (even an empty one: "all regions") is the user's own choice and wins, and the map
    then fits its points."""
    if "region" in request.GET:
        focus = selectors.MapFocus(str(request.GET["region"])[:20])
    else:
        focus = selectors.map_focus(request.user)
    params = {"region": focus.region, "district": request.GET.get("district", "")}
    filters, choices, notices = _registry_form(request, params)
    context = {
        "regions": choices.regions,
        "districts": choices.districts,
        "region_chosen": choices.region is not None,
        "region": choices.region.code if choices.region is not None else "",
        "district": str(filters.district_id or ""),
        "notices": notices,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "bounds": json.dumps(focus.bounds) if focus.bounds else "",
        "class_labels": dict(Classification.choices),
        "thousand_separator": get_format("THOUSAND_SEPARATOR"),
    }
    return render(request, "buildings/map.html", context)


@require_GET
@cache_control(public=True, max_age=300)
def map_points(request: HttpRequest) -> JsonResponse:
    """Points of the filtered registry; a bad filter, or a district that is not in the
    region, is a 400 (a script asked, not a person)."""
    filters = registry_filter_parse(request.GET)
    if filters.errors:
        return JsonResponse({"errors": filters.errors}, status=400)
    mismatch = selectors.district_mismatch(filters)
    if mismatch:
        return JsonResponse({"errors": {"district": mismatch}}, status=400)
    points = selectors.map_points(filters)
    return JsonResponse({"fields": ["id", "lat", "lon", "class"], "points": points})
