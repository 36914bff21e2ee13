"""Pages of quarterly reports (issue 11): the deadlines and the status of each lot's
reports, a report (its income read from the ledger, its expenses, works, totals and
versions, and for the lot's MC director or accountant the forms that fill and submit it),
its PDF (Uzbek or Russian) and the documents of its works.

Every read is scoped (billing.report_selectors through billing.policies: the lot's
owners and those who see its money read submitted reports; a draft only its MC). Every
write is a billing.reports service; only the director or the accountant of the MC that
manages the lot may send one, anyone else gets 404 with nothing written, and a refusal
(a submitted report, an amount out of range …) is shown on the page with status 400."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import roles_of
from billing import report_selectors as selectors
from billing.models import QuarterlyReport, ReportStatus
from billing.report_forms import ExpensesForm, WorkForm
from billing.reports import (
    ReportError,
    quarter_end_deadline,
    quarter_of,
    quarter_text,
    report_draft,
    report_expense_set,
    report_income_of,
    report_submit,
    report_totals,
    report_work_add,
)
from billing.revenue_selectors import revenue_page_visible
from lots.models import Lot, ProgramItem
from voting.pdf import pdf_response

LANGUAGES = ("uz", "ru")
LOTS_PER_PAGE = 25


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """Each lot's deadlines and reports (the current quarter and the last one) and its
    suspensions: the MC's lots for its staff, a council's, a region's for its inspector."""
    roles = roles_of(request.user)
    if not revenue_page_visible(roles):
        raise Http404
    lots = selectors.deadline_lots(request.user)
    page = Paginator(lots, LOTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.lot_quarters(list(page.object_list))
    open_suspensions = selectors.open_suspensions(list(page.object_list))
    context = {
        "page": page,
        "rows": rows,
        "suspensions": open_suspensions,
        "filable": set(selectors.filable_lots(request.user).values_list("pk", flat=True)),
    }
    return render(request, "billing/reports.html", context)


def _quarter_or_404(text: str) -> dt.date:
    try:
        quarter = selectors.quarter_parse(text)
    except selectors.BadQuarter:
        raise Http404 from None
    return quarter


def _report_context(
    request: HttpRequest, lot: Lot, quarter: dt.date, **forms: Any
) -> dict[str, Any]:
    versions = selectors.quarter_versions(request.user, lot, quarter)
    may_file = selectors.filable_lots(request.user).filter(pk=lot.pk).exists()
    draft = next((r for r in versions if r.status == ReportStatus.DRAFT), None)
    shown = draft or next(iter(versions), None)
    items = list(ProgramItem.objects.filter(lot=lot).select_related("building").order_by("year"))
    context: dict[str, Any] = {
        "lot": lot,
        "quarter": quarter,
        "quarter_name": quarter_text(quarter),
        "slug": selectors.quarter_slug(quarter),
        "deadline": quarter_end_deadline(quarter),
        "versions": versions,
        "report": shown,
        "draft": draft,
        "may_file": may_file,
        "may_start": may_file and draft is None and quarter <= quarter_of(timezone.localdate()),
        "suspensions": selectors.suspensions_of(lot).filter(report_quarter=quarter),
    }
    if shown is not None:
        context["income"] = report_income_of(shown)
        context["totals"] = report_totals(shown)
        context["expenses"] = list(shown.expenses.all())
        context["works"] = list(shown.works.select_related("item", "item__building"))
    if may_file and draft is not None:
        context["expenses_form"] = forms.get("expenses_form") or ExpensesForm(report=draft)
        context["work_form"] = forms.get("work_form") or WorkForm(items=items)
    context["error"] = forms.get("error")
    return context


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int, quarter: str) -> HttpResponse:
    """A lot's report of a quarter (its latest version; the draft for its MC). A POST by
    the lot's MC director or accountant opens the draft (a correction once submitted)."""
    lot = selectors.report_lot_for(request.user, pk)
    start = _quarter_or_404(quarter)
    if request.method == "POST":
        filable = selectors.filable_lots(request.user).filter(pk=lot.pk).first()
        if filable is None:
            raise Http404
        try:
            report_draft(lot=filable, quarter=start, by=request.user)
        except ReportError as exc:
            context = _report_context(request, lot, start, error=exc.message)
            return render(request, "billing/report.html", context, status=400)
        return redirect("billing:report", lot.pk, selectors.quarter_slug(start))
    return render(request, "billing/report.html", _report_context(request, lot, start))


def _filed_report(request: HttpRequest, pk: int) -> QuarterlyReport:
    """A report the login reads and whose lot it files; 404 for anyone else."""
    found = selectors.report_for(request.user, pk)
    if not selectors.filable_lots(request.user).filter(pk=found.lot_id).exists():
        raise Http404
    return found


def _back(found: QuarterlyReport) -> HttpResponse:
    response = redirect("billing:report", found.lot_id, selectors.quarter_slug(found.quarter))
    response.status_code = 303
    return response


def _refused(request: HttpRequest, found: QuarterlyReport, **forms: Any) -> HttpResponse:
    context = _report_context(request, found.lot, found.quarter, **forms)
    return render(request, "billing/report.html", context, status=400)


def _write(
    request: HttpRequest,
    found: QuarterlyReport,
    action: Callable[[], object],
    done: str,
    **forms: Any,
) -> HttpResponse:
    try:
        with transaction.atomic():  # every part or none
            action()
    except ReportError as exc:
        return _refused(request, found, error=exc.message, **forms)
    messages.success(request, done)
    return _back(found)


@login_required
@require_POST
def report_expenses(request: HttpRequest, pk: int) -> HttpResponse:
    found = _filed_report(request, pk)
    form = ExpensesForm(request.POST, report=found)
    if not form.is_valid():
        return _refused(request, found, expenses_form=form)

    def save() -> None:
        for category, amount in form.amounts().items():
            report_expense_set(
                report=found, category=category, amount_tiyin=amount, by=request.user
            )

    return _write(request, found, save, _("The expenses are saved."), expenses_form=form)


@login_required
@require_POST
def report_works(request: HttpRequest, pk: int) -> HttpResponse:
    found = _filed_report(request, pk)
    items = list(ProgramItem.objects.filter(lot_id=found.lot_id).select_related("building"))
    form = WorkForm(request.POST, request.FILES, items=items)
    if not form.is_valid():
        return _refused(request, found, work_form=form)
    data = form.cleaned_data
    item = form.program_item()

    def save() -> None:
        report_work_add(
            report=found,
            description=data["description"],
            status=data["status"],
            cost_tiyin=data["cost"],
            item=item,
            unplanned=item is None,
            document=data["document"],
            by=request.user,
        )

    return _write(request, found, save, _("The work is added."), work_form=form)


@login_required
@require_POST
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    found = _filed_report(request, pk)
    done = _("The report is submitted. It can no longer be changed; a correction is a new version.")
    return _write(request, found, lambda: report_submit(report=found, by=request.user), done)


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as PDF, in Uzbek or Russian: ``?lang=uz|ru``, else the reader's language
    where it is one of them, else Uzbek."""
    found = selectors.report_for(request.user, pk)
    language = request.GET.get("lang")
    if language is not None and language not in LANGUAGES:
        return HttpResponseBadRequest(_("A report is in Uzbek (uz) or Russian (ru)."))
    if language is None:
        current = translation.get_language() or ""
        language = current if current in LANGUAGES else LANGUAGES[0]
    lot = Lot.objects.select_related("manager").get(pk=found.lot_id)
    with translation.override(language):
        context = {
            "report": found,
            "lot": lot,
            "quarter_name": quarter_text(found.quarter),
            "deadline": quarter_end_deadline(found.quarter),
            "income": report_income_of(found),
            "totals": report_totals(found),
            "expenses": list(found.expenses.all()),
            "works": list(found.works.select_related("item", "item__building")),
            "issued_at": timezone.now(),
        }
        name = f"report-{lot.code}-{selectors.quarter_slug(found.quarter)}-v{found.version}.pdf"
        response = pdf_response(request, "billing/report_pdf.html", context, name)
    response["Content-Language"] = language
    return response


@login_required
@require_GET
def report_work_document(request: HttpRequest, pk: int) -> FileResponse:
    """A work's document, to those who read its report; a download, never inline."""
    work = selectors.report_work_for(request.user, pk)
    if not work.document:
        raise Http404
    try:
        handle = work.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(work.document.name))
