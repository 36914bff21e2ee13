from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_profile_saves_a_normalised_phone(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post("/me/profile/", {"phone": "93 555 44 33"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.phone == "+998935554433"


@pytest.mark.parametrize(
    ("lang", "fragment"), [("uz", "+998XXXXXXXXX"), ("ru", "Введите"), ("en", "Enter a phone")]
)
def test_profile_rejects_a_malformed_phone_in_each_language(
    client: Client, owner: User, lang: str, fragment: str
) -> None:
    client.force_login(owner)
    client.cookies["django_language"] = lang
    response = client.post("/me/profile/", {"phone": "+7 12"})
    assert response.status_code == 400
    assert fragment in response.content.decode()
    owner.refresh_from_db()
    assert owner.phone == "+998901000001"


def test_home_shows_a_section_per_role(client: Client, mc_director: User) -> None:
    client.force_login(mc_director)
    html = client.get("/").content.decode()
    assert 'id="company"' in html
    assert "Yunusobod Servis MChJ" in html
    assert 'id="apartments"' not in html  # the director owns no flat


def test_navigation_is_by_role(client: Client, inspector: User, owner: User) -> None:
    client.force_login(inspector)
    assert "/admin/" in client.get("/").content.decode()
    client.force_login(owner)
    assert "/admin/" not in client.get("/").content.decode()


def test_pinfl_error_in_the_admin_form_names_the_field(client: Client, inspector: User) -> None:
    client.force_login(inspector)
    client.cookies["django_language"] = "ru"
    response = client.post(
        "/admin/accounts/person/add/",
        {
            "pinfl": "1234567890123",
            "full_name": "Test",
            "phone": "",
            "created_at_0": "2026-11-23",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "14 цифр" in response.content.decode()
