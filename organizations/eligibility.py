"""Eligibility of an MC for lot elections (DOMAIN.md "Minimum requirements", configurable)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.money import TIYIN_PER_SOM, format_som
from organizations.models import ManagementCompany, RegisterStatus


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str
    ok: bool
    detail: str


def requirements_of(mc: ManagementCompany) -> list[Requirement]:
    """Each minimum requirement with whether ``mc`` meets it and why not."""
    minimum = settings.MC_MIN_OWN_FUNDS_SOM * TIYIN_PER_SOM
    result = [
        Requirement(
            "registered",
            _("Registered and verified by the inspection"),
            mc.status == RegisterStatus.REGISTERED,
            mc.get_status_display(),
        ),
        Requirement(
            "own_funds",
            _("Own funds of at least %(amount)s") % {"amount": format_som(minimum)},
            mc.own_funds_tiyin >= minimum,
            format_som(mc.own_funds_tiyin),
        ),
    ]
    if settings.MC_REQUIRE_MATERIAL_BASE:
        result.append(
            Requirement(
                "material_base",
                _("A material and technical base"),
                mc.has_material_base,
                mc.material_base[:120],
            )
        )
    if settings.MC_REQUIRE_DISPATCH:
        result.append(
            Requirement(
                "dispatch",
                _("A 24-hour dispatch service (phone, staffed around the clock)"),
                bool(mc.dispatch_phone) and mc.dispatch_24h,
                mc.dispatch_phone,
            )
        )
    return result


def failing_requirements(mc: ManagementCompany) -> list[Requirement]:
    return [r for r in requirements_of(mc) if not r.ok]


def is_eligible(mc: ManagementCompany) -> bool:
    """Only a registered MC meeting every minimum requirement can stand in a lot election."""
    return not failing_requirements(mc)
