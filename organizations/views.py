from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import Action, can
from organizations.selectors import organization_staff_for_user


@login_required
def staff(request: HttpRequest, pk: int) -> HttpResponse:
    company = organization_staff_for_user(request.user, pk)
    context = {
        "company": company,
        "can_manage": can(request.user, Action.MANAGE_ORGANIZATION_STAFF, company),
    }
    return render(request, "organizations/staff.html", context)
