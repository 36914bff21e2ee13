"""Registry search (issue "What people see", point 6): ``q`` on the building list page and
the buildings API finds a building by part of its address or by its cadastral number,
within exactly the rows the list shows, and refuses a search that is too long."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from buildings.filters import MSG_Q_TOO_LONG, Q_MAX, address_key, cadastral_key
from buildings.models import Apartment, Building
from mening_uyim.demo import DEMO_A, DEMO_B, DEMO_C, Cast
from tests.access import snapshot

pytestmark = pytest.mark.django_db

PAGE = "/registry/buildings/"
API = "/api/v1/buildings/"


def _in(client: Client, language: str) -> Client:
    """Pages speak the language the visitor chose (the cookie), not the browser's."""
    client.cookies["django_language"] = language
    return client


def _page_rows(client: Client, **params: str) -> set[str]:
    response = client.get(PAGE, params)
    assert response.status_code == 200, response.status_code
    return {b.cadastral_number for b in response.context["page"].object_list}


def _api_rows(**params: str) -> set[str]:
    response = APIClient().get(API, params)
    assert response.status_code == 200, response.content
    return {row["cadastral_number"] for row in response.json()["results"]}


def test_the_keys_normalise_what_people_type() -> None:
    assert address_key("  Mirzo   Ulug'bek ") == "Mirzo Ulug'bek"
    assert address_key("Mirzo Ulugʻbek") == address_key("Mirzo Ulug’bek") == "Mirzo Ulug'bek"
    assert cadastral_key("tk 001 : 0000123") == cadastral_key("TK:001:0000123") == "TK0010000123"
    assert cadastral_key("10-01/02.3") == "1001023"
    assert cadastral_key("TK\u00a0001\t0000123") == "TK0010000123"  # any white space


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Amir Temur", {DEMO_A}),  # part of the address
        ("amir temur", {DEMO_A}),  # any case
        ("bogʻishamol", {DEMO_B}),  # the Uzbek letter's own apostrophe
        ("Bog'ishamol", {DEMO_B}),  # a keyboard's apostrophe finds it too
        ("Bog’ishamol", {DEMO_B}),  # and a word processor's
        ("107-uy", {DEMO_A}),
        (DEMO_A, {DEMO_A}),  # the cadastral number as written
        ("demo:tk:000a", {DEMO_A}),  # any case
        ("DEMO TK 000A", {DEMO_A}),  # spaces for the colons
        ("DEMOTK000A", {DEMO_A}),  # no separators at all
        ("DEMO:TK", {DEMO_A, DEMO_B}),  # a prefix
        ("DEMO", {DEMO_A, DEMO_B, DEMO_C}),
    ],
)
def test_the_search_finds_by_address_or_cadastral_number(
    client: Client, cast: Cast, q: str, found: set[str]
) -> None:
    assert _page_rows(client, q=q) == found
    assert _api_rows(q=q) == found


def test_a_cadastral_number_matches_from_its_start_only(client: Client, cast: Cast) -> None:
    assert _page_rows(client, q="TK:000A") == set()  # the middle of a number is no match


def test_a_search_of_separators_only_matches_no_number(client: Client, cast: Cast) -> None:
    """ "::" has no cadastral part; it must not match every number (startswith "")."""
    assert _page_rows(client, q=" :: ") == set()
    assert _page_rows(client, q="%") == set()  # LIKE's wildcards are text
    assert _page_rows(client, q="_") == set()


def test_the_search_narrows_the_filters_not_widens_them(client: Client, cast: Cast) -> None:
    assert _page_rows(client, q="DEMO", region="UZ-TK") == {DEMO_A, DEMO_B}
    assert _page_rows(client, q="DEMO", region="UZ-SA") == {DEMO_C}
    assert _page_rows(client, q="Amir Temur", region="UZ-SA") == set()
    assert _page_rows(client, q="DEMO", **{"class": "red"}) == {
        b.cadastral_number
        for b in Building.objects.filter(cadastral_number__startswith="DEMO", classification="red")
    }
    assert _api_rows(q="DEMO", region="UZ-SA") == {DEMO_C}


@pytest.mark.parametrize("key", ["anonymous", "outsider", "owner", "mc_director", "inspector"])
def test_the_search_is_scoped_as_the_list_is(client: Client, cast: Cast, key: str) -> None:
    """The registry is public: every persona finds the same public rows, and nothing by
    what is private (owners' names, personal account numbers)."""
    if key != "anonymous":
        client.force_login(cast.users[key])
    assert _page_rows(client, q="DEMO") == {DEMO_A, DEMO_B, DEMO_C}
    account = Apartment.objects.filter(building__cadastral_number=DEMO_A).first()
    assert account is not None
    assert _page_rows(client, q=account.account_number) == set()
    assert _page_rows(client, q="Aziz Karimov") == set()  # the owner of flat 12 in A
    response = client.get(PAGE, {"q": "Amir Temur"})
    assert "Aziz Karimov" not in response.content.decode()
    assert account.account_number not in response.content.decode()


def test_the_page_keeps_the_search_in_its_box_and_its_pager(
    client: Client, cast: Cast, make_building: Any
) -> None:
    for _ in range(51):
        make_building(flats=1)
    response = client.get(PAGE, {"q": "Test street", "region": "UZ-TK"})
    html = response.content.decode()
    assert 'name="q" value="Test street"' in html
    assert response.context["page"].paginator.count == 51
    assert "?region=UZ-TK&amp;q=Test+street&amp;page=2" in html


def test_a_too_long_search_is_refused_with_a_message(client: Client, cast: Cast) -> None:
    before = snapshot()
    q = "a" * (Q_MAX + 1)
    with translation.override("en"):
        message = str(MSG_Q_TOO_LONG % {"limit": Q_MAX})
        response = _in(client, "en").get(PAGE, {"q": q})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert list(response.context["page"].object_list) == []  # not every building
        api = APIClient().get(API, {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    assert api.json()["q"] == [message]
    assert snapshot() == before


def test_a_search_of_the_longest_length_is_answered(client: Client, cast: Cast) -> None:
    assert client.get(PAGE, {"q": "a" * Q_MAX}).status_code == 200
    assert APIClient().get(API, {"q": "a" * Q_MAX}).status_code == 200


def test_the_search_box_cannot_hold_more_than_the_limit(client: Client, cast: Cast) -> None:
    html = client.get(PAGE).content.decode()
    assert f'maxlength="{Q_MAX}"' in html


def test_the_api_schema_documents_the_search(cast: Cast) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/buildings/"]["get"]["parameters"]}
    assert parameters["q"]["schema"]["type"] == "string"
    assert "cadastral" in parameters["q"]["description"]
    assert "400" in parameters["q"]["description"]
