"""Error pages (issue 14, point 2): 400, 403 (and the CSRF failure), 404, 429 and 500 in
the site's layout (500 in a page of its own that needs nothing that could have failed),
in the reader's language, each with a way back to the home page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.models import User
from mening_uyim.views import server_error

pytestmark = pytest.mark.django_db
HOME = 'href="/"'


def _page(response: Any) -> str:
    html = response.content.decode()
    assert HOME in html
    return html


def test_404_is_a_page_of_the_site_in_uzbek(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = _page(response)
    assert '<html lang="uz">' in html
    assert "Sahifa topilmadi" in html
    assert "site-header" in html


def test_404_in_russian(client: Client) -> None:
    client.cookies["django_language"] = "ru"
    html = _page(client.get("/no-such-page/"))
    assert '<html lang="ru">' in html
    assert "Страница не найдена" in html


def test_400_for_a_foreign_host(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Notoʻgʻri soʻrov" in _page(response)


def test_403_when_the_form_token_is_missing(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    html = _page(response)
    assert "Shaklning muddati oʻtdi" in html
    assert "site-header" in html


def test_429_after_too_many_logins(client: Client, owner: User) -> None:
    statuses = []
    for i in range(12):
        response = client.post(
            "/accounts/login/", {"login": "owner@demo.uz", "password": f"wrong-{i}"}
        )
        statuses.append(response.status_code)
    assert 429 in statuses
    assert response.status_code == 429
    html = _page(response)
    assert "Urinishlar juda koʻp" in html
    assert "site-header" in html


@pytest.mark.parametrize(("lang", "text"), [("uz", "xatolik yuz berdi"), ("ru", "ошибка")])
def test_500_needs_nothing_but_its_template(lang: str, text: str) -> None:
    request = RequestFactory().get("/billing/")
    with translation.override(lang):
        response = server_error(request)
    assert response.status_code == 500
    html = _page(response)
    assert f'<html lang="{lang}">' in html
    assert text in html


def test_500_on_the_api_is_json() -> None:
    request = RequestFactory().get("/api/v1/lots/")
    with translation.override("uz"):
        response = server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
