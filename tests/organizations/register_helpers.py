"""Shared by the register tests: the data of a qualified MC and of an application, and
a snapshot of every table a refused register action must not touch."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.contrib.messages import get_messages

from accounts.models import Membership
from core.money import TIYIN_PER_SOM
from lots.models import Lot, LotStatus, LotStatusChange
from mening_uyim.demo import Cast
from organizations.models import ManagementCompany, RegisterStatus, Removal
from tests.factories import ManagementCompanyFactory

APPLY = "/organizations/apply/"
REGISTER = "/organizations/"
API_REGISTER = "/api/v1/register/"
ADMIN_MC = "/admin/organizations/managementcompany/"
NEW_TIN = "309876543"
REASON = "Dispetcherlik xizmati 3 oy davomida ishlamadi"
CAST_MC_TIN = "<tin of cast.mc>"  # replaced by the test: parameters are built before the cast


def qualified(**overrides: Any) -> dict[str, Any]:
    """Fields of an MC meeting every minimum requirement as configured right now."""
    fields: dict[str, Any] = {
        "own_funds_tiyin": django_settings.MC_MIN_OWN_FUNDS_SOM * TIYIN_PER_SOM,
        "has_material_base": True,
        "material_base": "Ustaxona, 2 ta avtomashina",
        "dispatch_phone": "+998712000050",
        "dispatch_24h": True,
        "staff_count": 20,
    }
    fields.update(overrides)
    return fields


def make_mc(
    status: RegisterStatus = RegisterStatus.REGISTERED, **overrides: Any
) -> ManagementCompany:
    return ManagementCompanyFactory.create(status=status, **qualified(**overrides))


def application_data(**overrides: str) -> dict[str, str]:
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


def make_lot(code: str, cast: Cast, status: LotStatus, manager: ManagementCompany | None) -> Lot:
    return Lot.objects.create(code=code, region=cast.region, status=status, manager=manager)


def snapshot() -> dict[str, Any]:
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


def codes(requirements: Any) -> list[str]:
    return [r.code for r in requirements]


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]
