"""The register: removal by the inspection, with a reason, sending the MC's lots to
re-election (service and admin)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from lots.models import Lot, LotStatus, LotStatusChange
from lots.services import mc_remove_from_register
from mening_uyim.demo import Cast
from organizations.eligibility import failing_requirements, is_eligible
from organizations.models import RegisterStatus, Removal
from organizations.selectors import public_register
from organizations.services import MSG_ALREADY_REMOVED, RegisterError
from tests.organizations.register_helpers import (
    ADMIN_MC,
    REASON,
    codes,
    make_lot,
    make_mc,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lots(cast: Cast) -> dict[str, Lot]:
    return {
        "managed": make_lot("UZ-TK-901", cast, LotStatus.MANAGED, cast.mc),
        "election": make_lot("UZ-TK-902", cast, LotStatus.ELECTION, cast.mc),
        "approved": make_lot("UZ-TK-903", cast, LotStatus.APPROVED, cast.mc),
        "rival_draft": make_lot("UZ-TK-904", cast, LotStatus.DRAFT, cast.rival_mc),
        "rival_managed": make_lot("UZ-TK-905", cast, LotStatus.MANAGED, cast.rival_mc),
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
    assert codes(failing_requirements(cast.mc)) == ["registered"]
    assert not is_eligible(cast.mc)


def test_removing_twice_is_refused_and_writes_nothing(
    cast: Cast, inspector: User, lots: dict[str, Lot]
) -> None:
    mc_remove_from_register(
        mc=cast.mc, reason=REASON, removed_on=dt.date(2026, 5, 20), inspector=inspector
    )
    make_lot("UZ-TK-906", cast, LotStatus.MANAGED, cast.mc)  # would be moved by a second removal
    before = snapshot()

    with pytest.raises(RegisterError) as refused:
        mc_remove_from_register(
            mc=cast.mc, reason="Yana bir bor", removed_on=dt.date(2026, 6, 1), inspector=inspector
        )

    assert refused.value.message == str(MSG_ALREADY_REMOVED)
    assert snapshot() == before
    assert Removal.objects.filter(company=cast.mc).count() == 1


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_removal_without_a_reason_is_refused_and_writes_nothing(
    cast: Cast, inspector: User, lots: dict[str, Lot], reason: str
) -> None:
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        mc_remove_from_register(
            mc=cast.mc, reason=reason, removed_on=dt.date(2026, 5, 20), inspector=inspector
        )

    assert "reason" in refused.value.message_dict
    assert snapshot() == before
    cast.mc.refresh_from_db()
    assert cast.mc.status == RegisterStatus.REGISTERED


@pytest.mark.parametrize("status", [RegisterStatus.APPLIED, RegisterStatus.REJECTED])
def test_an_mc_never_in_the_register_cannot_be_removed_from_it(
    cast: Cast, national_inspector: User, status: RegisterStatus
) -> None:
    """Removing an application or a rejection would publish it: the public register shows
    removed companies, and applications and rejections are not public."""
    mc = make_mc(status)
    before = snapshot()

    with pytest.raises(RegisterError):
        mc_remove_from_register(
            mc=mc, reason=REASON, removed_on=dt.date(2026, 5, 20), inspector=national_inspector
        )

    assert snapshot() == before
    assert mc.pk not in {entry.pk for entry in public_register()}


def test_the_inspector_removes_through_the_admin_action(
    client: Client, cast: Cast, inspector: User, lots: dict[str, Lot]
) -> None:
    client.force_login(inspector)
    before = snapshot()
    selected = {"action": "remove_from_register", "_selected_action": [cast.mc.pk]}

    form_page = client.post(ADMIN_MC, selected)

    assert form_page.status_code == 200
    assert "admin/organizations/remove_from_register.html" in [t.name for t in form_page.templates]
    assert set(form_page.context["form"].fields) == {"reason", "removed_on"}
    assert list(form_page.context["companies"]) == [cast.mc]
    assert 'name="apply"' in form_page.content.decode()
    assert snapshot() == before

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
    before = snapshot()

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
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["owner", "mc_director", "rival_mc"], indirect=True)
def test_people_without_admin_access_cannot_remove(
    client: Client, cast: Cast, persona: User, lots: dict[str, Lot]
) -> None:
    before = snapshot()
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
    assert snapshot() == before
