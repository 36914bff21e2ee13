"""Uzbek first; Russian and English offered; every string of ours translated."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_home_is_uzbek_by_default(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="uz">' in html
    assert "Kirish" in html


def test_switching_language_to_russian(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="ru">' in html
    assert "Войти" in html


@pytest.mark.parametrize("code", ["xx", "de", "", "uz-Cyrl-XX-invalid"])
def test_an_unknown_language_code_falls_back_to_uzbek(client: Client, code: str) -> None:
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    client.cookies["django_language"] = code
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=code or "xx").content.decode()
    assert '<html lang="uz">' in html


def test_pages_stay_uzbek_whatever_the_browser_prefers(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").content.decode()
    assert '<html lang="uz">' in html


def test_the_api_honours_accept_language(client: Client) -> None:
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert response.status_code == 401
    assert response["Content-Language"] == "ru"
    assert response.json()["detail"] == "Учётные данные не были предоставлены."


@pytest.mark.parametrize("lang", ["uz", "ru"])
def test_every_string_is_translated(lang: str) -> None:
    po = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert missing == []
    assert len(po) > 50
