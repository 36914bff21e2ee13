"""The management companies register: applying, eligibility, verification, removal, the
public register (page and API) and an MC's staff page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import Membership, Role, User
from accounts.services import membership_grant
from accounts.validators import MSG_PHONE
from lots.models import Lot, LotStatus, LotStatusChange
from lots.services import mc_remove_from_register
from mening_uyim.demo import Cast
from organizations.eligibility import failing_requirements, is_eligible, requirements_of
from organizations.models import MSG_TIN, ManagementCompany, RegisterStatus, Removal
from organizations.selectors import public_register
from organizations.services import (
    MSG_ALREADY_REMOVED,
    MSG_ALREADY_STAFF,
    MSG_NOT_APPLIED,
    MSG_TIN_TAKEN,
    RegisterError,
    mc_apply,
    mc_verify,
)
from tests.factories import ManagementCompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

APPLY = "/organizations/apply/"
REGISTER = "/organizations/"
API_REGISTER = "/api/v1/register/"
ADMIN_MC = "/admin/organizations/managementcompany/"
NEW_TIN = "309876543"
REASON = "Dispetcherlik xizmati 3 oy davomida ishlamadi"
CAST_MC_TIN = "<tin of cast.mc>"  # replaced by the test: parameters are built before the cast


def _qualified(**overrides: Any) -> dict[str, Any]:
    """Fields of an MC meeting every minimum requirement as configured right now."""
    fields: dict[str, Any] = {
        "own_funds_tiyin": django_settings.MC_MIN_OWN_FUNDS_SOM * 100,
        "has_material_base": True,
        "material_base": "Ustaxona, 2 ta avtomashina",
        "dispatch_phone": "+998712000050",
        "dispatch_24h": True,
        "staff_count": 20,
    }
    fields.update(overrides)
    return fields


def _mc(status: RegisterStatus = RegisterStatus.REGISTERED, **overrides: Any) -> ManagementCompany:
    return ManagementCompanyFactory.create(status=status, **_qualified(**overrides))


def _application(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Mirobod Komfort MChJ",
        "tin": NEW_TIN,
        "address": "Mirobod tumani, Nukus koʻchasi, 3-uy",
        "own_funds_som": str(django_settings.MC_MIN_OWN_FUNDS_SOM + 1),
        "has_material_base": "on",
        "material_base": "Ustaxona va 3 ta avtomashina",
        "dispatch_phone": "+998 71 200 00 99",
        "dispatch_24h": "on",
        "staff_count": "25",
    }
    data.update(overrides)
    return data


def _lot(code: str, cast: Cast, status: LotStatus, manager: ManagementCompany | None) -> Lot:
    return Lot.objects.create(code=code, region=cast.region, status=status, manager=manager)


def _snapshot() -> dict[str, Any]:
    """Row counts and the states a refused action must not touch."""
    return {
        "companies": ManagementCompany.objects.count(),
        "memberships": Membership.objects.count(),
        "active_memberships": Membership.objects.active().count(),
        "removals": Removal.objects.count(),
        "status_changes": LotStatusChange.objects.count(),
        "mc_states": sorted(
            ManagementCompany.objects.values_list("pk", "status", "verified_by_id", "tin")
        ),
        "lot_states": sorted(Lot.objects.values_list("pk", "status", "manager_id")),
    }


def _codes(requirements: Any) -> list[str]:
    return [r.code for r in requirements]


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- applying through the page -----------------------------------------------------------


def test_it_creates_an_application_and_makes_the_applicant_its_director(
    client: Client, outsider: User
) -> None:
    before = _snapshot()
    client.force_login(outsider)

    response = client.post(APPLY, _application())

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

    response = client.post(APPLY, _application(), follow=True)

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

    response = client.post(APPLY, _application(own_funds_som=own_funds_som))

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
    before = _snapshot()
    client.force_login(outsider)

    response = client.post(APPLY, _application(**overrides))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message is not None:
        assert str(message) in errors[field]
    assert _snapshot() == before
    assert not Membership.objects.filter(user=outsider).exists()


def test_own_funds_too_large_to_store_are_a_form_error_not_a_crash(
    client: Client, cast: Cast, outsider: User
) -> None:
    """10**17 so'm is 10**19 tiyin: more than a 64-bit integer column holds."""
    before = _snapshot()
    client.force_login(outsider)

    response = client.post(APPLY, _application(own_funds_som=str(10**17)))

    assert response.status_code == 400
    assert "own_funds_som" in response.context["form"].errors
    assert _snapshot() == before


@pytest.mark.parametrize("lang", ["uz", "ru", "en"])
def test_the_tin_error_is_shown_in_the_visitor_language(
    client: Client, cast: Cast, outsider: User, lang: str
) -> None:
    client.force_login(outsider)
    client.cookies["django_language"] = lang

    response = client.post(APPLY, _application(tin="30987654"))

    assert response.status_code == 400
    with translation.override(lang):
        expected = str(MSG_TIN)
    html = response.content.decode()
    assert escape(expected) in html
    if lang != "en":
        with translation.override("en"):
            assert str(MSG_TIN) != expected, f"MSG_TIN is not translated into {lang}"
    assert not ManagementCompany.objects.filter(tin="30987654").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_written(
    client: Client, cast: Cast, method: str
) -> None:
    before = _snapshot()

    response = getattr(client, method)(APPLY, _application() if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert _snapshot() == before


# --- a login that already works for an MC ------------------------------------------------


@pytest.mark.parametrize("persona", ["mc_director", "mc_dispatcher", "rival_mc"], indirect=True)
def test_mc_staff_cannot_apply_again_through_the_page(client: Client, persona: User) -> None:
    before = _snapshot()
    client.force_login(persona)

    response = client.post(APPLY, _application())

    assert response.status_code == 400
    assert str(MSG_ALREADY_STAFF) in response.context["form"].non_field_errors()
    assert escape(str(MSG_ALREADY_STAFF)) in response.content.decode()
    assert _snapshot() == before


def test_mc_staff_cannot_apply_again_through_the_service(mc_director: User) -> None:
    before = _snapshot()

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
    assert _snapshot() == before


def test_the_service_refuses_a_tin_already_in_the_register(cast: Cast, outsider: User) -> None:
    before = _snapshot()

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
    assert _snapshot() == before


# --- eligibility -------------------------------------------------------------------------


def test_the_cast_mc_is_eligible(cast: Cast) -> None:
    assert is_eligible(cast.mc)
    assert failing_requirements(cast.mc) == []
    assert _codes(requirements_of(cast.mc)) == [
        "registered",
        "own_funds",
        "material_base",
        "dispatch",
    ]


def test_own_funds_just_below_the_minimum_fail_only_that_requirement(cast: Cast) -> None:
    mc = cast.mc
    mc.own_funds_tiyin = django_settings.MC_MIN_OWN_FUNDS_SOM * 100 - 1

    assert _codes(failing_requirements(mc)) == ["own_funds"]
    assert not is_eligible(mc)


def test_own_funds_exactly_at_the_minimum_are_enough(cast: Cast) -> None:
    mc = cast.mc
    mc.own_funds_tiyin = django_settings.MC_MIN_OWN_FUNDS_SOM * 100

    assert is_eligible(mc)


def test_without_a_material_base_it_fails_that_requirement(cast: Cast) -> None:
    mc = cast.mc
    mc.has_material_base = False

    assert _codes(failing_requirements(mc)) == ["material_base"]


@pytest.mark.parametrize(
    "change",
    [{"dispatch_24h": False}, {"dispatch_phone": ""}],
    ids=["not-around-the-clock", "no-phone"],
)
def test_without_a_24_hour_dispatch_it_fails_that_requirement(
    cast: Cast, change: dict[str, Any]
) -> None:
    mc = cast.mc
    for name, value in change.items():
        setattr(mc, name, value)

    assert _codes(failing_requirements(mc)) == ["dispatch"]


@pytest.mark.parametrize(
    "status", [RegisterStatus.APPLIED, RegisterStatus.REJECTED, RegisterStatus.REMOVED]
)
def test_an_mc_not_registered_fails_only_the_registered_requirement(
    status: RegisterStatus,
) -> None:
    mc = _mc(status)

    assert _codes(failing_requirements(mc)) == ["registered"]
    assert not is_eligible(mc)


def test_the_minimum_own_funds_are_configurable(cast: Cast, settings: Any) -> None:
    funds_som = cast.mc.own_funds_tiyin // 100

    settings.MC_MIN_OWN_FUNDS_SOM = funds_som + 1
    assert _codes(failing_requirements(cast.mc)) == ["own_funds"]

    settings.MC_MIN_OWN_FUNDS_SOM = funds_som
    assert is_eligible(cast.mc)


def test_a_small_mc_becomes_eligible_when_the_minimum_is_lowered(settings: Any) -> None:
    settings.MC_MIN_OWN_FUNDS_SOM = 500_000_000
    mc = _mc(own_funds_tiyin=100_000_000 * 100)
    assert _codes(failing_requirements(mc)) == ["own_funds"]

    settings.MC_MIN_OWN_FUNDS_SOM = 100_000_000
    assert is_eligible(mc)


def test_the_own_funds_requirement_names_the_configured_minimum(cast: Cast, settings: Any) -> None:
    settings.MC_MIN_OWN_FUNDS_SOM = 250_000_000
    label_250 = {r.code: r.label for r in requirements_of(cast.mc)}["own_funds"]
    settings.MC_MIN_OWN_FUNDS_SOM = 750_000_000
    label_750 = {r.code: r.label for r in requirements_of(cast.mc)}["own_funds"]

    assert "250\u00a0000\u00a0000" in label_250
    assert "750\u00a0000\u00a0000" in label_750


def test_the_material_base_requirement_can_be_switched_off(cast: Cast, settings: Any) -> None:
    settings.MC_REQUIRE_MATERIAL_BASE = False
    mc = cast.mc
    mc.has_material_base = False
    mc.material_base = ""

    assert "material_base" not in _codes(requirements_of(mc))
    assert is_eligible(mc)


def test_the_dispatch_requirement_can_be_switched_off(cast: Cast, settings: Any) -> None:
    settings.MC_REQUIRE_DISPATCH = False
    mc = cast.mc
    mc.dispatch_24h = False

    assert "dispatch" not in _codes(requirements_of(mc))
    assert is_eligible(mc)


# --- verification ------------------------------------------------------------------------


def test_an_inspector_verifies_an_application_into_the_register(inspector: User) -> None:
    application = _mc(RegisterStatus.APPLIED)

    mc_verify(mc=application, inspector=inspector, accept=True)

    application.refresh_from_db()
    assert application.status == RegisterStatus.REGISTERED
    assert application.verified_by == inspector
    assert application.verified_at is not None
    assert is_eligible(application)


def test_an_inspector_rejects_an_application(inspector: User) -> None:
    application = _mc(RegisterStatus.APPLIED)

    mc_verify(mc=application, inspector=inspector, accept=False)

    application.refresh_from_db()
    assert application.status == RegisterStatus.REJECTED
    assert application.verified_by == inspector
    assert application.verified_at is not None
    assert not is_eligible(application)


@pytest.mark.parametrize(
    "status", [RegisterStatus.REGISTERED, RegisterStatus.REJECTED, RegisterStatus.REMOVED]
)
@pytest.mark.parametrize("accept", [True, False])
def test_only_an_application_can_be_verified(
    inspector: User, status: RegisterStatus, accept: bool
) -> None:
    mc = _mc(status)
    before = _snapshot()

    with pytest.raises(RegisterError) as refused:
        mc_verify(mc=mc, inspector=inspector, accept=accept)

    assert refused.value.message == str(MSG_NOT_APPLIED)
    assert _snapshot() == before
    mc.refresh_from_db()
    assert mc.verified_at is None


@pytest.mark.parametrize(
    ("action", "expected"),
    [("verify", RegisterStatus.REGISTERED), ("reject", RegisterStatus.REJECTED)],
)
def test_the_inspector_decides_through_the_admin_action(
    client: Client, inspector: User, action: str, expected: RegisterStatus
) -> None:
    application = _mc(RegisterStatus.APPLIED)
    client.force_login(inspector)

    response = client.post(ADMIN_MC, {"action": action, "_selected_action": [application.pk]})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == expected
    assert application.verified_by == inspector


def test_the_admin_verify_action_leaves_other_statuses_alone(
    client: Client, cast: Cast, inspector: User
) -> None:
    rejected = _mc(RegisterStatus.REJECTED)
    before = _snapshot()
    client.force_login(inspector)

    response = client.post(
        ADMIN_MC, {"action": "verify", "_selected_action": [cast.mc.pk, rejected.pk]}
    )

    assert response.status_code == 302
    assert _snapshot() == before


def test_the_admin_verify_message_reports_the_new_status(client: Client, inspector: User) -> None:
    """The inspector is told what the verification did: "registered", and no "not eligible"
    note for a company that meets every requirement."""
    application = _mc(RegisterStatus.APPLIED, name="Sergeli Servis MChJ")
    client.force_login(inspector)

    response = client.post(ADMIN_MC, {"action": "verify", "_selected_action": [application.pk]})

    application.refresh_from_db()
    assert application.status == RegisterStatus.REGISTERED
    assert is_eligible(application)
    [message] = [m for m in _messages(response) if "Sergeli Servis MChJ" in m]
    assert message == f"Sergeli Servis MChJ: {RegisterStatus.REGISTERED.label}"


@pytest.mark.parametrize("persona", ["owner", "mc_director", "council"], indirect=True)
def test_people_without_admin_access_cannot_verify(client: Client, persona: User) -> None:
    application = _mc(RegisterStatus.APPLIED)
    before = _snapshot()
    client.force_login(persona)

    response = client.post(ADMIN_MC, {"action": "verify", "_selected_action": [application.pk]})

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    assert _snapshot() == before


def test_a_staff_login_without_the_inspector_role_cannot_verify(client: Client) -> None:
    application = _mc(RegisterStatus.APPLIED)
    staff = UserFactory.create(is_staff=True)
    before = _snapshot()
    client.force_login(staff)

    response = client.post(ADMIN_MC, {"action": "verify", "_selected_action": [application.pk]})

    assert response.status_code == 403
    assert _snapshot() == before


# --- removal from the register -----------------------------------------------------------


@pytest.fixture
def lots(cast: Cast) -> dict[str, Lot]:
    return {
        "managed": _lot("UZ-TK-901", cast, LotStatus.MANAGED, cast.mc),
        "election": _lot("UZ-TK-902", cast, LotStatus.ELECTION, cast.mc),
        "approved": _lot("UZ-TK-903", cast, LotStatus.APPROVED, cast.mc),
        "rival_draft": _lot("UZ-TK-904", cast, LotStatus.DRAFT, cast.rival_mc),
        "rival_managed": _lot("UZ-TK-905", cast, LotStatus.MANAGED, cast.rival_mc),
    }


def test_removal_records_the_reason_and_sends_the_lots_to_reelection(
    cast: Cast, inspector: User, lots: dict[str, Lot]
) -> None:
    changes_before = LotStatusChange.objects.count()
    removed_on = dt.date(2026, 5, 20)

    removal, moved = mc_remove_from_register(
        mc=cast.mc, reason=REASON, removed_on=removed_on, inspector=inspector
    )

    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REMOVED
    assert Removal.objects.get(company=cast.mc) == removal
    assert removal.reason == REASON
    assert removal.removed_on == removed_on
    assert removal.inspector == inspector
    assert sorted(lot.code for lot in moved) == ["UZ-TK-901", "UZ-TK-902"]
    statuses = dict(Lot.objects.values_list("code", "status"))
    assert statuses == {
        "UZ-TK-901": LotStatus.REELECTION,
        "UZ-TK-902": LotStatus.REELECTION,
        "UZ-TK-903": LotStatus.APPROVED,
        "UZ-TK-904": LotStatus.DRAFT,
        "UZ-TK-905": LotStatus.MANAGED,
    }
    assert LotStatusChange.objects.count() == changes_before + 2
    for key, from_status in (("managed", LotStatus.MANAGED), ("election", LotStatus.ELECTION)):
        change = LotStatusChange.objects.get(lot=lots[key])
        assert change.from_status == from_status
        assert change.to_status == LotStatus.REELECTION
        assert change.by == inspector
        assert REASON in change.comment
    assert not LotStatusChange.objects.filter(
        lot__in=[lots["approved"], lots["rival_draft"], lots["rival_managed"]]
    ).exists()


def test_a_removed_mc_is_no_longer_eligible(cast: Cast, inspector: User) -> None:
    assert is_eligible(cast.mc)

    mc_remove_from_register(
        mc=cast.mc, reason=REASON, removed_on=dt.date(2026, 5, 20), inspector=inspector
    )

    cast.mc.refresh_from_db()
    assert _codes(failing_requirements(cast.mc)) == ["registered"]
    assert not is_eligible(cast.mc)


def test_removing_twice_is_refused_and_writes_nothing(
    cast: Cast, inspector: User, lots: dict[str, Lot]
) -> None:
    mc_remove_from_register(
        mc=cast.mc, reason=REASON, removed_on=dt.date(2026, 5, 20), inspector=inspector
    )
    _lot("UZ-TK-906", cast, LotStatus.MANAGED, cast.mc)  # would be moved by a second removal
    before = _snapshot()

    with pytest.raises(RegisterError) as refused:
        mc_remove_from_register(
            mc=cast.mc, reason="Yana bir bor", removed_on=dt.date(2026, 6, 1), inspector=inspector
        )

    assert refused.value.message == str(MSG_ALREADY_REMOVED)
    assert _snapshot() == before
    assert Removal.objects.filter(company=cast.mc).count() == 1


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_removal_without_a_reason_is_refused_and_writes_nothing(
    cast: Cast, inspector: User, lots: dict[str, Lot], reason: str
) -> None:
    before = _snapshot()

    with pytest.raises(ValidationError) as refused:
        mc_remove_from_register(
            mc=cast.mc, reason=reason, removed_on=dt.date(2026, 5, 20), inspector=inspector
        )

    assert "reason" in refused.value.message_dict
    assert _snapshot() == before
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REGISTERED


@pytest.mark.parametrize("status", [RegisterStatus.APPLIED, RegisterStatus.REJECTED])
def test_an_mc_never_in_the_register_cannot_be_removed_from_it(
    cast: Cast, national_inspector: User, status: RegisterStatus
) -> None:
    """Removing an application or a rejection would publish it: the public register shows
    removed companies, and applications and rejections are not public."""
    mc = _mc(status)
    before = _snapshot()

    with pytest.raises(RegisterError):
        mc_remove_from_register(
            mc=mc, reason=REASON, removed_on=dt.date(2026, 5, 20), inspector=national_inspector
        )

    assert _snapshot() == before
    assert mc.pk not in {entry.pk for entry in public_register()}


def test_the_inspector_removes_through_the_admin_action(
    client: Client, cast: Cast, inspector: User, lots: dict[str, Lot]
) -> None:
    client.force_login(inspector)
    before = _snapshot()
    selected = {"action": "remove_from_register", "_selected_action": [cast.mc.pk]}

    form_page = client.post(ADMIN_MC, selected)

    assert form_page.status_code == 200
    assert "admin/organizations/remove_from_register.html" in [t.name for t in form_page.templates]
    assert set(form_page.context["form"].fields) == {"reason", "removed_on"}
    assert list(form_page.context["companies"]) == [cast.mc]
    assert 'name="apply"' in form_page.content.decode()
    assert _snapshot() == before

    response = client.post(
        ADMIN_MC, {**selected, "reason": REASON, "removed_on": "2026-05-20", "apply": "1"}
    )

    assert response.status_code == 302
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REMOVED
    removal = Removal.objects.get(company=cast.mc)
    assert (removal.reason, removal.removed_on, removal.inspector) == (
        REASON,
        dt.date(2026, 5, 20),
        inspector,
    )
    lots["managed"].refresh_from_db()
    lots["election"].refresh_from_db()
    lots["rival_managed"].refresh_from_db()
    assert lots["managed"].status == LotStatus.REELECTION
    assert lots["election"].status == LotStatus.REELECTION
    assert lots["rival_managed"].status == LotStatus.MANAGED
    assert LotStatusChange.objects.count() == before["status_changes"] + 2


def test_the_admin_removal_form_without_a_reason_writes_nothing(
    client: Client, cast: Cast, inspector: User, lots: dict[str, Lot]
) -> None:
    client.force_login(inspector)
    before = _snapshot()

    response = client.post(
        ADMIN_MC,
        {
            "action": "remove_from_register",
            "_selected_action": [cast.mc.pk],
            "reason": "",
            "removed_on": "2026-05-20",
            "apply": "1",
        },
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["owner", "mc_director", "rival_mc"], indirect=True)
def test_people_without_admin_access_cannot_remove(
    client: Client, cast: Cast, persona: User, lots: dict[str, Lot]
) -> None:
    before = _snapshot()
    client.force_login(persona)

    response = client.post(
        ADMIN_MC,
        {
            "action": "remove_from_register",
            "_selected_action": [cast.mc.pk],
            "reason": REASON,
            "removed_on": "2026-05-20",
            "apply": "1",
        },
    )

    assert response.status_code in (302, 403)
    assert _snapshot() == before


# --- the public register -----------------------------------------------------------------


@pytest.fixture
def national_inspector(cast: Cast) -> User:
    user = UserFactory.create()
    membership_grant(user=user, role=Role.INSPECTOR, region_id=None)
    return user


@pytest.fixture
def register_world(cast: Cast, national_inspector: User) -> dict[str, ManagementCompany]:
    """cast.mc registered with a managed lot, the rival removed, an application, a rejection."""
    _lot("UZ-TK-901", cast, LotStatus.MANAGED, cast.mc)
    mc_remove_from_register(
        mc=cast.rival_mc,
        reason=REASON,
        removed_on=dt.date(2026, 5, 20),
        inspector=national_inspector,
    )
    cast.rival_mc.refresh_from_db()
    return {
        "registered": cast.mc,
        "removed": cast.rival_mc,
        "applied": _mc(RegisterStatus.APPLIED, name="Arizachi Servis MChJ", tin="311111111"),
        "rejected": _mc(RegisterStatus.REJECTED, name="Rad Etilgan MChJ", tin="322222222"),
    }


def test_the_register_page_lists_registered_and_removed_mcs_only(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    response = client.get(REGISTER)

    assert response.status_code == 200
    listed = {mc.pk for mc in response.context["page"].object_list}
    assert listed == {register_world["registered"].pk, register_world["removed"].pk}
    html = response.content.decode()
    assert escape(register_world["registered"].name) in html
    assert escape(register_world["removed"].name) in html
    assert REASON in html
    assert "20.05.2026" in html
    assert "Arizachi Servis MChJ" not in html
    assert "311111111" not in html
    assert "Rad Etilgan MChJ" not in html
    assert "322222222" not in html


def test_the_register_page_finds_an_mc_by_tin(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    mc = register_world["registered"]

    response = client.get(REGISTER, {"q": mc.tin})

    assert [entry.pk for entry in response.context["page"].object_list] == [mc.pk]


@pytest.mark.parametrize("hidden", ["applied", "rejected"])
def test_searching_the_register_does_not_reveal_applications_or_rejections(
    client: Client, register_world: dict[str, ManagementCompany], hidden: str
) -> None:
    mc = register_world[hidden]

    for query in (mc.tin, mc.name):
        response = client.get(REGISTER, {"q": query})
        assert list(response.context["page"].object_list) == []
        html = response.content.decode()
        assert f"<td>{escape(mc.name)}</td>" not in html  # the query is echoed in the box
        assert f"<td>{mc.tin}</td>" not in html


@pytest.mark.parametrize("status", ["registered", "removed"])
def test_the_register_page_filters_by_status(
    client: Client, register_world: dict[str, ManagementCompany], status: str
) -> None:
    response = client.get(REGISTER, {"status": status})

    assert [mc.pk for mc in response.context["page"].object_list] == [register_world[status].pk]


@pytest.mark.parametrize("status", ["applied", "rejected"])
def test_filtering_by_a_private_status_shows_nothing_private(
    client: Client, register_world: dict[str, ManagementCompany], status: str
) -> None:
    response = client.get(REGISTER, {"status": status})

    listed = {mc.pk for mc in response.context["page"].object_list}
    assert register_world[status].pk not in listed


def test_the_register_api_follows_the_same_rule(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    response = client.get(API_REGISTER)

    assert response.status_code == 200
    body = response.json()
    entries = {entry["tin"]: entry for entry in body["results"]}
    registered, removed = register_world["registered"], register_world["removed"]
    assert set(entries) == {registered.tin, removed.tin}
    assert body["count"] == 2
    assert entries[registered.tin] == {
        "id": registered.pk,
        "name": registered.name,
        "tin": registered.tin,
        "status": "registered",
        "lots_managed": 1,
        "eligible": True,
        "removals": [],
    }
    assert entries[removed.tin]["status"] == "removed"
    assert entries[removed.tin]["eligible"] is False
    assert entries[removed.tin]["removals"] == [{"removed_on": "2026-05-20", "reason": REASON}]


def test_the_register_api_searches_by_tin(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    registered, applied = register_world["registered"], register_world["applied"]

    found = client.get(API_REGISTER, {"q": registered.tin}).json()["results"]

    assert [entry["tin"] for entry in found] == [registered.tin]
    assert client.get(API_REGISTER, {"q": applied.tin}).json()["results"] == []


def test_an_ineligible_registered_mc_is_flagged_in_the_api(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.MC_MIN_OWN_FUNDS_SOM = cast.mc.own_funds_tiyin // 100 + 1

    entries = {e["tin"]: e for e in client.get(API_REGISTER).json()["results"]}

    assert entries[cast.mc.tin]["eligible"] is False


def test_the_eligibility_api_lists_the_requirements(
    client: Client, register_world: dict[str, ManagementCompany]
) -> None:
    registered, removed = register_world["registered"], register_world["removed"]

    response = client.get(f"/api/v1/register/{registered.pk}/eligibility/")

    assert response.status_code == 200
    body = response.json()
    assert [r["code"] for r in body] == ["registered", "own_funds", "material_base", "dispatch"]
    assert all(r["ok"] for r in body)
    assert [r["requirement"] for r in body] == [r.label for r in requirements_of(registered)]

    removed_body = client.get(f"/api/v1/register/{removed.pk}/eligibility/").json()
    assert {r["code"]: r["ok"] for r in removed_body}["registered"] is False


@pytest.mark.parametrize("hidden", ["applied", "rejected"])
def test_the_eligibility_api_hides_applications_and_rejections(
    client: Client, register_world: dict[str, ManagementCompany], hidden: str
) -> None:
    response = client.get(f"/api/v1/register/{register_world[hidden].pk}/eligibility/")

    assert response.status_code == 404


def test_the_eligibility_api_answers_404_for_an_unknown_mc(client: Client, cast: Cast) -> None:
    missing = ManagementCompany.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    assert client.get(f"/api/v1/register/{missing}/eligibility/").status_code == 404


# --- the staff page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["mc_director", "mc_dispatcher", "inspector", "other_inspector", "admin"],
    indirect=True,
)
def test_the_staff_page_opens_for_the_mc_and_the_inspection(
    client: Client, cast: Cast, persona: User
) -> None:
    client.force_login(persona)
    before = _snapshot()

    response = client.get(f"/organizations/{cast.mc.pk}/staff/")

    assert response.status_code == 200
    assert response.context["company"] == cast.mc
    assert _codes(response.context["requirements"]) == _codes(requirements_of(cast.mc))
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["rival_mc", "owner", "outsider", "council"], indirect=True)
def test_the_staff_page_is_404_for_everyone_else(client: Client, cast: Cast, persona: User) -> None:
    client.force_login(persona)
    before = _snapshot()

    response = client.get(f"/organizations/{cast.mc.pk}/staff/")

    assert response.status_code == 404
    assert escape(cast.mc.name) not in response.content.decode()
    assert _snapshot() == before


def test_the_staff_page_sends_anonymous_visitors_to_log_in(client: Client, cast: Cast) -> None:
    response = client.get(f"/organizations/{cast.mc.pk}/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


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
