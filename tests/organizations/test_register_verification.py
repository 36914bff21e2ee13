"""The register: an inspector verifies or rejects an application (service and admin),
and nobody else can."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from mening_uyim.demo import Cast
from organizations.eligibility import is_eligible
from organizations.models import RegisterStatus
from organizations.services import MSG_NOT_APPLIED, RegisterError, mc_verify
from tests.factories import UserFactory
from tests.organizations.register_helpers import ADMIN_MC, make_mc, messages_of, snapshot

pytestmark = pytest.mark.django_db


def test_an_inspector_verifies_an_application_into_the_register(inspector: User) -> None:
    application = make_mc(RegisterStatus.APPLIED)

    mc_verify(mc=application, inspector=inspector, accept=True)

    application.refresh_from_db()
    assert application.status == RegisterStatus.REGISTERED
    assert application.verified_by == inspector
    assert application.verified_at is not None
    assert is_eligible(application)


def test_an_inspector_rejects_an_application(inspector: User) -> None:
    application = make_mc(RegisterStatus.APPLIED)

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
    mc = make_mc(status)
    before = snapshot()

    with pytest.raises(RegisterError) as refused:
        mc_verify(mc=mc, inspector=inspector, accept=accept)

    assert refused.value.message == str(MSG_NOT_APPLIED)
    assert snapshot() == before
    mc.refresh_from_db()
    assert mc.verified_at is None


@pytest.mark.parametrize(
    ("action", "expected"),
    [("verify", RegisterStatus.REGISTERED), ("reject", RegisterStatus.REJECTED)],
)
def test_the_inspector_decides_through_the_admin_action(
    client: Client, inspector: User, action: str, expected: RegisterStatus
) -> None:
    application = make_mc(RegisterStatus.APPLIED)
    client.force_login(inspector)

    response = client.post(ADMIN_MC, {"action": action, "_selected_action": [application.pk]})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == expected
    assert application.verified_by == inspector


def test_the_admin_verify_action_leaves_other_statuses_alone(
    client: Client, cast: Cast, inspector: User
) -> None:
    rejected = make_mc(RegisterStatus.REJECTED)
    before = snapshot()
    client.force_login(inspector)

    response = client.post(
        ADMIN_MC, {"action": "verify", "_selected_action": [cast.mc.pk, rejected.pk]}
    )

    assert response.status_code == 302
    assert snapshot() == before


def test_the_admin_verify_message_reports_the_new_status(client: Client, inspector: User) -> None:
    """The inspector is told what the verification did: "registered", and no "not eligible"
    note for a company that meets every requirement."""
    application = make_mc(RegisterStatus.APPLIED, name="Sergeli Servis MChJ")
    client.force_login(inspector)

    response = client.post(ADMIN_MC, {"action": "verify", "_selected_action": [application.pk]})

    application.refresh_from_db()
    assert application.status == RegisterStatus.REGISTERED
    assert is_eligible(application)
    [message] = [m for m in messages_of(response) if "Sergeli Servis MChJ" in m]
    assert message == f"Sergeli Servis MChJ: {RegisterStatus.REGISTERED.label}"


@pytest.mark.parametrize("persona", ["owner", "mc_director", "council"], indirect=True)
def test_people_without_admin_access_cannot_verify(client: Client, persona: User) -> None:
    application = make_mc(RegisterStatus.APPLIED)
    before = snapshot()
    client.force_login(persona)

    response = client.post(ADMIN_MC, {"action": "verify", "_selected_action": [application.pk]})

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    assert snapshot() == before


def test_a_staff_login_without_the_inspector_role_cannot_verify(client: Client) -> None:
    application = make_mc(RegisterStatus.APPLIED)
    staff = UserFactory.create(is_staff=True)
    before = snapshot()
    client.force_login(staff)

    response = client.post(ADMIN_MC, {"action": "verify", "_selected_action": [application.pk]})

    assert response.status_code == 403
    assert snapshot() == before
