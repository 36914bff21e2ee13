from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from buildings.selectors import council_district_for


@login_required
def council(request: HttpRequest) -> HttpResponse:
    """A council member's work list (lots to approve arrive with the lots issue)."""
    district = council_district_for(request.user)
    return render(request, "buildings/council.html", {"district": district})
