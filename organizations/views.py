"""Register pages: apply, an application's status, the public register, an MC's staff."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.permissions import roles_of
from core.stamps import cached_under, page_key
from organizations.eligibility import requirements_of
from organizations.forms import ApplicationForm
from organizations.models import REGISTER_STAMP
from organizations.policies import staff_manageable
from organizations.selectors import organization_staff_for_user, public_register
from organizations.services import RegisterError, mc_apply

REGISTER_SECONDS = 600  # bounds the memory of searches; a change renews the stamp


@login_required
def staff(request: HttpRequest, pk: int) -> HttpResponse:
    company = organization_staff_for_user(request.user, pk)
    context = {
        "company": company,
        "can_manage": staff_manageable(roles_of(request.user), company),
        "requirements": requirements_of(company),
    }
    return render(request, "organizations/staff.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    # bound on every POST, an empty one included: it is refused with the form's errors
    form = ApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                mc = mc_apply(user=cast(User, request.user), **form.cleaned_data)
            except RegisterError as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:  # the model's own limits, as form errors
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("Your application was received. The inspection will verify it.")
                )
                return redirect("organizations:staff", mc.pk)
        return render(request, "organizations/apply.html", {"form": form}, status=400)
    return render(request, "organizations/apply.html", {"form": form})


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The public register. Its table is the same for every visitor: cached per query
    string and language under REGISTER_STAMP (organizations.receivers)."""
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")

    def table() -> str:
        page = Paginator(public_register(query=query, status=status), 50).get_page(
            request.GET.get("page")
        )
        context = {"page": page, "q": query, "status": status}
        return render_to_string("organizations/_register_table.html", context)

    html = cached_under([REGISTER_STAMP], f"register:{page_key(request)}", table, REGISTER_SECONDS)
    return render(
        request,
        "organizations/register.html",
        {"table": mark_safe(html), "q": query, "status": status},  # noqa: S308  # nosec B308 B703 # our own template's output
    )
