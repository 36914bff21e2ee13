"""The register: eligibility for lot elections against the configured minimum
requirements."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings

from core.money import TIYIN_PER_SOM
from mening_uyim.demo import Cast
from organizations.eligibility import failing_requirements, is_eligible, requirements_of
from organizations.models import RegisterStatus
from tests.organizations.register_helpers import codes, make_mc

pytestmark = pytest.mark.django_db


def test_the_cast_mc_is_eligible(cast: Cast) -> None:
    assert is_eligible(cast.mc)
    assert failing_requirements(cast.mc) == []
    assert codes(requirements_of(cast.mc)) == [
        "registered",
        "own_funds",
        "material_base",
        "dispatch",
    ]


def test_own_funds_just_below_the_minimum_fail_only_that_requirement(cast: Cast) -> None:
    mc = cast.mc
    mc.own_funds_tiyin = django_settings.MC_MIN_OWN_FUNDS_SOM * TIYIN_PER_SOM - 1

    assert codes(failing_requirements(mc)) == ["own_funds"]
    assert not is_eligible(mc)


def test_own_funds_exactly_at_the_minimum_are_enough(cast: Cast) -> None:
    mc = cast.mc
    mc.own_funds_tiyin = django_settings.MC_MIN_OWN_FUNDS_SOM * TIYIN_PER_SOM

    assert is_eligible(mc)


def test_without_a_material_base_it_fails_that_requirement(cast: Cast) -> None:
    mc = cast.mc
    mc.has_material_base = False

    assert codes(failing_requirements(mc)) == ["material_base"]


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

    assert codes(failing_requirements(mc)) == ["dispatch"]


@pytest.mark.parametrize(
    "status", [RegisterStatus.APPLIED, RegisterStatus.REJECTED, RegisterStatus.REMOVED]
)
def test_an_mc_not_registered_fails_only_the_registered_requirement(
    status: RegisterStatus,
) -> None:
    mc = make_mc(status)

    assert codes(failing_requirements(mc)) == ["registered"]
    assert not is_eligible(mc)


def test_the_minimum_own_funds_are_configurable(cast: Cast, settings: Any) -> None:
    funds_som = cast.mc.own_funds_tiyin // TIYIN_PER_SOM

    settings.MC_MIN_OWN_FUNDS_SOM = funds_som + 1
    assert codes(failing_requirements(cast.mc)) == ["own_funds"]

    settings.MC_MIN_OWN_FUNDS_SOM = funds_som
    assert is_eligible(cast.mc)


def test_a_small_mc_becomes_eligible_when_the_minimum_is_lowered(settings: Any) -> None:
    settings.MC_MIN_OWN_FUNDS_SOM = 500_000_000
    mc = make_mc(own_funds_tiyin=100_000_000 * TIYIN_PER_SOM)
    assert codes(failing_requirements(mc)) == ["own_funds"]

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

    assert "material_base" not in codes(requirements_of(mc))
    assert is_eligible(mc)


def test_the_dispatch_requirement_can_be_switched_off(cast: Cast, settings: Any) -> None:
    settings.MC_REQUIRE_DISPATCH = False
    mc = cast.mc
    mc.dispatch_24h = False

    assert "dispatch" not in codes(requirements_of(mc))
    assert is_eligible(mc)
