"""The lease pages: the register and its form, a contract and its tax registration, and
the inspection's list of violations. A refused form answers 400 with the reason and
writes nothing."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from billing.leases import (
    MSG_DECISION_NOT_PASSED,
    MSG_DECISION_NOT_QUALIFIED,
    MSG_REGISTERED_BEFORE_SIGNING,
    registration_deadline,
)
from billing.models import LeaseContract
from billing.models.leases import MSG_PARTY_ID
from billing.revenue_forms import MSG_DECISION_ID
from buildings.models import Building
from mening_uyim.demo import DEMO_A, Cast
from tests.billing.revenue_world import (
    decision_of,
    sa_violation,
    tk_contract,
    tk_lot,
    tk_violation,
)
from voting.models import QuestionRule

pytestmark = pytest.mark.django_db
DECIDED = timezone.make_aware(dt.datetime(2026, 11, 2, 18, 0))


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _form(c: Cast, **overrides: Any) -> dict[str, Any]:
    tk_lot(c)
    building = Building.objects.get(cadastral_number=DEMO_A)
    decision = overrides.pop("decision", None) or decision_of(building, decided_at=DECIDED)
    data = {
        "building": str(building.pk),
        "kind": "lease",
        "lessee_name": "«Nur Savdo» MChJ",
        "lessee_tin": "305123456",
        "object_description": "Yertoʻla, 2-podyezd",
        "object_area_m2": "40.5",
        "starts_on": "2026-11-10",
        "ends_on": "2029-11-09",
        "rent": "1 500 000",
        "signed_on": "2026-11-05",
        "decision_uid": str(decision.uid),
    }
    data.update(overrides)
    return data


def test_the_mc_records_a_contract_and_is_told_its_deadline(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["mc_director"])
    response = client.post("/billing/leases/", _form(cast), follow=True)
    contract = LeaseContract.objects.get()
    assert response.redirect_chain[-1][0] == f"/billing/leases/{contract.pk}/"
    assert contract.rent_tiyin == 1_500_000_00
    deadline = registration_deadline(dt.date(2026, 11, 5))
    assert f"{deadline:%d.%m.%Y}" in _text(response)
    assert f'action="/billing/leases/{contract.pk}/registration/"' in _text(response)


@pytest.mark.parametrize(
    ("decision", "messages"),
    [
        ({"passed": False}, [MSG_DECISION_NOT_PASSED]),
        ({"rule": QuestionRule.SIMPLE}, [MSG_DECISION_NOT_QUALIFIED]),
        ({"passed": False, "rule": QuestionRule.SIMPLE}, [MSG_DECISION_NOT_PASSED]),
    ],
)
def test_a_contract_on_a_bad_decision_is_refused_with_the_reason(
    client: Client, cast: Cast, decision: dict[str, Any], messages: list[Any]
) -> None:
    tk_lot(cast)
    made = decision_of(
        Building.objects.get(cadastral_number=DEMO_A), decided_at=DECIDED, **decision
    )
    client.force_login(cast.users["mc_director"])
    response = client.post("/billing/leases/", _form(cast, decision=made))
    assert response.status_code == 400
    for message in messages:
        assert str(message) in _text(response)
    assert not LeaseContract.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decision_uid": "protokol-7"}, MSG_DECISION_ID),
        ({"lessee_tin": "12345"}, MSG_PARTY_ID),
        ({"rent": "1,500,000"}, None),
        ({"ends_on": ""}, None),
        ({"kind": "sale"}, None),
        ({"object_area_m2": "-3"}, None),
        ({"building": "999999"}, None),
    ],
)
def test_a_bad_contract_form_answers_400(
    client: Client, cast: Cast, overrides: dict[str, Any], message: Any
) -> None:
    client.force_login(cast.users["mc_dispatcher"])
    response = client.post("/billing/leases/", _form(cast, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors
    if message is not None:
        assert str(message) in _text(response)
    assert not LeaseContract.objects.exists()


def test_the_registration_form_is_the_mcs(client: Client, cast: Cast) -> None:
    contract = tk_contract(cast)
    for key, shown in (("mc_director", True), ("council", False), ("inspector", False)):
        client.force_login(cast.users[key])
        page = client.get(f"/billing/leases/{contract.pk}/")
        assert page.status_code == 200
        assert (page.context["form"] is not None) is shown, key


def test_the_mc_adds_the_registration_on_the_page(client: Client, cast: Cast) -> None:
    contract = tk_contract(cast)
    client.force_login(cast.users["mc_director"])
    url = f"/billing/leases/{contract.pk}/registration/"
    early = f"{contract.signed_on - dt.timedelta(days=1):%Y-%m-%d}"
    refused = client.post(url, {"number": "SQ-77", "registered_on": early})
    assert refused.status_code == 400
    assert str(MSG_REGISTERED_BEFORE_SIGNING) in _text(refused)
    contract.refresh_from_db()
    assert not contract.registered
    assert client.post(url, {"number": "", "registered_on": ""}).status_code == 400
    done = client.post(url, {"number": "SQ-77", "registered_on": f"{contract.signed_on:%Y-%m-%d}"})
    assert done.status_code == 302
    contract.refresh_from_db()
    assert contract.tax_registration_number == "SQ-77"
    page = _text(client.get(f"/billing/leases/{contract.pk}/"))
    assert "SQ-77" in page
    assert client.post(url, {"number": "SQ-78", "registered_on": "2026-11-01"}).status_code == 400


def test_the_register_shows_a_violation(client: Client, cast: Cast) -> None:
    violation = tk_violation(cast)
    client.force_login(cast.users["mc_director"])
    listing = client.get("/billing/leases/")
    assert [c.pk for c in listing.context["page"].object_list] == [violation.contract_id]
    assert 'class="badge badge-red"' in _text(listing)
    detail = _text(client.get(f"/billing/leases/{violation.contract_id}/"))
    assert f"{violation.deadline:%d.%m.%Y}" in detail


def test_inspectors_see_the_violations_of_their_region(client: Client, cast: Cast) -> None:
    tashkent, samarkand = tk_violation(cast), sa_violation(cast)
    for key, seen in (("inspector", tashkent), ("other_inspector", samarkand)):
        client.force_login(cast.users[key])
        page = client.get("/billing/violations/")
        assert [v.pk for v in page.context["page"].object_list] == [seen.pk], key
        removal = f"/admin/organizations/managementcompany/?q={seen.company.tin}"
        assert removal in _text(page)


def test_the_violations_page_keeps_its_queries(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    tk_violation(cast)
    client.force_login(cast.users["inspector"])
    with django_assert_max_num_queries(12):
        client.get("/billing/violations/")
