"""Pages of additional revenue and of lease contracts (the MC's lists and forms), of lease
violations and of the MCs' money by month (the inspection's). Every read is scoped
(billing.revenue_selectors, billing.policies); every write is a service (billing.revenue,
billing.leases) whose refusal is shown on the form, with status 400 and nothing written."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import roles_of
from billing import policies
from billing import revenue_selectors as selectors
from billing.leases import (
    lease_record,
    lease_register,
    registration_days,
    registration_deadline,
)
from billing.revenue import revenue_record
from billing.revenue_forms import LeaseForm, MonthForm, RegistrationForm, RevenueForm
from billing.services import BillingError
from buildings.charts import month_bars
from core.money import TIYIN_PER_SOM, currency, format_som
from core.periods import month_start

PAGE = 25


def _page(request: HttpRequest, rows: Any, size: int = PAGE) -> Any:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def _audience(request: HttpRequest) -> None:
    if not selectors.revenue_page_visible(roles_of(request.user)):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def revenue_list(request: HttpRequest) -> HttpResponse:
    """The revenue a login sees (its MC's, its lots', its region's) and, for the staff of
    an MC managing a lot, the form that records one."""
    _audience(request)
    lots = selectors.revenue_lots(request.user)
    can_record = lots.exists()
    form = None
    status = 200
    if can_record:
        posted = request.method == "POST"
        form = RevenueForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            lots=lots,
            leases=selectors.revenue_leases(request.user),
            initial={"received_on": timezone.localdate()},
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                revenue = revenue_record(
                    lot=data["lot"],
                    kind=data["kind"],
                    counterparty=data["counterparty"],
                    counterparty_tin=data["counterparty_tin"],
                    lease=data["lease"],
                    amount_tiyin=data["amount"],
                    received_on=data["received_on"],
                    document=data["document"],
                    note=data["note"],
                    by=request.user,
                )
            except BillingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("The revenue is recorded: ledger transaction #%(n)s.")
                    % {"n": revenue.transaction_id},
                )
                return redirect("billing:revenue")
        status = 400
    roles = roles_of(request.user)
    context = {
        "page": _page(request, selectors.revenue_visible_to(request.user)),
        "form": form,
        "ledger_total": selectors.company_revenue_total(roles.managing_organization_id),
    }
    return render(request, "billing/revenue_list.html", context, status=status)


@login_required
@require_GET
def revenue_document(request: HttpRequest, pk: int) -> FileResponse:
    """The record's document, to those who see the record; a download, never inline."""
    revenue = selectors.revenue_for(request.user, pk)
    try:
        handle = revenue.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=os.path.basename(revenue.document.name)
    )


@login_required
@require_http_methods(["GET", "POST"])
def lease_list(request: HttpRequest) -> HttpResponse:
    """The register of contracts a login sees and, for the staff of an MC managing a lot,
    the form that records one."""
    _audience(request)
    buildings = selectors.lease_buildings(request.user)
    posted = request.POST if request.method == "POST" else None
    form = LeaseForm(posted, buildings=buildings) if buildings.exists() else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                contract = lease_record(
                    building=data["building"],
                    kind=data["kind"],
                    lessee_name=data["lessee_name"],
                    lessee_tin=data["lessee_tin"],
                    object_description=data["object_description"],
                    object_area_m2=data["object_area_m2"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    rent_tiyin=data["rent"] or 0,
                    signed_on=data["signed_on"],
                    decision_uid=data["decision_uid"],
                    by=request.user,
                )
            except BillingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "The contract is recorded. Register it with the tax authority by "
                        "%(date)s and add the registration here."
                    )
                    % {"date": f"{registration_deadline(contract.signed_on):%d.%m.%Y}"},
                )
                return redirect("billing:lease", contract.pk)
        status = 400
    context = {
        "page": _page(request, selectors.leases_visible_to(request.user)),
        "form": form,
        "registration_days": registration_days(),
    }
    return render(request, "billing/lease_list.html", context, status=status)


def _lease_page(
    request: HttpRequest, contract: Any, form: RegistrationForm | None, status: int = 200
) -> HttpResponse:
    roles = roles_of(request.user)
    may_register = not contract.registered and policies.may_register_lease(roles, contract)
    if may_register and form is None:
        form = RegistrationForm()
    context = {
        "contract": contract,
        "deadline": registration_deadline(contract.signed_on),
        "violation": getattr(contract, "violation", None),
        "form": form if may_register else None,
    }
    return render(request, "billing/lease_detail.html", context, status=status)


@login_required
@require_GET
def lease_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _lease_page(request, selectors.lease_for(request.user, pk), None)


@login_required
@require_POST
def lease_registration(request: HttpRequest, pk: int) -> HttpResponse:
    """The tax registration of a contract: 404 to who does not see the contract, 403 to
    who sees it but may not register it."""
    contract = selectors.lease_for(request.user, pk)
    if not policies.may_register_lease(roles_of(request.user), contract):
        raise PermissionDenied
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            lease_register(
                contract=contract,
                number=form.cleaned_data["number"],
                registered_on=form.cleaned_data["registered_on"],
                by=request.user,
            )
        except BillingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The tax registration is recorded."))
            return redirect("billing:lease", contract.pk)
    return _lease_page(request, contract, form, status=400)


@login_required
@require_GET
def violations(request: HttpRequest) -> HttpResponse:
    """Lease contracts unregistered past their deadline, in the inspector's region."""
    if not policies.may_see_violations(roles_of(request.user)):
        raise Http404
    return render(
        request,
        "billing/violations.html",
        {"page": _page(request, selectors.violations_visible_to(request.user))},
    )


def _chart(rows: list[tuple[Any, int, int]], column: int, title: str, colour: str) -> Any:
    """One MC's figure by month (``rows``: the twelve consecutive months of the window,
    oldest first, as dates; never sorted by a label) on an axis in so'm, the currency's
    name in the page's language (core.money.currency). A bar's figure is the table's, to
    the tiyin (format_som), not a rounded one."""
    points = [(row[0], Decimal(row[column]) / TIYIN_PER_SOM) for row in rows]
    return month_bars(
        points,
        title=title,
        unit=currency(),
        colour=colour,
        value_text=lambda som: format_som(int(som * TIYIN_PER_SOM)),
        # Translators: the money axis counted in millions, e.g. "mln soʻm", "млн сум"
        unit_millions=_("mln %(currency)s") % {"currency": currency()},
    )


@login_required
@require_GET
def money_by_month(request: HttpRequest) -> HttpResponse:
    """Each MC's contributions and additional revenue by month, in the inspector's region:
    twelve months up to ``?until=YYYY-MM`` (the current month by default)."""
    if not policies.may_inspect_money(roles_of(request.user)):
        raise Http404
    form = MonthForm(request.GET)
    if not form.is_valid():
        return render(request, "billing/money_by_month.html", {"form": form}, status=400)
    until = form.cleaned_data["until"] or month_start(timezone.localdate())
    periods = selectors.months_until(until)
    page = _page(request, selectors.money_by_month(request.user, periods), 10)
    contributions, revenue = _("Contributions"), _("Additional revenue")
    companies = []
    for figures in page.object_list:
        rows = figures.rows(periods)
        companies.append(
            {
                "company": figures.company,
                "rows": rows,
                "contributions": figures.contributions,
                "revenue": figures.revenue,
                "charts": [
                    (contributions, _chart(rows, 1, contributions, "#1565c0")),
                    (revenue, _chart(rows, 2, revenue, "#2e7d32")),
                ],
            }
        )
    context = {
        "form": form,
        "until": until,
        "periods": periods,
        "page": page,
        "companies": companies,
        "query": f"until={until:%Y-%m}&",
    }
    return render(request, "billing/money_by_month.html", context)
