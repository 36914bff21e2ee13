"""Payments in the inspection console (issue 10, points 7 and 11): provider transactions
and reconciliation flags, read-only for everyone (the administrator included: every change
is the providers' calls and the nightly task, through billing.payments.services), scoped to
the inspector's region through the apartment's building (billing.policies.
payments_oversight_q); a row outside the scope is 404, even by direct link."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import NotFoundOutsideScope
from accounts.permissions import roles_of
from billing.models import ProviderTransaction, ReconciliationFlag
from billing.policies import payments_oversight_q
from core.money import format_som


class ReadOnlyScoped(NotFoundOutsideScope):
    actions = None  # no bulk action, not even "delete selected"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        scope = payments_oversight_q(roles_of(request.user))
        return super().get_queryset(request).filter(scope)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _som(value: int | None) -> str:
    return "" if value is None else format_som(value)


@admin.register(ProviderTransaction)
class ProviderTransactionAdmin(ReadOnlyScoped):
    list_display = ["provider_id", "provider", "account_number", "amount", "state", "created"]
    list_filter = ["provider", "state"]
    search_fields = ["provider_id", "account_number"]
    list_select_related = ["apartment"]
    raw_id_fields = ["apartment"]
    readonly_fields = [
        "provider",
        "provider_id",
        "apartment",
        "account_number",
        "amount",
        "state",
        "reason",
        "provider_time_ms",
        "create_time_ms",
        "perform_time_ms",
        "cancel_time_ms",
        "payment",
        "reversal",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description=_("amount"), ordering="amount_tiyin")
    def amount(self, obj: ProviderTransaction) -> str:
        return _som(obj.amount_tiyin)

    @admin.display(description=_("created"), ordering="create_time_ms")
    def created(self, obj: ProviderTransaction) -> str:
        from django.utils import timezone

        from billing.payments.services import from_ms

        # in Asia/Tashkent, as every other time of the site
        return f"{timezone.localtime(from_ms(obj.create_time_ms)):%Y-%m-%d %H:%M:%S}"


@admin.register(ReconciliationFlag)
class ReconciliationFlagAdmin(ReadOnlyScoped):
    list_display = [
        "found_at",
        "provider",
        "provider_id",
        "kind",
        "account_number",
        "ours_amount",
        "theirs_amount",
        "ours_state",
        "theirs_state",
    ]
    list_filter = ["provider", "kind"]
    search_fields = ["provider_id", "account_number"]
    date_hierarchy = "found_at"
    readonly_fields = [
        "run",
        "provider",
        "provider_id",
        "kind",
        "apartment",
        "account_number",
        "ours_amount",
        "theirs_amount",
        "ours_state",
        "theirs_state",
        "found_at",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description=_("our amount"))
    def ours_amount(self, obj: ReconciliationFlag) -> str:
        return _som(obj.ours_amount_tiyin)

    @admin.display(description=_("provider's amount"))
    def theirs_amount(self, obj: ReconciliationFlag) -> str:
        return _som(obj.theirs_amount_tiyin)
