"""core.ids: one parser for user-supplied ids (issue 8, point 11)."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from core.ids import MAX_ID, BadId, IdConverter, optional_id, parse_id
from mening_uyim.demo import Cast

BAD = ["²", "١٢", "12²", "-1", "0", "+5", "1e3", " ", "12 3", "9" * 19, str(MAX_ID + 1), "٣"]


@pytest.mark.parametrize("value", BAD)
def test_parse_id_refuses_what_is_not_an_ascii_id(value: str) -> None:
    with pytest.raises(BadId):
        parse_id(value)


def test_parse_id_accepts_ascii_ids_up_to_64_bits() -> None:
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert optional_id("") is None
    assert optional_id(None) is None


@given(st.text(max_size=25))
def test_parse_id_never_raises_anything_but_bad_id(value: str) -> None:
    try:
        number = parse_id(value)
    except BadId:
        return
    assert 0 < number <= MAX_ID
    assert str(number) == value.strip().lstrip("0")


def test_the_url_converter_refuses_long_ids_as_no_match() -> None:
    converter = IdConverter()
    assert converter.to_python("12") == 12
    with pytest.raises(ValueError):  # noqa: PT011 - Django's contract for "no match"
        converter.to_python("0")


API = [
    "/api/v1/buildings/?district={v}",
    "/api/v1/buildings/?region={v}",
    "/api/v1/assessments/?building={v}",
]
PAGES = ["/registry/buildings/?district={v}", "/registry/buildings/?region={v}"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "9" * 20, "١٢"])
@pytest.mark.parametrize("url", API)
def test_a_bad_id_parameter_is_a_400_on_the_api(
    client: Client, cast: Cast, url: str, value: str
) -> None:
    client.force_login(cast.users["inspector"])
    response = client.get(url.format(v=value))
    assert response.status_code == 400
    assert value in str(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "9" * 20])
def test_a_bad_id_on_the_map_points_is_a_400(client: Client, cast: Cast, value: str) -> None:
    response = client.get(f"/registry/map/points.json?district={value}")
    assert response.status_code == 400
    assert "district" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "9" * 20])
@pytest.mark.parametrize("url", PAGES)
def test_a_bad_id_filter_on_a_page_is_ignored_with_a_message(
    client: Client, cast: Cast, url: str, value: str
) -> None:
    response = client.get(url.format(v=value))
    assert response.status_code == 200
    assert value in response.content.decode()  # the message names the ignored value


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/registry/buildings/{n}/",
        "/lots/{n}/",
        "/organizations/{n}/staff/",
        "/api/v1/buildings/{n}/",
        "/api/v1/lots/{n}/",
        "/api/v1/register/{n}/eligibility/",
    ],
)
def test_a_20_digit_id_in_a_path_is_a_404(client: Client, cast: Cast, url: str) -> None:
    client.force_login(cast.users["inspector"])
    assert client.get(url.format(n="9" * 20)).status_code == 404
    assert client.get(url.format(n=str(MAX_ID + 1))).status_code == 404
