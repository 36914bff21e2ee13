"""State changes of the register: application, verification, removal; the figures other
apps write into the scorecards (a read model, ARCHITECTURE.md "Layout")."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import MC_ROLES, Membership, Role, User
from accounts.permissions import roles_of
from accounts.services import membership_grant
from core.money import TIYIN_PER_SOM
from organizations.models import ManagementCompany, RegisterStatus, Removal, Scorecard
from organizations.policies import may_verify

MSG_TIN_TAKEN = _("A management company with this TIN is already in the register.")
MSG_ALREADY_STAFF = _("Your login already works for a management company.")
MSG_VERIFY_INSPECTORS = _("Only inspectors verify applications.")
MSG_NOT_APPLIED = _("Only an application can be verified.")
MSG_ALREADY_REMOVED = _("This management company is already removed from the register.")
MSG_NOT_REGISTERED = _("Only a registered management company can be removed from the register.")


class RegisterError(Exception):
    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)


@transaction.atomic
def mc_apply(
    *,
    user: User,
    name: str,
    tin: str,
    address: str,
    own_funds_som: int,
    has_material_base: bool,
    material_base: str,
    dispatch_phone: str,
    dispatch_24h: bool,
    staff_count: int,
) -> ManagementCompany:
    """An MC applies to the register; the applicant becomes its director."""
    if Membership.objects.active().filter(user=user, role__in=MC_ROLES).exists():
        raise RegisterError(MSG_ALREADY_STAFF)
    if ManagementCompany.objects.filter(tin=tin).exists():
        raise RegisterError(MSG_TIN_TAKEN)
    mc = ManagementCompany(
        name=name.strip(),
        tin=tin.strip(),
        address=address.strip(),
        own_funds_tiyin=own_funds_som * TIYIN_PER_SOM,
        has_material_base=has_material_base,
        material_base=material_base.strip(),
        dispatch_phone=dispatch_phone.strip(),
        dispatch_24h=dispatch_24h,
        staff_count=staff_count,
        status=RegisterStatus.APPLIED,
        applied_at=timezone.now(),
    )
    mc.full_clean()
    try:
        with transaction.atomic():
            mc.save()
    except IntegrityError:  # a concurrent application with the same TIN
        raise RegisterError(MSG_TIN_TAKEN) from None
    membership_grant(user=user, role=Role.MC_DIRECTOR, organization_id=mc.pk)
    return mc


@transaction.atomic
def mc_verify(*, mc: ManagementCompany, inspector: User, accept: bool) -> ManagementCompany:
    """The inspection verifies an application: registered, or rejected."""
    if not may_verify(roles_of(inspector)):
        raise RegisterError(MSG_VERIFY_INSPECTORS)
    mc = ManagementCompany.objects.select_for_update().get(pk=mc.pk)
    if mc.status != RegisterStatus.APPLIED:
        raise RegisterError(MSG_NOT_APPLIED)
    mc.status = RegisterStatus.REGISTERED if accept else RegisterStatus.REJECTED
    mc.verified_at = timezone.now()
    mc.verified_by = inspector
    mc.save(update_fields=["status", "verified_at", "verified_by"])
    return mc


@transaction.atomic
def mc_remove(
    *, mc: ManagementCompany, reason: str, removed_on: dt.date, inspector: User
) -> Removal:
    """Remove an MC from the register (DOMAIN.md). Its lots are sent to re-election by the
    lots app's service, which calls this one (``lots.services.mc_remove_from_register``)."""
    mc = ManagementCompany.objects.select_for_update().get(pk=mc.pk)
    if mc.status == RegisterStatus.REMOVED:
        raise RegisterError(MSG_ALREADY_REMOVED)
    if mc.status != RegisterStatus.REGISTERED:
        # An application or a rejected company was never in the public register.
        raise RegisterError(MSG_NOT_REGISTERED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the removal.")})
    removal = Removal(company=mc, reason=reason.strip(), removed_on=removed_on, inspector=inspector)
    removal.full_clean()
    removal.save()
    mc.status = RegisterStatus.REMOVED
    mc.save(update_fields=["status"])
    return removal


def _scorecard_locked(company_id: int) -> Scorecard:
    try:
        with transaction.atomic():
            card, _created = Scorecard.objects.select_for_update().get_or_create(
                company_id=company_id
            )
    except IntegrityError:  # created by a concurrent writer
        card = Scorecard.objects.select_for_update().get(company_id=company_id)
    return card


@transaction.atomic
def scorecard_dispatch_set(
    *,
    company_id: int,
    deadlines_met_percent: int | None,
    hours_to_resolve: int | None,
    rating_tenths: int | None,
) -> int:
    """The dispatch figures of the company's scorecard (dispatch.scores: the share of
    tickets resolved within their deadline, the median hours to resolve, the owners'
    average rating in tenths of a star); None = no ticket to measure yet. Written only
    when one changes; returns 1 if it did."""
    card = _scorecard_locked(company_id)
    figures = {
        "deadlines_met_percent": deadlines_met_percent,
        "hours_to_resolve": hours_to_resolve,
        "rating_tenths": rating_tenths,
    }
    if all(getattr(card, k) == v for k, v in figures.items()):
        return 0
    for key, value in figures.items():
        setattr(card, key, value)
    card.full_clean()
    card.save(update_fields=[*figures, "updated_at"])
    return 1


@transaction.atomic
def scorecard_reports_set(*, company_id: int, percent: int | None) -> Scorecard:
    """The share of the company's quarterly reports filed on time (billing.reports
    ``reports_on_time_percent``), None = nothing owed yet; written only when it changes."""
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError({"reports_on_time_percent": _("A percent is between 0 and 100.")})
    card = _scorecard_locked(company_id)
    if card.reports_on_time_percent != percent:
        card.reports_on_time_percent = percent
        card.full_clean()
        card.save(update_fields=["reports_on_time_percent", "updated_at"])
    return card
