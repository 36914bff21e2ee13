"""The register: applying through the page and the service, and why an MC's staff
cannot apply again."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import Membership, Role, User
from accounts.validators import MSG_PHONE
from mening_uyim.demo import Cast
from organizations.eligibility import requirements_of
from organizations.models import MSG_TIN, ManagementCompany, RegisterStatus, Removal
from organizations.services import MSG_ALREADY_STAFF, MSG_TIN_TAKEN, RegisterError, mc_apply
from tests.organizations.register_helpers import (
    APPLY,
    CAST_MC_TIN,
    NEW_TIN,
    application_data,
    snapshot,
)

pytestmark = pytest.mark.django_db

# --- applying through the page -----------------------------------------------------------


def test_it_creates_an_application_and_makes_the_applicant_its_director(
    client: Client, outsider: User
) -> None:
    before = snapshot()
    client.force_login(outsider)

    response = client.post(APPLY, application_data())

    mc = ManagementCompany.objects.get(tin=NEW_TIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:staff", args=[mc.pk])
    assert mc.status == RegisterStatus.APPLIED
    assert mc.name == "Mirobod Komfort MChJ"
    assert mc.own_funds_tiyin == (django_settings.MC_MIN_OWN_FUNDS_SOM + 1) * 100
    assert mc.has_material_base is True
    assert mc.material_base == "Ustaxona va 3 ta avtomashina"
    assert mc.dispatch_phone == "+998712000099"
    assert mc.dispatch_24h is True
    assert mc.staff_count == 25
    assert mc.applied_at is not None
    assert mc.verified_at is None
    assert mc.verified_by is None
    director = Membership.objects.active().get(user=outsider)
    assert director.role == Role.MC_DIRECTOR
    assert director.organization_id == mc.pk
    assert ManagementCompany.objects.count() == before["companies"] + 1
    assert Membership.objects.count() == before["memberships"] + 1
    assert Removal.objects.count() == before["removals"]


def test_the_applicant_lands_on_the_staff_page_with_the_requirements(
    client: Client, outsider: User
) -> None:
    client.force_login(outsider)

    response = client.post(APPLY, application_data(), follow=True)

    assert response.status_code == 200
    mc = ManagementCompany.objects.get(tin=NEW_TIN)
    assert response.context["company"] == mc
    requirements = {r.code: r.ok for r in response.context["requirements"]}
    assert requirements == {
        "registered": False,  # not verified yet
        "own_funds": True,
        "material_base": True,
        "dispatch": True,
    }
    html = response.content.decode()
    for requirement in requirements_of(mc):
        assert escape(requirement.label) in html
    assert outsider in [m.user for m in response.context["company"].active_staff]


@pytest.mark.parametrize("own_funds_som", ["0", "1", "123456789"])
def test_own_funds_are_stored_in_tiyin(client: Client, outsider: User, own_funds_som: str) -> None:
    client.force_login(outsider)

    response = client.post(APPLY, application_data(own_funds_som=own_funds_som))

    assert response.status_code == 302
    assert ManagementCompany.objects.get(tin=NEW_TIN).own_funds_tiyin == int(own_funds_som) * 100


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"tin": "30987654"}, "tin", MSG_TIN, id="tin-of-8-digits"),
        pytest.param({"tin": "3098765430"}, "tin", MSG_TIN, id="tin-of-10-digits"),
        pytest.param({"tin": "30987654A"}, "tin", MSG_TIN, id="tin-with-a-letter"),
        pytest.param({"tin": CAST_MC_TIN}, "tin", MSG_TIN_TAKEN, id="duplicate-tin"),
        pytest.param({"own_funds_som": "-1"}, "own_funds_som", None, id="negative-own-funds"),
        pytest.param({"own_funds_som": "much"}, "own_funds_som", None, id="own-funds-not-a-number"),
        pytest.param({"dispatch_phone": "+7 495 123"}, "dispatch_phone", MSG_PHONE, id="bad-phone"),
        pytest.param({"dispatch_phone": ""}, "dispatch_phone", None, id="no-phone"),
        pytest.param(
            {"has_material_base": "on", "material_base": "   "},
            "material_base",
            None,
            id="material-base-without-description",
        ),
        pytest.param({"staff_count": "0"}, "staff_count", None, id="no-staff"),
        pytest.param({"name": "  "}, "name", None, id="blank-name"),
    ],
)
def test_bad_input_is_refused_on_the_right_field_and_nothing_is_written(
    client: Client,
    cast: Cast,
    outsider: User,
    overrides: dict[str, str],
    field: str,
    message: Any,
) -> None:
    overrides = {k: cast.mc.tin if v == CAST_MC_TIN else v for k, v in overrides.items()}
    before = snapshot()
    client.force_login(outsider)

    response = client.post(APPLY, application_data(**overrides))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message is not None:
        assert str(message) in errors[field]
    assert snapshot() == before
    assert not Membership.objects.filter(user=outsider).exists()


def test_own_funds_too_large_to_store_are_a_form_error_not_a_crash(
    client: Client, cast: Cast, outsider: User
) -> None:
    """10**17 so'm is 10**19 tiyin: more than a 64-bit integer column holds."""
    before = snapshot()
    client.force_login(outsider)

    response = client.post(APPLY, application_data(own_funds_som=str(10**17)))

    assert response.status_code == 400
    assert "own_funds_som" in response.context["form"].errors
    assert snapshot() == before


def test_an_implausible_staff_count_is_a_form_error_not_a_crash(client, cast) -> None:
    from organizations.models import ManagementCompany

    client.force_login(cast.users["outsider"])
    before = ManagementCompany.objects.count()
    response = client.post(
        "/organizations/apply/",
        {
            "name": "Katta Servis MChJ",
            "tin": "309999991",
            "address": "Toshkent",
            "own_funds_som": "900000000",
            "has_material_base": "on",
            "material_base": "Ustaxona",
            "dispatch_phone": "+998712009999",
            "dispatch_24h": "on",
            "staff_count": str(10**12),
        },
    )
    assert response.status_code == 400
    assert "staff_count" in response.context["form"].errors
    assert ManagementCompany.objects.count() == before


@pytest.mark.parametrize("lang", ["uz", "ru", "en"])
def test_the_tin_error_is_shown_in_the_visitor_language(
    client: Client, cast: Cast, outsider: User, lang: str
) -> None:
    client.force_login(outsider)
    client.cookies["django_language"] = lang

    response = client.post(APPLY, application_data(tin="30987654"))

    assert response.status_code == 400
    with translation.override(lang):
        expected = str(MSG_TIN)
    html = response.content.decode()
    assert escape(expected) in html
    if lang != "en":
        with translation.override("en"):
            assert str(MSG_TIN) != expected, f"MSG_TIN is not translated into {lang}"
    assert not ManagementCompany.objects.filter(tin="30987654").exists()


@pytest.mark.parametrize("tin", ["30987654", "3098765432", "30987654x"])
def test_a_bad_tin_is_said_once(client: Client, cast: Cast, outsider: User, tin: str) -> None:
    """One rule, one message: too short, too long and not digits all read MSG_TIN once."""
    client.force_login(outsider)
    response = client.post(APPLY, application_data(tin=tin))
    assert response.status_code == 400
    assert response.context["form"].errors["tin"] == [str(MSG_TIN)]


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_written(
    client: Client, cast: Cast, method: str
) -> None:
    before = snapshot()

    response = getattr(client, method)(APPLY, application_data() if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


# --- a login that already works for an MC ------------------------------------------------


@pytest.mark.parametrize("persona", ["mc_director", "mc_dispatcher", "rival_mc"], indirect=True)
def test_mc_staff_cannot_apply_again_through_the_page(client: Client, persona: User) -> None:
    before = snapshot()
    client.force_login(persona)

    response = client.post(APPLY, application_data())

    assert response.status_code == 400
    assert str(MSG_ALREADY_STAFF) in response.context["form"].non_field_errors()
    assert escape(str(MSG_ALREADY_STAFF)) in response.content.decode()
    assert snapshot() == before


def test_mc_staff_cannot_apply_again_through_the_service(mc_director: User) -> None:
    before = snapshot()

    with pytest.raises(RegisterError) as refused:
        mc_apply(
            user=mc_director,
            name="Ikkinchi MChJ",
            tin=NEW_TIN,
            address="Yunusobod",
            own_funds_som=django_settings.MC_MIN_OWN_FUNDS_SOM,
            has_material_base=True,
            material_base="Ustaxona",
            dispatch_phone="+998712000099",
            dispatch_24h=True,
            staff_count=10,
        )

    assert refused.value.message == str(MSG_ALREADY_STAFF)
    assert snapshot() == before


def test_the_service_refuses_a_tin_already_in_the_register(cast: Cast, outsider: User) -> None:
    before = snapshot()

    with pytest.raises(RegisterError) as refused:
        mc_apply(
            user=outsider,
            name="Nusxa MChJ",
            tin=cast.mc.tin,
            address="Yunusobod",
            own_funds_som=1,
            has_material_base=False,
            material_base="",
            dispatch_phone="+998712000099",
            dispatch_24h=False,
            staff_count=1,
        )

    assert refused.value.message == str(MSG_TIN_TAKEN)
    assert snapshot() == before
