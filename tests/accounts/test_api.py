from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.translation import gettext as _
from drf_spectacular.drainage import reset_generator_stats
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_me_shows_identity_and_roles(client: Client, mc_director: User) -> None:
    client.force_login(mc_director)
    body = client.get("/api/v1/me/").json()
    assert body["email"] == "director@demo.uz"
    assert body["roles"] == ["mc_director"]  # a person without a flat is not an owner
    assert body["memberships"][0]["role"] == "mc_director"


def test_integrations_authenticate_with_a_token(inspector: User) -> None:
    token = Token.objects.create(user=inspector)
    api = APIClient()
    assert api.get("/api/v1/me/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert "inspector" in response.json()["roles"]


def test_a_wrong_token_is_refused(db: None) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/me/").status_code == 401


def test_a_token_of_an_inactive_login_is_refused_in_drf_words(inspector: User) -> None:
    token = Token.objects.create(user=inspector)
    User.objects.filter(pk=inspector.pk).update(is_active=False)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == str(_("User inactive or deleted."))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key[:-1]}x")
    assert api.get("/api/v1/me/").json()["detail"] == str(_("Invalid token."))


def test_a_token_authenticates_its_login_in_one_query(inspector: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.settings import api_settings
    from rest_framework.test import APIRequestFactory

    from accounts.authentication import TokenAuthentication

    assert api_settings.DEFAULT_AUTHENTICATION_CLASSES[0] is TokenAuthentication
    token = Token.objects.create(user=inspector)
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as ctx:
        found = TokenAuthentication().authenticate(request)
    assert len(ctx.captured_queries) == 1
    assert found is not None
    user, auth = found
    assert (user.pk, user.email, user.is_active, user.date_joined) == (
        inspector.pk,
        inspector.email,
        True,
        inspector.date_joined,
    )
    assert auth.key == token.key
    assert auth.user is user
    assert auth.created == token.created  # read on use


def test_patch_phone_normalises(owner: User) -> None:
    api = APIClient()
    api.force_authenticate(owner)
    response = api.patch("/api/v1/me/", {"phone": "+998 93 555 44 33"}, format="json")
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.phone == "+998935554433"


@pytest.mark.parametrize(
    ("lang", "fragment"), [("uz", "+998XXXXXXXXX"), ("ru", "Введите"), ("en", "Enter a phone")]
)
def test_patch_bad_phone_is_a_translated_400_and_changes_nothing(
    owner: User, lang: str, fragment: str
) -> None:
    api = APIClient()
    api.force_authenticate(owner)
    response = api.patch(
        "/api/v1/me/", {"phone": "12345"}, format="json", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 400
    assert fragment in response.json()["phone"][0]
    owner.refresh_from_db()
    assert owner.phone == "+998901000001"


def test_patch_phone_of_another_login_is_refused(owner: User, neighbour: User) -> None:
    api = APIClient()
    api.force_authenticate(owner)
    response = api.patch("/api/v1/me/", {"phone": neighbour.phone}, format="json")
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.phone == "+998901000001"


def test_the_schema_generates_valid_and_without_warnings(tmp_path: Path) -> None:
    """Every endpoint's parameters, bodies and answers are declared: drf-spectacular has
    nothing to guess (a warning fails the command), and the result is valid OpenAPI."""
    reset_generator_stats()
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/v1/me/bills/", "/api/v1/leases/{id}/registration/", "/api/v1/revenue/"):
        assert f"{path}:" in text


def test_schema_documents_the_api_and_docs_need_no_cdn(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.content.decode()
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()
    assert "https://" not in docs
