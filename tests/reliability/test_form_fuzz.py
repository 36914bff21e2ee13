"""Form fuzzing (issue 13): Hypothesis posts arbitrary values to every server-rendered
form, for the form's real field names, as the persona who may use it. Each field is, per
example, a plausible value, junk or missing; junk mixes empty and 10 000-character strings,
Arabic-Indic and superscript digits, control characters (NUL included), emoji, huge and negative
integers, decimals with commas, dates in wrong formats and lists of values for one key.

Covered, with the persona who posts:

- ``account_login`` (anonymous): login, password;
- ``lots:program_item`` (``council``, a draft lot's item) and ``lots:program_amend``
  (``mc_director``, an item of the lot its MC manages): the five-year program;
- ``organizations:apply`` (``outsider``): the MC's application to the register;
- ``voting:ballot`` and ``voting:meeting_ballot`` (``owner``, both in their voting window),
  and ``voting:building_meetings`` (``council`` calls a meeting);
- ``billing:apartment`` (``owner``, GET ``?amount=``): the Pay form of the owner's bill,
  and ``billing:tariffs`` (``council``);
- ``dispatch:home`` (``owner`` files a ticket), ``dispatch:call`` (``mc_dispatcher``),
  ``dispatch:ticket_action`` comment, rate and reopen (``owner``, a resolved ticket),
  ``dispatch:appeals`` (``owner`` files an appeal);
- ``billing:report_expenses``, ``billing:report_works``, ``billing:report_submit``
  (``mc_director``, the draft of a quarterly report).

Asserted for every example: no status of 500 or more; a refusal is a re-render (400, or
200 for a POST), a redirect back with an error message, or 403/404, and then the row count
of every table of the project's apps is unchanged (a GET never writes); any other redirect
is a success, allowed to write. A refusal says why, and its page is Uzbek
(``<html lang="uz">``) with every error translated. Each example runs in a savepoint that
is rolled back, so every example meets the same world. ``FORM_FUZZ_EXAMPLES`` raises the
number of examples (25 by default).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.test.utils import ContextList
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from billing.models import ExpenseCategory, QuarterlyReport, WorkStatus
from buildings.models import Building
from dispatch import services as dispatch_services
from dispatch.models import Ticket
from lots.models import ProgramItem
from mening_uyim.demo import DEMO_B, Cast
from tests.access import PROJECT_APPS
from tests.billing.report_world import tk_draft
from tests.billing.revenue_world import tk_lot
from tests.dispatch.world import building_a, flat_12, owner_ticket, technician
from tests.lots.test_access import draft, draft_item, managed
from tests.organizations.register_helpers import application_data
from tests.personas import PASSWORD
from tests.voting import conftest as voting_world
from tests.voting.conftest import World
from tests.voting.test_meeting_pages import _meeting
from tests.voting.test_meetings import questions
from tests.voting.test_pages import _voting_now
from voting.models import Election, Meeting, QuestionKind, QuestionRule

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("FORM_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- values ----------------------------------------------------------------------------------

ODD = [
    "", " ", "١٢", "٣٠٠٠٠٠", "۱۲۳", "²", "¹²³", "１２", "½", "🏠", "👍🏽", "0", "-1", "-0",
    "1e9", "1.5e3", "NaN", "inf", "-Infinity", "1,5", "1 250 000,50", "150000.505", "0,01",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "10" + "0" * 30,
    "31.12.2026", "2026-13-01", "2026-02-30", "12/31/2026", "2026-Q5", "2026-00", "99999-01",
    "on", "true", "None", "<b>x</b>", "' OR 1=1 --", "%s %(x)s {0}", "\u202e", "\ufeff",
    "ʻ‘’ʼ`", "for", "against", "abstain", "unplanned", "done", "approve",
]  # fmt: skip
BAD_REQUEST_PAGE = "Notoʻgʻri soʻrov"  # templates/400.html, in Uzbek
HUGE = ["9" * 10_000, "ў" * 10_000, "١" * 10_000, "x " * 5_000]
TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=40)
# NUL included: mening_uyim.middleware.RefuseNulCharacters answers it with the 400 page
CONTROL = st.text(st.characters(categories=["Cc"]), min_size=1, max_size=6)
SCALAR = st.one_of(
    st.sampled_from(ODD),
    st.sampled_from(HUGE),
    TEXT,
    CONTROL,
    st.integers(-(10**40), 10**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: str(d).replace(".", ",")),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
)
JUNK = st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=3))
EXTRA_KEY = st.one_of(st.sampled_from(["q", "q0", "q-1", "q١٢", "__all__", "id", "pk"]), TEXT)


def posted(fields: Mapping[str, Sequence[str]]) -> st.SearchStrategy[dict[str, Any]]:
    """An empty POST, or for each field a plausible value, junk or nothing, and now and
    then an extra key."""
    return st.one_of(st.just({}), _fields(fields))


@st.composite
def _fields(draw: st.DrawFn, fields: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, plausible in fields.items():
        how = draw(
            st.sampled_from(("good", "junk", "missing") if plausible else ("junk", "missing"))
        )
        if how == "good":
            data[name] = draw(st.sampled_from(plausible))
        elif how == "junk":
            data[name] = draw(JUNK)
    data.update(draw(st.dictionaries(EXTRA_KEY, JUNK, max_size=1)))
    return data


# --- the check -------------------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for label in PROJECT_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def counts() -> dict[str, int]:
    """The row count of every table of the project's apps (many-to-many ones included),
    in one query: it runs twice for each of some 500 examples."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {quote(table)}"  # noqa: S608 (our table names)
        for table in _tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def _contexts(response: Any) -> list[dict[str, Any]]:
    context = response.context
    if context is None:
        return []
    contexts: list[Any] = list(context) if isinstance(context, ContextList) else [context]
    return [c.flatten() for c in contexts]


def error_texts(response: Any) -> list[str]:
    """What the page tells the user was wrong: form and formset errors, the view's own
    ``error``, and error messages (shown on the page a 303 leads back to)."""
    found = [m.message for m in get_messages(response.wsgi_request) if m.level >= messages.ERROR]
    for values in _contexts(response):
        for key, value in values.items():
            if isinstance(value, BaseFormSet):
                found += [str(e) for e in value.non_form_errors()]
                found += [str(e) for f in value.forms for es in f.errors.values() for e in es]
            elif isinstance(value, forms.BaseForm):
                found += [str(e) for es in value.errors.values() for e in es]
            elif key in ("error", "amount_error") and value:
                found.append(str(value))
    return list(dict.fromkeys(found))


def untranslated(texts: list[str]) -> list[str]:
    """Sentences shown as a msgid that Uzbek translates (a string left in English)."""
    with translation.override("uz"):
        return [
            part
            for text in texts
            for part in re.split(r"(?<=[.!?])\s+", text)
            # gettext reads a CR as a newline: only a real translation differs
            if part and translation.gettext(part) != part.replace("\r\n", "\n").replace("\r", "\n")
        ]


def submit(user: User | None, url: str, data: Mapping[str, Any], method: str = "post") -> int:
    """Send ``data`` as ``user`` (a fresh client, CSRF not enforced, redirects followed)
    and check the answer, in a savepoint rolled back afterwards. A refusal is a 400, 403 or
    404, a POST re-rendered with 200, or a redirect back with an error message; anything
    else is a success. The first answer's status is returned."""
    with transaction.atomic():
        cache.clear()  # rate limits and cached roles: every example starts afresh
        client = Client()
        if user is not None:
            client.force_login(user)
        before = counts()
        response = getattr(client, method)(url, data, follow=True)
        status = response.redirect_chain[0][1] if response.redirect_chain else response.status_code
        assert status < 500, (url, data, status)
        assert response.status_code < 500, (url, data, response.redirect_chain)
        assert status in (200, 302, 303, 400, 403, 404), (url, data, status)
        errors = error_texts(response) if status not in (403, 404) else []
        rerendered = status == 400 or (status == 200 and method == "post")
        if method == "get" or rerendered or errors or status in (403, 404):  # nothing written
            assert counts() == before, (url, data, status, errors)
        # a NUL anywhere: the site's 400 page, before any view (nothing to point at)
        refused_early = status == 400 and BAD_REQUEST_PAGE in response.content.decode()
        if rerendered and not refused_early:
            assert errors, (url, data, status)
        if rerendered or errors:
            assert '<html lang="uz">' in response.content.decode(), (url, data, status)
            assert all(e.strip() for e in errors), (url, data, errors)
            assert untranslated(errors) == [], (url, data, errors)
        transaction.set_rollback(True)
    return status


# --- the login -------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_login(cast: Cast, data: st.DataObject) -> None:
    fields = {
        "login": ["owner@demo.uz", "+998901000001", "998 90 100-00-01", "nobody@demo.uz"],
        "password": [PASSWORD, "wrong-password"],
    }
    submit(None, reverse("account_login"), data.draw(posted(fields)))


# --- the five-year program -------------------------------------------------------------------

PROGRAM = {"year": ["1", "2", "5", "6"], "cost_som": ["0", "1500000", "1 500 000"]}


@FUZZ
@given(data=st.data())
def test_program_item(cast: Cast, data: st.DataObject) -> None:
    url = reverse("lots:program_item", args=[draft(cast).pk, draft_item(cast)])
    submit(cast.users["council"], url, data.draw(posted(PROGRAM)))


@pytest.fixture
def amendable(cast: Cast) -> ProgramItem:
    """An item of the managed lot's approved program with no open amendment."""
    building = Building.objects.get(cadastral_number=DEMO_B)
    return ProgramItem.objects.create(
        lot=managed(cast), building=building, element="walls", year=2, work="Devor", cost_tiyin=9
    )


@FUZZ
@given(data=st.data())
def test_program_amendment(cast: Cast, amendable: ProgramItem, data: st.DataObject) -> None:
    url = reverse("lots:program_amend", args=[amendable.lot_id, amendable.pk])
    fields = {**PROGRAM, "reason": ["Smeta oʻzgardi", ""]}
    submit(cast.users["mc_director"], url, data.draw(posted(fields)))


# --- the MC's application --------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_mc_application(cast: Cast, data: st.DataObject) -> None:
    good = application_data()
    fields = {name: [value] for name, value in good.items()}
    fields["tin"] += ["301234567", "12345678"]  # the cast's MC; too short
    fields["dispatch_phone"] += ["90 123 45 67", "+99871"]
    submit(cast.users["outsider"], reverse("organizations:apply"), data.draw(posted(fields)))


# --- ballots ---------------------------------------------------------------------------------

world = voting_world.world  # the election tests' fixture: an approved lot, five owners


@pytest.fixture
def election(cast: Cast, world: World) -> Election:
    return _voting_now(cast, world)


@pytest.fixture
def meeting(cast: Cast, world: World) -> Meeting:
    return _meeting(cast, world)


@FUZZ
@given(data=st.data())
def test_election_ballot(cast: Cast, election: Election, data: st.DataObject) -> None:
    fields = {"candidate": [str(pk) for pk in election.candidates.values_list("pk", flat=True)]}
    url = reverse("voting:ballot", args=[election.pk])
    submit(cast.users["owner"], url, data.draw(posted(fields)))


@FUZZ
@given(data=st.data())
def test_meeting_ballot(cast: Cast, meeting: Meeting, data: st.DataObject) -> None:
    fields = {f"q{q.pk}": ["for", "against", "abstain"] for q in questions(meeting)}
    url = reverse("voting:meeting_ballot", args=[meeting.pk])
    submit(cast.users["owner"], url, data.draw(posted(fields)))


@FUZZ
@given(data=st.data())
def test_meeting_called_by_the_council(cast: Cast, world: World, data: st.DataObject) -> None:
    fields = {
        "initiator": ["council", "owners"],
        "q-TOTAL_FORMS": ["1", "2", "31"],
        "q-INITIAL_FORMS": ["0"],
        "q-MIN_NUM_FORMS": ["1"],
        "q-MAX_NUM_FORMS": ["30"],
        "q-0-text": ["Hovli obodonlashtirish"],
        "q-0-kind": list(QuestionKind.values),
        "q-0-rule": ["", *QuestionRule.values],
        "q-1-text": ["Yerto'la ijarasi", ""],
        "q-1-kind": list(QuestionKind.values),
    }
    url = reverse("voting:building_meetings", args=[world.building.pk])
    submit(cast.users["council"], url, data.draw(posted(fields)))


# --- payments --------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_pay_amount(cast: Cast, data: st.DataObject) -> None:
    tk_lot(cast)
    url = reverse("billing:apartment", args=[flat_12().pk])
    fields = {"amount": ["150000", "150 000,50", "1000", "0"]}
    assert submit(cast.users["owner"], url, data.draw(posted(fields)), "get") in (200, 400)


@FUZZ
@given(data=st.data())
def test_tariff(cast: Cast, data: st.DataObject) -> None:
    fields = {
        "som_per_m2": ["1500", "1500.50", "1500,50"],
        "effective_from": ["2030-01", "2030-1"],
        "reason": ["Smeta", ""],
    }
    url = reverse("billing:tariffs", args=[tk_lot(cast).pk])
    submit(cast.users["council"], url, data.draw(posted(fields)))


# --- tickets ---------------------------------------------------------------------------------

TICKET_TEXT = ["Oshxonada kran oqyapti", "Gaz hidi kelyapti!", ""]


@FUZZ
@given(data=st.data())
def test_ticket_filed_by_an_owner(cast: Cast, data: st.DataObject) -> None:
    tk_lot(cast)
    fields = {
        "building": [str(building_a().pk)],
        "apartment": [str(flat_12().pk), ""],
        "text": TICKET_TEXT,
    }
    submit(cast.users["owner"], reverse("dispatch:home"), data.draw(posted(fields)))


@FUZZ
@given(data=st.data())
def test_ticket_taken_by_phone(cast: Cast, data: st.DataObject) -> None:
    tk_lot(cast)
    fields = {
        "building": [str(building_a().pk), str(Building.objects.get(cadastral_number=DEMO_B).pk)],
        "apartment_number": ["12", "5", "999", ""],
        "caller": ["Aziz, +998901000001"],
        "text": TICKET_TEXT,
    }
    submit(cast.users["mc_dispatcher"], reverse("dispatch:call"), data.draw(posted(fields)))


@FUZZ
@given(data=st.data())
def test_appeal_filed_by_an_owner(cast: Cast, data: st.DataObject) -> None:
    tk_lot(cast)
    fields = {"building": [str(building_a().pk)], "text": TICKET_TEXT}
    submit(cast.users["owner"], reverse("dispatch:appeals"), data.draw(posted(fields)))


@pytest.fixture
def resolved(cast: Cast) -> Ticket:
    """The owner's ticket of flat 12, resolved by the MC's technician."""
    tk_lot(cast)
    tech = technician(cast)
    ticket = owner_ticket(cast)
    ticket = dispatch_services.ticket_assign(
        ticket=ticket, by=cast.users["mc_dispatcher"], technician=tech
    )
    ticket = dispatch_services.ticket_start(ticket=ticket, by=tech)
    return dispatch_services.ticket_resolve(ticket=ticket, by=tech, note="Kran almashtirildi")


@pytest.mark.parametrize("action", ["comment", "rate", "reopen"])
@FUZZ
@given(data=st.data())
def test_ticket_step_of_the_owner(
    cast: Cast, resolved: Ticket, action: str, data: st.DataObject
) -> None:
    fields = {"text": TICKET_TEXT, "rating": ["1", "5", "0", "6"]}
    url = reverse("dispatch:ticket_action", args=[resolved.pk, action])
    submit(cast.users["owner"], url, data.draw(posted(fields)))


# --- quarterly reports -----------------------------------------------------------------------

SOM = ["0", "1500000", "1 500 000,50", "-1"]


@pytest.fixture
def report(cast: Cast) -> QuarterlyReport:
    """The draft of a correction of this quarter's report of lot UZ-TK-960."""
    return tk_draft(cast)


@FUZZ
@given(data=st.data())
def test_report_expenses(cast: Cast, report: QuarterlyReport, data: st.DataObject) -> None:
    fields = {category: SOM for category in ExpenseCategory.values}
    url = reverse("billing:report_expenses", args=[report.pk])
    submit(cast.users["mc_director"], url, data.draw(posted(fields)))


@FUZZ
@given(data=st.data())
def test_report_work(cast: Cast, report: QuarterlyReport, data: st.DataObject) -> None:
    items = ProgramItem.objects.filter(lot_id=report.lot_id).values_list("pk", flat=True)
    fields = {
        "item": ["unplanned", "", *map(str, items)],
        "description": ["Tom taʼmiri"],
        "status": list(WorkStatus.values),
        "cost": SOM,
    }
    url = reverse("billing:report_works", args=[report.pk])
    submit(cast.users["mc_director"], url, data.draw(posted(fields)))


@FUZZ
@given(data=st.data())
def test_report_submit(cast: Cast, report: QuarterlyReport, data: st.DataObject) -> None:
    url = reverse("billing:report_submit", args=[report.pk])
    submit(cast.users["mc_director"], url, data.draw(posted({})))  # no fields: junk keys only
