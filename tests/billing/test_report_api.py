"""The quarterly reports API (issue 11, point 5): the MC's integration opens a draft,
sets its expenses, adds its works (with a document), submits it and corrects it with a
new version; the readers read it. Every write is a billing.reports service: a refusal is
a 400 naming the reason (translated) with nothing written, a submitted report is changed
by no request. Who may call what is the matrix's (tests/billing/test_api_access.py).

The world is tests.billing.revenue_world's lot UZ-TK-960 of the personas' MC, with this
quarter's report submitted and the draft of its correction (tests.billing.report_world).
The quarters filed here are of 2026 (started, whatever day the suite runs); the future
one is computed from today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from billing.documents import MSG_TYPE
from billing.models import MAX_TIYIN, QuarterlyReport, ReportExpense, ReportWork, RevenueKind
from billing.report_api import MSG_AMOUNT_TYPE, MSG_QUARTER_FORMAT
from billing.reports import (
    MSG_AMOUNT_RANGE,
    MSG_BAD_CATEGORY,
    MSG_DONE_NEEDS_DOCUMENT,
    MSG_FUTURE_QUARTER,
    MSG_ITEM_ELSEWHERE,
    MSG_ITEM_OR_UNPLANNED,
    MSG_MAY_NOT_FILE,
    MSG_NOT_A_QUARTER,
    MSG_SUBMITTED,
    TASHKENT,
    next_quarter,
    previous_quarter,
    quarter_of,
    quarter_text,
    report_draft,
)
from buildings.models import ELEMENTS, Building
from core.money import format_som
from lots.models import Lot, ProgramItem
from mening_uyim.demo import DEMO_A, Cast
from tests.access import snapshot
from tests.billing.report_world import tk_draft, tk_submitted
from tests.billing.revenue_world import PDF, PNG, pdf, sa_lot, tk_lot

pytestmark = pytest.mark.django_db
Q2 = dt.date(2026, 4, 1)


def api(user: User | None = None, language: str | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    if language is not None:
        client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    return client


def token_api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def in_language(message: Any, language: str) -> str:
    with translation.override(language):
        return str(message)


def stored(path: str = "reports") -> list[str]:
    """Every file under ``path`` of the (in-memory) storage: where work documents go."""
    if not default_storage.exists(path):
        return []
    folders, files = default_storage.listdir(path)
    found = [f"{path}/{name}" for name in files]
    for folder in folders:
        found.extend(stored(f"{path}/{folder}"))
    return found


def item_of(lot: Lot, cost: int = 5_000_000_00) -> ProgramItem:
    return ProgramItem.objects.create(
        lot=lot,
        building=Building.objects.get(cadastral_number=DEMO_A),
        year=1,
        element=ELEMENTS[0],
        work="Tomni almashtirish",
        cost_tiyin=cost,
    )


def png(name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def draft_of(c: Cast, quarter: dt.date = Q2) -> QuarterlyReport:
    return report_draft(lot=tk_lot(c), quarter=quarter, by=c.users["mc_director"])


# --- the flow ----------------------------------------------------------------------------------


def test_the_mcs_integration_files_a_report_with_its_token(cast: Cast) -> None:
    lot = tk_lot(cast)
    item = item_of(lot)
    client = token_api(cast.users["mc_director"])

    opened = client.post("/api/v1/reports/", {"lot": lot.pk, "quarter": "2026-04-01"}, "json")
    assert opened.status_code == 201, opened.json()
    report = opened.json()
    assert (report["lot"], report["quarter"], report["version"], report["status"]) == (
        {"id": lot.pk, "code": "UZ-TK-960"},
        "2026-04-01",
        1,
        "draft",
    )
    assert (report["supersedes"], report["submitted_at"], report["expenses"]) == (None, None, [])
    assert report["deadline"].startswith("2026-06-30T23:59:59")
    again = client.post("/api/v1/reports/", {"lot": lot.pk, "quarter": "2026-04-01"}, "json")
    assert (again.status_code, again.json()["id"]) == (200, report["id"])  # the open draft
    url = f"/api/v1/reports/{report['id']}/"

    expenses = client.patch(url, {"expenses": {"repairs": 1_200_000, "salaries": 0}}, "json")
    assert expenses.status_code == 200, expenses.json()
    assert expenses.json()["expenses"] == [
        {"category": "repairs", "amount_tiyin": 1_200_000, "amount_som": format_som(1_200_000)},
        {"category": "salaries", "amount_tiyin": 0, "amount_som": format_som(0)},
    ]
    replaced = client.patch(url, {"expenses": {"repairs": 1_500_000}}, "json")
    assert replaced.json()["totals"]["expenses_tiyin"] == 1_500_000

    planned = client.post(
        f"{url}works/",
        {
            "description": "Yoʻlakni boʻyash",
            "status": "planned",
            "cost_tiyin": 0,
            "unplanned": True,
        },
        "json",
    )
    assert planned.status_code == 201, planned.json()
    assert (planned.json()["item"], planned.json()["document_url"]) == (None, None)
    done = client.post(
        f"{url}works/",
        {
            "description": "Tom almashtirildi",
            "status": "done",
            "cost_tiyin": "4800000000",  # a form has only text: digits are an amount there
            "item": str(item.pk),
            "document": pdf(),
        },
        format="multipart",
    )
    assert done.status_code == 201, done.json()
    work = done.json()
    assert work["item"]["id"] == item.pk
    assert (work["status"], work["cost_tiyin"], work["unplanned"]) == ("done", 48_000_000_00, False)
    assert work["document_url"].endswith(f"/billing/reports/works/{work['id']}/document/")
    photo = client.post(
        f"{url}works/",
        {"description": "Foto", "status": "done", "cost_tiyin": "1", "unplanned": "true"},
        format="multipart",
    )
    assert photo.status_code == 400  # done work needs its document or photo
    photo = client.post(
        f"{url}works/",
        {
            "description": "Foto",
            "status": "done",
            "cost_tiyin": "1",
            "unplanned": "true",
            "document": png(),
        },
        format="multipart",
    )
    assert photo.status_code == 201, photo.json()
    assert ReportWork.objects.get(pk=photo.json()["id"]).document.name.endswith(".png")

    detail = client.get(url).json()
    assert [w["description"] for w in detail["works"]] == [
        "Yoʻlakni boʻyash",
        "Tom almashtirildi",
        "Foto",
    ]
    assert detail["totals"]["works_tiyin"] == 48_000_000_01
    assert (detail["totals"]["program_items"], detail["totals"]["program_done"]) == (1, 1)
    assert detail["totals"]["program_percent"] == 100
    assert detail["income"]["collected_tiyin"] == 0

    submitted = client.post(f"{url}submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    stored_report = QuarterlyReport.objects.get(pk=report["id"])
    assert stored_report.income is not None
    assert submitted.json()["income"]["accrued_tiyin"] == stored_report.income["accrued_tiyin"]


def test_a_correction_is_version_two_and_the_versions_list_both(cast: Cast) -> None:
    first = tk_submitted(cast)
    director = api(cast.users["mc_director"])
    corrected = director.post(
        "/api/v1/reports/", {"lot": first.lot_id, "quarter": first.quarter.isoformat()}, "json"
    )
    assert corrected.status_code == 201
    second = corrected.json()
    assert (second["version"], second["supersedes"], second["status"]) == (2, first.pk, "draft")
    versions = director.get(f"/api/v1/reports/{first.pk}/versions/").json()["results"]
    assert [(v["version"], v["status"]) for v in versions] == [(2, "draft"), (1, "submitted")]
    # the draft is the MC's working material: its readers see the submitted version only
    for key in ("owner", "mc_dispatcher", "council", "inspector"):
        seen = api(cast.users[key]).get(f"/api/v1/reports/{first.pk}/versions/").json()
        assert [v["id"] for v in seen["results"]] == [first.pk], key
        assert api(cast.users[key]).get(f"/api/v1/reports/{second['id']}/").status_code == 404
    director.post(f"/api/v1/reports/{second['id']}/submit/")
    seen = api(cast.users["owner"]).get(f"/api/v1/reports/{first.pk}/versions/").json()
    assert [v["version"] for v in seen["results"]] == [2, 1]


def test_the_submitted_report_reads_its_frozen_figures(cast: Cast) -> None:
    report = tk_submitted(cast)
    answer = api(cast.users["neighbour"]).get(f"/api/v1/reports/{report.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["version"], body["quarter_name"]) == (
        "submitted",
        1,
        quarter_text(report.quarter),
    )
    assert body["expenses"] == [
        {
            "category": "repairs",
            "amount_tiyin": 3_000_000_00,
            "amount_som": format_som(3_000_000_00),
        }
    ]
    (work,) = body["works"]
    assert (work["unplanned"], work["status"], work["cost_tiyin"]) == (True, "done", 2_500_000_00)
    assert work["document_url"].startswith("http://testserver/billing/reports/works/")
    assert body["income"] == {
        "accrued_tiyin": 0,
        "accrued_som": format_som(0),
        "collected_tiyin": 0,
        "collected_som": format_som(0),
        "revenue_tiyin": 0,
        "revenue_som": format_som(0),
        "lease_tiyin": 0,
        "lease_som": format_som(0),
        "revenue_by_kind": dict.fromkeys(RevenueKind.values, 0),
    }
    assert body["totals"]["balance_tiyin"] == -3_000_000_00


def test_the_list_is_what_the_login_reads_filtered_by_lot_and_quarter(cast: Cast) -> None:
    submitted, draft = tk_submitted(cast), tk_draft(cast)
    director = api(cast.users["mc_director"])
    listed = director.get("/api/v1/reports/").json()
    assert [r["id"] for r in listed["results"]] == [draft.pk, submitted.pk]  # newest first
    assert listed["count"] == 2
    quarter = submitted.quarter.isoformat()
    by_quarter = director.get(f"/api/v1/reports/?lot={submitted.lot_id}&quarter={quarter}")
    assert [r["id"] for r in by_quarter.json()["results"]] == [draft.pk, submitted.pk]
    earlier = previous_quarter(submitted.quarter).isoformat()
    assert director.get(f"/api/v1/reports/?quarter={earlier}").json()["results"] == []
    assert director.get("/api/v1/reports/?lot=999999").json()["results"] == []
    owner = api(cast.users["owner"]).get("/api/v1/reports/").json()
    assert [r["id"] for r in owner["results"]] == [submitted.pk]
    for key in ("outsider", "rival_mc", "other_council", "other_inspector"):
        assert api(cast.users[key]).get("/api/v1/reports/").json()["results"] == [], key


@pytest.mark.parametrize(
    ("query", "field"),
    [("quarter=2026-Q3", "quarter"), ("quarter=01.07.2026", "quarter"), ("lot=x", "lot")],
)
def test_a_bad_filter_is_refused(cast: Cast, query: str, field: str) -> None:
    answer = api(cast.users["owner"], "ru").get(f"/api/v1/reports/?{query}")
    assert answer.status_code == 400
    assert field in answer.json()
    if field == "quarter":
        assert answer.json()["quarter"] == [in_language(MSG_QUARTER_FORMAT, "ru")]


def test_the_list_takes_the_same_queries_however_many_reports(cast: Cast) -> None:
    tk_submitted(cast)
    director = api(cast.users["mc_director"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert director.get("/api/v1/reports/").status_code == 200
        return len(queries)

    few = count()
    for quarter in (dt.date(2026, 1, 1), Q2, dt.date(2026, 7, 1)):
        draft_of(cast, quarter)
    assert count() == few


# --- refusals: nothing written -----------------------------------------------------------------


def test_a_future_quarter_is_refused_in_the_callers_language(cast: Cast) -> None:
    lot = tk_lot(cast)
    future = next_quarter(quarter_of(timezone.localtime(timezone.now(), TASHKENT).date()))
    before = snapshot()
    answer = api(cast.users["mc_director"], "ru").post(
        "/api/v1/reports/", {"lot": lot.pk, "quarter": future.isoformat()}, "json"
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": in_language(MSG_FUTURE_QUARTER, "ru")}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"quarter": "2026-10-02"}, {"detail": MSG_NOT_A_QUARTER}),
        ({"quarter": "2026-Q4"}, {"quarter": [MSG_QUARTER_FORMAT]}),
        ({"lot": "UZ-TK-960"}, None),
        ({"lot": True}, None),
    ],
)
def test_a_bad_draft_request_is_refused(cast: Cast, body: dict[str, Any], errors: Any) -> None:
    lot = tk_lot(cast)
    before = snapshot()
    answer = api(cast.users["mc_director"]).post(
        "/api/v1/reports/", {"lot": lot.pk, "quarter": "2026-10-01", **body}, "json"
    )
    assert answer.status_code == 400
    if errors is not None:
        assert answer.json() == {
            key: [str(m) for m in value] if isinstance(value, list) else str(value)
            for key, value in errors.items()
        }
    else:
        assert "lot" in answer.json()
    assert snapshot() == before


def test_a_lot_the_mc_does_not_manage_is_refused(cast: Cast) -> None:
    tk, sa = tk_lot(cast), sa_lot(cast)  # the rival files its own lot, not this one
    before = snapshot()
    for key, lot in (("rival_mc", tk), ("mc_director", sa)):
        answer = api(cast.users[key]).post(
            "/api/v1/reports/", {"lot": lot.pk, "quarter": "2026-07-01"}, "json"
        )
        assert answer.status_code == 400, key
        assert answer.json() == {"lot": [str(MSG_MAY_NOT_FILE)]}
    # who files no lot at all (another of the MC's staff, an owner, an inspector): 404
    for key in ("mc_dispatcher", "owner", "other_inspector", "council"):
        answer = api(cast.users[key]).post(
            "/api/v1/reports/", {"lot": tk.pk, "quarter": "2026-07-01"}, "json"
        )
        assert answer.status_code == 404, key
    assert snapshot() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-1, MSG_AMOUNT_RANGE),
        (MAX_TIYIN + 1, MSG_AMOUNT_RANGE),
        (10**30, MSG_AMOUNT_RANGE),
        ("100", MSG_AMOUNT_TYPE),
        (True, MSG_AMOUNT_TYPE),
        (False, MSG_AMOUNT_TYPE),
        (1.5, MSG_AMOUNT_TYPE),
        (100.0, MSG_AMOUNT_TYPE),
        (None, None),  # DRF's own (translated) "may not be null"
        ([100], MSG_AMOUNT_TYPE),
    ],
)
def test_a_bad_expense_writes_no_expense_at_all(cast: Cast, amount: Any, message: Any) -> None:
    draft = draft_of(cast)
    before = snapshot()
    answer = api(cast.users["mc_director"], "uz").patch(
        f"/api/v1/reports/{draft.pk}/",
        {"expenses": {"maintenance": 100, "repairs": amount}},
        "json",
    )
    assert answer.status_code == 400
    if message is not None:
        expected = message % {"max": MAX_TIYIN} if message is MSG_AMOUNT_RANGE else message
        assert answer.json() == {"expenses": {"repairs": [in_language(expected, "uz")]}}
    assert set(answer.json()["expenses"]) == {"repairs"}
    assert snapshot() == before
    assert not ReportExpense.objects.exists()


def test_the_largest_amount_is_10_to_the_15_tiyin(cast: Cast) -> None:
    draft = draft_of(cast)
    answer = api(cast.users["mc_director"]).patch(
        f"/api/v1/reports/{draft.pk}/", {"expenses": {"other": MAX_TIYIN}}, "json"
    )
    assert answer.status_code == 200
    assert ReportExpense.objects.get(report=draft).amount_tiyin == 10**15


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"expenses": {"bribes": 100, "repairs": 100}},
            {"expenses": {"bribes": [MSG_BAD_CATEGORY]}},
        ),
        ({"expenses": {}}, None),
        ({"expenses": [100]}, None),
        ({"expenses": "repairs=100"}, None),
        ({}, None),
    ],
)
def test_bad_expenses_are_refused(cast: Cast, body: dict[str, Any], errors: Any) -> None:
    draft = draft_of(cast)
    before = snapshot()
    answer = api(cast.users["mc_director"]).patch(f"/api/v1/reports/{draft.pk}/", body, "json")
    assert answer.status_code == 400
    if errors is not None:
        assert answer.json() == {"expenses": {"bribes": [str(MSG_BAD_CATEGORY)]}}
    else:
        assert "expenses" in answer.json()
    assert snapshot() == before


def test_expenses_are_sent_as_json(cast: Cast) -> None:
    draft = draft_of(cast)
    answer = api(cast.users["mc_director"]).patch(
        f"/api/v1/reports/{draft.pk}/", {"expenses": "x"}, format="multipart"
    )
    assert answer.status_code == 415
    assert not ReportExpense.objects.exists()


WORK = {
    "description": "Yoʻlakni boʻyash",
    "status": "planned",
    "cost_tiyin": 100,
    "unplanned": True,
}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"cost_tiyin": -1}, "cost_tiyin", MSG_AMOUNT_RANGE),
        ({"cost_tiyin": MAX_TIYIN + 1}, "cost_tiyin", MSG_AMOUNT_RANGE),
        ({"cost_tiyin": "100"}, "cost_tiyin", MSG_AMOUNT_TYPE),
        ({"cost_tiyin": True}, "cost_tiyin", MSG_AMOUNT_TYPE),
        ({"status": "finished"}, "status", None),
        ({"description": ""}, "description", None),
        ({"status": "done"}, "detail", MSG_DONE_NEEDS_DOCUMENT),
        ({"unplanned": False}, "detail", MSG_ITEM_OR_UNPLANNED),
        ({"description": "   "}, "description", None),
    ],
)
def test_a_bad_work_is_refused_and_nothing_is_written(
    cast: Cast, change: dict[str, Any], field: str, message: Any
) -> None:
    draft = draft_of(cast)
    before = snapshot()
    answer = api(cast.users["mc_director"]).post(
        f"/api/v1/reports/{draft.pk}/works/", {**WORK, **change}, "json"
    )
    assert answer.status_code == 400, answer.json()
    assert field in answer.json()
    if message is not None:
        text = str(message % {"max": MAX_TIYIN} if message is MSG_AMOUNT_RANGE else message)
        found = answer.json()[field]
        assert found == (text if field == "detail" else [text])
    assert snapshot() == before


def test_a_work_names_an_item_of_its_own_lot(cast: Cast) -> None:
    draft = draft_of(cast)
    elsewhere = item_of(sa_lot(cast))
    mine = item_of(draft.lot)
    before = snapshot()
    director = api(cast.users["mc_director"])
    for item in (elsewhere.pk, 999_999):
        answer = director.post(
            f"/api/v1/reports/{draft.pk}/works/",
            {**WORK, "unplanned": False, "item": item},
            "json",
        )
        assert answer.status_code == 400
        assert answer.json() == {"item": [str(MSG_ITEM_ELSEWHERE)]}
    both = director.post(f"/api/v1/reports/{draft.pk}/works/", {**WORK, "item": mine.pk}, "json")
    assert both.json() == {"detail": str(MSG_ITEM_OR_UNPLANNED)}
    assert snapshot() == before


@pytest.mark.parametrize(
    "document",
    [
        SimpleUploadedFile("act.pdf", b"not a pdf at all", content_type="application/pdf"),
        SimpleUploadedFile("act.exe", PDF, content_type="application/octet-stream"),
        SimpleUploadedFile("act.pdf", b"", content_type="application/pdf"),
    ],
    ids=["not-a-pdf", "bad-extension", "empty"],
)
def test_a_bad_document_is_refused_and_not_stored(cast: Cast, document: Any) -> None:
    draft = draft_of(cast)
    before = snapshot()
    answer = api(cast.users["mc_director"]).post(
        f"/api/v1/reports/{draft.pk}/works/",
        {**WORK, "status": "done", "unplanned": "true", "document": document},
        format="multipart",
    )
    assert answer.status_code == 400
    assert "document" in answer.json()
    if document.name == "act.exe":
        assert answer.json()["document"] == [str(MSG_TYPE)]
    assert snapshot() == before
    assert stored() == []


# --- a submitted report is changed by no request -----------------------------------------------


def _submitted_state(report: QuarterlyReport) -> tuple[Any, ...]:
    report.refresh_from_db()
    return (
        report.status,
        report.submitted_at,
        report.income,
        list(report.expenses.values_list("category", "amount_tiyin")),
        list(report.works.values_list("description", "status", "cost_tiyin", "document")),
    )


@pytest.mark.parametrize(
    ("tail", "method", "body"),
    [
        ("", "patch", {"expenses": {"repairs": 1, "other": 5}}),
        ("works/", "post", WORK),
        ("submit/", "post", {}),
    ],
    ids=["expenses", "work", "submit"],
)
def test_the_api_changes_no_submitted_report(
    cast: Cast, tail: str, method: str, body: dict[str, Any]
) -> None:
    report = tk_submitted(cast)
    state = _submitted_state(report)
    before = snapshot()
    url = f"/api/v1/reports/{report.pk}/{tail}"
    filer = getattr(api(cast.users["mc_director"], "ru"), method)(url, body, "json")
    assert filer.status_code == 400
    assert filer.json() == {"detail": in_language(MSG_SUBMITTED, "ru")}
    # who reads it but does not file it: forbidden; who does not read it: not found
    for key in ("mc_dispatcher", "owner", "co_owner", "neighbour", "council", "inspector"):
        answer = getattr(api(cast.users[key]), method)(url, body, "json")
        assert answer.status_code == 403, key
        assert answer.json() == {"detail": str(MSG_MAY_NOT_FILE)}
    for key in ("outsider", "rival_mc", "other_council", "other_inspector"):
        assert getattr(api(cast.users[key]), method)(url, body, "json").status_code == 404, key
    assert getattr(api(), method)(url, body, "json").status_code == 401
    assert snapshot() == before
    assert _submitted_state(report) == state


def test_a_rival_an_owner_or_another_inspector_reach_no_draft(cast: Cast) -> None:
    draft = draft_of(cast)
    before = snapshot()
    for key in ("rival_mc", "owner", "other_inspector", "mc_dispatcher", "inspector"):
        client = api(cast.users[key])
        assert client.get(f"/api/v1/reports/{draft.pk}/").status_code == 404, key
        patched = client.patch(
            f"/api/v1/reports/{draft.pk}/", {"expenses": {"repairs": 100}}, "json"
        )
        assert patched.status_code == 404, key
        assert client.post(f"/api/v1/reports/{draft.pk}/works/", WORK, "json").status_code == 404
        assert client.post(f"/api/v1/reports/{draft.pk}/submit/").status_code == 404, key
    assert snapshot() == before
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- OpenAPI -----------------------------------------------------------------------------------


def test_openapi_describes_the_reports_endpoints(client: Any) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/reports/": {"get", "post"},
        "/api/v1/reports/{id}/": {"get", "patch"},
        "/api/v1/reports/{id}/works/": {"post"},
        "/api/v1/reports/{id}/submit/": {"post"},
        "/api/v1/reports/{id}/versions/": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) - {"parameters"} == methods, path
    listing = {p["name"] for p in paths["/api/v1/reports/"]["get"]["parameters"]}
    assert {"lot", "quarter", "page"} <= listing
    works = paths["/api/v1/reports/{id}/works/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(works)
    schemas = schema["components"]["schemas"]
    detail = schemas["ReportDetailOut"]["properties"]
    assert {"income", "totals", "expenses", "works", "version", "status", "supersedes"} <= set(
        detail
    )
    assert schemas["WorkIn"]["properties"]["cost_tiyin"]["maximum"] == MAX_TIYIN
    for path in ("/api/v1/reports/{id}/", "/api/v1/reports/{id}/submit/"):
        refusals = set(paths[path]["post" if "submit" in path else "patch"]["responses"])
        assert {"400", "403"} <= refusals
