"""Lease or gratuitous use of common property (DOMAIN.md "Billing"; issue 10 point 10).

- ``lease_record``: the MC of the building's lot records a contract. It rests on a
  general-meeting decision of that building, named by its ``uid``: the decision must
  exist, be of the building, be on the right question (a lease: ``lease``; gratuitous
  use: ``common_property_use``), be qualified, have passed, precede the signing, and
  approve no other contract. Otherwise the contract is refused, and the message names
  every condition that fails.
- ``lease_register``: the MC adds the tax authority's registration number and date,
  once; the date is not before the signing and not after today.
- ``lease_violations_flag`` (the daily beat task): the **registration rule**. "Within 30
  days of signing" (``LEASE_REGISTRATION_DAYS``): with day *k* meaning ``signed_on + k``
  days, the deadline is day 30, and a registration dated on or before it is on time. On
  day 30 an unregistered contract is not yet a violation; from day 31 on, a contract
  without a registration dated by the deadline is one, recorded once per contract (a
  contract registered late, after day 30, is a violation too: it was unregistered on day
  31 whenever the task saw it).
- A violation leads to the MC's removal from the register (DOMAIN.md). With
  ``LEASE_VIOLATION_AUTO_REMOVAL`` on, the task removes it at once through the register's
  removal service (lots.services.mc_remove_from_register: its lots go to re-election), in
  the name of the inspector login ``LEASE_VIOLATION_REMOVAL_INSPECTOR``; off (the
  default), the region's inspectors see the violation and remove the MC through the same
  service, from the register's "remove from the register" action in the console.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import roles_of
from billing import policies
from billing.models import LeaseContract, LeaseKind, LeaseViolation
from billing.services import BillingError
from buildings.models import Building
from core.money import format_som
from lots.errors import LotError
from lots.models import Lot, LotBuilding
from lots.services import mc_remove_from_register
from organizations.services import RegisterError
from voting.models import Decision, QuestionKind, QuestionRule

MSG_NO_LOT = _("This building is in no lot: a contract is recorded by the MC of the lot.")
MSG_MAY_NOT_RECORD = _(
    "A contract of common property is recorded by the staff of the management company that "
    "manages the building's lot."
)
MSG_DECISION_UNKNOWN = _("There is no general meeting decision with this id.")
MSG_DECISION_ELSEWHERE = _("The decision is not one of this building's general meetings.")
MSG_DECISION_KIND = _("The decision is not on %(kind)s.")
MSG_DECISION_NOT_QUALIFIED = _("The decision was not taken by a qualified majority.")
MSG_DECISION_NOT_PASSED = _("The decision did not pass.")
MSG_DECISION_AFTER_SIGNING = _("The contract was signed before the general meeting decided.")
MSG_DECISION_USED = _("This decision already approves another contract.")
MSG_KIND = _("A contract is a lease or a gratuitous use.")
MSG_TERM = _("The term ends before it starts.")
MSG_SIGNED_IN_FUTURE = _("The signing date cannot be later than today.")
MSG_LEASE_RENT = _("A lease has a rent of more than zero; gratuitous use has none.")
MSG_GRATUITOUS_RENT = _("Gratuitous use has no rent.")
MSG_RENT_TOO_HIGH = _("A rent of more than %(max)s a month is not plausible.")
MSG_MAY_NOT_REGISTER = _(
    "The tax registration is recorded by the staff of the management company that manages the lot."
)
MSG_ALREADY_REGISTERED = _("The contract's tax registration is already recorded.")
MSG_NUMBER_REQUIRED = _("Enter the tax registration number.")
MSG_REGISTERED_BEFORE_SIGNING = _("The registration date cannot be before the signing date.")
MSG_REGISTERED_IN_FUTURE = _("The registration date cannot be later than today.")
MSG_AUTO_NO_INSPECTOR = _(
    "The inspector login in whose name an automatic removal is recorded "
    "(LEASE_VIOLATION_REMOVAL_INSPECTOR) does not exist or is not active."
)
MSG_REMOVAL_REASON = _(
    "Lease contract #%(n)s (%(object)s), signed on %(signed)s, was not registered with the "
    "tax authority by %(deadline)s."
)

MAX_RENT_TIYIN = 10**11 * 100  # a hundred billion so'm a month

# the question a contract of each kind rests on
DECISION_KIND = {
    LeaseKind.LEASE: QuestionKind.LEASE,
    LeaseKind.GRATUITOUS: QuestionKind.COMMON_PROPERTY_USE,
}


def decision_find(uid: Any) -> Decision | None:
    try:
        key = uid if isinstance(uid, uuid.UUID) else uuid.UUID(str(uid).strip())
    except ValueError:
        return None
    return Decision.objects.filter(uid=key).first()


def decision_problems(
    decision: Decision | None, *, building: Building, kind: str, signed_on: dt.date
) -> list[str]:
    """Every condition the decision fails for a contract of ``kind`` of ``building`` (an
    empty list: it approves the contract). A decision of another building says nothing
    more about itself."""
    if decision is None:
        return [str(MSG_DECISION_UNKNOWN)]
    if decision.building_id != building.pk:
        return [str(MSG_DECISION_ELSEWHERE)]
    problems = []
    wanted = DECISION_KIND[LeaseKind(kind)]
    if decision.kind != wanted:
        problems.append(str(MSG_DECISION_KIND % {"kind": wanted.label}))
    if decision.rule != QuestionRule.QUALIFIED:
        problems.append(str(MSG_DECISION_NOT_QUALIFIED))
    if not decision.passed:
        problems.append(str(MSG_DECISION_NOT_PASSED))
    if signed_on < timezone.localdate(decision.decided_at):
        problems.append(str(MSG_DECISION_AFTER_SIGNING))
    if LeaseContract.objects.filter(decision=decision).exists():
        problems.append(str(MSG_DECISION_USED))
    return problems


def _lot_of(building: Building) -> Lot | None:
    member = LotBuilding.objects.filter(building_id=building.pk).select_related("lot").first()
    return member.lot if member is not None else None


@transaction.atomic
def lease_record(
    *,
    building: Building,
    kind: str,
    lessee_name: str,
    lessee_tin: str,
    object_description: str,
    starts_on: dt.date,
    ends_on: dt.date,
    rent_tiyin: int,
    signed_on: dt.date,
    decision_uid: Any,
    by: Any,
    object_area_m2: Decimal | None = None,
    at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> LeaseContract:
    """Record a lease (rent > 0 tiyin a month) or a gratuitous use (rent 0) of the common
    property of ``building`` (DOMAIN.md "Billing": "A lease of common property needs a
    general meeting decision (qualified)"). See the module docstring for the decision's
    conditions; the refusal names every one that fails."""
    at = at or timezone.now()
    today = today or timezone.localdate(at)
    lot = _lot_of(building)
    if lot is None:
        raise BillingError(MSG_NO_LOT)
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    if not policies.may_record_lease(roles_of(by), lot) or lot.manager_id is None:
        raise BillingError(MSG_MAY_NOT_RECORD)
    if kind not in LeaseKind.values:
        raise BillingError(MSG_KIND)
    if not isinstance(rent_tiyin, int) or isinstance(rent_tiyin, bool):
        raise TypeError("money must be an integer number of tiyin")
    problems = []
    if kind == LeaseKind.LEASE and rent_tiyin <= 0:
        problems.append(str(MSG_LEASE_RENT))
    if kind == LeaseKind.GRATUITOUS and rent_tiyin != 0:
        problems.append(str(MSG_GRATUITOUS_RENT))
    if rent_tiyin > MAX_RENT_TIYIN:
        problems.append(str(MSG_RENT_TOO_HIGH % {"max": format_som(MAX_RENT_TIYIN)}))
    if ends_on < starts_on:
        problems.append(str(MSG_TERM))
    if signed_on > today:
        problems.append(str(MSG_SIGNED_IN_FUTURE))
    decision = decision_find(decision_uid)
    problems += decision_problems(decision, building=building, kind=kind, signed_on=signed_on)
    if problems:
        raise BillingError(" ".join(problems))
    assert decision is not None
    contract = LeaseContract(
        lot=lot,
        building=building,
        company_id=lot.manager_id,
        kind=kind,
        lessee_name=lessee_name.strip(),
        lessee_tin=lessee_tin.strip(),
        object_description=object_description.strip(),
        object_area_m2=object_area_m2,
        starts_on=starts_on,
        ends_on=ends_on,
        rent_tiyin=rent_tiyin,
        signed_on=signed_on,
        decision=decision,
        recorded_by=by,
        recorded_at=at,
    )
    try:
        contract.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise BillingError(" ".join(exc.messages)) from None
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:  # a concurrent contract took the decision first
        raise BillingError(MSG_DECISION_USED) from None
    return contract


@transaction.atomic
def lease_register(
    *,
    contract: LeaseContract,
    number: str,
    registered_on: dt.date,
    by: Any,
    at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> LeaseContract:
    """Record the tax authority's registration of a contract (DOMAIN.md "Billing":
    "registration number and date"), once. A registration dated after the deadline is
    recorded as it is: it does not undo the violation (see the module docstring)."""
    at = at or timezone.now()
    today = today or timezone.localdate(at)
    contract = LeaseContract.objects.select_for_update().get(pk=contract.pk)
    if not policies.may_register_lease(roles_of(by), contract):
        raise BillingError(MSG_MAY_NOT_REGISTER)
    if contract.registered:
        raise BillingError(MSG_ALREADY_REGISTERED)
    number = number.strip()
    if not number:
        raise BillingError(MSG_NUMBER_REQUIRED)
    if registered_on < contract.signed_on:
        raise BillingError(MSG_REGISTERED_BEFORE_SIGNING)
    if registered_on > today:
        raise BillingError(MSG_REGISTERED_IN_FUTURE)
    contract.tax_registration_number = number
    contract.tax_registered_on = registered_on
    contract.registration_recorded_by = by
    contract.registration_recorded_at = at
    try:
        contract.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise BillingError(" ".join(exc.messages)) from None
    contract.save(
        update_fields=[
            "tax_registration_number",
            "tax_registered_on",
            "registration_recorded_by",
            "registration_recorded_at",
        ]
    )
    return contract


def registration_days() -> int:
    return int(settings.LEASE_REGISTRATION_DAYS)


def registration_deadline(signed_on: dt.date) -> dt.date:
    """The last day a registration is on time: day N after signing (module docstring)."""
    return signed_on + dt.timedelta(days=registration_days())


def overdue_q(today: dt.date) -> Q:
    """Contracts that are violations on ``today``: signed more than N days ago, with no
    registration dated by their deadline."""
    days = dt.timedelta(days=registration_days())
    return Q(signed_on__lt=today - days) & (
        Q(tax_registered_on__isnull=True) | Q(tax_registered_on__gt=F("signed_on") + days)
    )


def lease_violations_flag(
    *, today: dt.date | None = None, at: dt.datetime | None = None
) -> list[LeaseViolation]:
    """The registration rule (module docstring), run daily by the beat task: record a
    violation, once, for each contract overdue on ``today``; with the automatic removal
    on, remove its MC from the register. Each contract in its own database transaction,
    so that a failure on one leaves the others recorded; a concurrent run records
    nothing twice (one violation per contract, a unique constraint)."""
    at = at or timezone.now()
    today = today or timezone.localdate(at)
    found = []
    overdue = (
        LeaseContract.objects.filter(overdue_q(today), violation__isnull=True)
        .order_by("pk")
        .values_list("pk", "company_id", "signed_on")
    )
    for pk, company_id, signed_on in overdue:
        try:
            with transaction.atomic():
                violation = LeaseViolation.objects.create(
                    contract_id=pk,
                    company_id=company_id,
                    deadline=registration_deadline(signed_on),
                    detected_on=today,
                    detected_at=at,
                )
        except IntegrityError:
            if LeaseViolation.objects.filter(contract_id=pk).exists():
                continue  # a concurrent run recorded it
            raise
        if settings.LEASE_VIOLATION_AUTO_REMOVAL:
            violation_remove_automatically(violation=violation, today=today)
        found.append(violation)
    return found


def violation_remove_automatically(*, violation: LeaseViolation, today: dt.date) -> None:
    """Remove the violation's MC from the register through the register's own service, in
    the name of ``LEASE_VIOLATION_REMOVAL_INSPECTOR``. When it cannot (no such inspector,
    not allowed, already removed), the violation says why, and an inspector acts."""
    email = str(settings.LEASE_VIOLATION_REMOVAL_INSPECTOR).strip()
    inspector = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    error = ""
    if inspector is None:
        error = str(MSG_AUTO_NO_INSPECTOR)
    else:
        contract = violation.contract
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(MSG_REMOVAL_REASON) % {
                "n": contract.pk,
                "object": contract.object_description,
                "signed": f"{contract.signed_on:%d.%m.%Y}",
                "deadline": f"{violation.deadline:%d.%m.%Y}",
            }
        try:
            with transaction.atomic():
                removal, _lots = mc_remove_from_register(
                    mc=violation.company, reason=reason, removed_on=today, inspector=inspector
                )
                violation.removal = removal
                violation.save(update_fields=["removal"])
                return
        except (LotError, RegisterError) as exc:
            error = exc.message
        except ValidationError as exc:
            error = " ".join(exc.messages)
    violation.removal_error = error[:300]
    violation.save(update_fields=["removal_error"])
