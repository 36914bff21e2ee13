"""Billing in the inspection console: read-only, region by region.

**Read-only for everyone, the superuser included.** The ledger is append-only (DOMAIN.md
"Billing": a correction is a reversing transaction, never an edit), and every other row
here is written by a service that checks its rules (billing.revenue, billing.leases). So
no page here adds, changes or deletes anything, and no bulk action is offered: a POST is
refused (403).

**Scope**: a regional inspector sees the transactions of the lots of their region and
those touching its apartments (with both sides of each), the accounts of the MCs with a
lot there, and the revenue, contracts and violations of its lots (billing.policies); a
national inspector and the administrator see all. Rows outside the scope are 404, even by
direct link.

Each model has its own class in its own section below: the ledger, then additional
revenue and leases. (Payments and reconciliation get sections of their own.)
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import NotFoundOutsideScope, ReadOnly
from accounts.permissions import UserRoles, roles_of
from billing import policies
from billing.models import (
    AdditionalRevenue,
    LeaseContract,
    LeaseViolation,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from buildings.admin import RegionScopedAdmin
from core.money import format_som

# --- shared parts --------------------------------------------------------------------------


class PolicyScopedAdmin(ReadOnly, NotFoundOutsideScope):
    """Rows outside the login's scope (``scope``: a billing.policies rule) do not exist."""

    def scope(self, roles: UserRoles) -> Q:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(self.scope(roles_of(request.user)))


class ReadOnlyRegionAdmin(ReadOnly, RegionScopedAdmin):
    pass


def _link(target: Model | None, text: object = None) -> str:
    if target is None:
        return "—"
    opts = target._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
    return format_html('<a href="{}">{}</a>', url, target if text is None else text)


def _som(tiyin: int | None) -> str:
    return "—" if tiyin is None else format_som(int(tiyin))


# --- the ledger ----------------------------------------------------------------------------

INLINE_ENTRIES = 100  # an accrual of a lot has one entry per apartment: the rest is a list


class LedgerEntryInline(ReadOnly, admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ("kind", "account", "apartment", "period", "amount")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerEntry]:
        return super().get_queryset(request).select_related("account__company", "apartment")

    @admin.display(description=_("amount"))
    def amount(self, obj: LedgerEntry) -> str:
        return _som(obj.amount_tiyin)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(PolicyScopedAdmin):
    """An MC's accounts and the providers' clearing accounts, with the cached balance
    (proven equal to the entries by ``ledger_check``)."""

    def scope(self, roles: UserRoles) -> Q:
        return policies.ledger_account_q(roles)

    list_display = ("__str__", "kind", "company", "provider", "balance")
    list_filter = ("kind",)
    search_fields = ("=company__tin", "company__name")
    list_select_related = ("company",)
    fields = readonly_fields = ("kind", "company", "provider", "balance", "entries_link")

    @admin.display(description=_("balance"))
    def balance(self, obj: LedgerAccount) -> str:
        return _som(obj.balance_tiyin)

    @admin.display(description=_("entries"))
    def entries_link(self, obj: LedgerAccount) -> str:
        url = reverse("admin:billing_ledgerentry_changelist")
        return format_html('<a href="{}?account__id__exact={}">{}</a>', url, obj.pk, _("entries"))


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(PolicyScopedAdmin):
    """A transaction with its entries (the first hundred here; all of them in the list of
    entries, linked)."""

    def scope(self, roles: UserRoles) -> Q:
        return policies.ledger_transaction_q(roles)

    list_display = ("__str__", "kind", "at", "period", "lot", "memo")
    list_filter = ("kind",)
    search_fields = ("=id", "=lot__code")
    list_select_related = ("lot",)
    show_full_result_count = False
    fields = readonly_fields = (
        "kind",
        "at",
        "period",
        "lot",
        "reverses",
        "memo",
        "by",
        "all_entries",
    )
    inlines = (LedgerEntryInline,)

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, LedgerEntryInline) and obj is not None:
            first = obj.entries.order_by("pk").values_list("pk", flat=True)[:INLINE_ENTRIES]
            kwargs["queryset"] = kwargs["queryset"].filter(pk__in=list(first)).order_by("pk")
        return kwargs

    @admin.display(description=_("entries"))
    def all_entries(self, obj: LedgerTransaction) -> str:
        url = reverse("admin:billing_ledgerentry_changelist")
        count = obj.entries.count()
        return format_html('<a href="{}?transaction__id__exact={}">{}</a>', url, obj.pk, count)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(PolicyScopedAdmin):
    def scope(self, roles: UserRoles) -> Q:
        return policies.ledger_entry_q(roles)

    list_display = ("transaction", "kind", "account", "apartment", "period", "amount")
    list_filter = ("kind",)
    search_fields = ("=transaction__id", "=apartment__account_number")
    list_select_related = ("transaction", "account__company", "apartment")
    show_full_result_count = False
    fields = readonly_fields = ("transaction", "kind", "account", "apartment", "period", "amount")

    @admin.display(description=_("amount"))
    def amount(self, obj: LedgerEntry) -> str:
        return _som(obj.amount_tiyin)


# --- additional revenue and leases ---------------------------------------------------------


@admin.register(AdditionalRevenue)
class AdditionalRevenueAdmin(ReadOnlyRegionAdmin):
    """Revenue as the MC declared it, with its document and its ledger transaction."""

    region_path = "lot__region_id"
    list_display = ("received_on", "lot", "company", "kind", "counterparty", "amount")
    list_filter = ("kind",)
    search_fields = ("=lot__code", "=company__tin", "counterparty")
    list_select_related = ("lot", "company")
    fields = readonly_fields = (
        "lot",
        "company",
        "kind",
        "counterparty",
        "counterparty_tin",
        "lease_link",
        "amount",
        "received_on",
        "document_link",
        "note",
        "transaction_link",
        "recorded_by",
        "recorded_at",
    )

    @admin.display(description=_("amount"))
    def amount(self, obj: AdditionalRevenue) -> str:
        return _som(obj.amount_tiyin)

    @admin.display(description=_("document"))
    def document_link(self, obj: AdditionalRevenue) -> str:
        url = reverse("billing:revenue_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))

    @admin.display(description=_("lease contract"))
    def lease_link(self, obj: AdditionalRevenue) -> str:
        return _link(obj.lease)

    @admin.display(description=_("ledger transaction"))
    def transaction_link(self, obj: AdditionalRevenue) -> str:
        return _link(obj.transaction)


@admin.register(LeaseContract)
class LeaseContractAdmin(ReadOnlyRegionAdmin):
    region_path = "lot__region_id"
    list_display = (
        "__str__",
        "lot",
        "building",
        "company",
        "kind",
        "signed_on",
        "tax_registration_number",
        "tax_registered_on",
    )
    list_filter = ("kind",)
    search_fields = ("=lot__code", "=company__tin", "lessee_name", "=tax_registration_number")
    list_select_related = ("lot", "building", "company")
    fields = readonly_fields = (
        "lot",
        "building",
        "company",
        "kind",
        "lessee_name",
        "lessee_tin",
        "object_description",
        "object_area_m2",
        "starts_on",
        "ends_on",
        "rent",
        "signed_on",
        "decision_link",
        "recorded_by",
        "recorded_at",
        "tax_registration_number",
        "tax_registered_on",
        "registration_recorded_by",
        "registration_recorded_at",
    )

    @admin.display(description=_("rent, a month"))
    def rent(self, obj: LeaseContract) -> str:
        return _som(obj.rent_tiyin)

    @admin.display(description=_("general meeting decision"))
    def decision_link(self, obj: LeaseContract) -> str:
        return _link(obj.decision.meeting, obj.decision_id)


@admin.register(LeaseViolation)
class LeaseViolationAdmin(ReadOnlyRegionAdmin):
    """A contract unregistered past its deadline. The MC is removed through the register's
    "remove from the register" action on its page (linked), unless the automatic removal
    did it already."""

    region_path = "contract__lot__region_id"
    list_display = ("contract", "company", "deadline", "detected_on", "removal", "removal_error")
    search_fields = ("=company__tin", "=contract__lot__code")
    list_select_related = ("contract", "company", "removal")
    fields = readonly_fields = (
        "contract_link",
        "company_link",
        "deadline",
        "detected_on",
        "detected_at",
        "removal",
        "removal_error",
    )

    @admin.display(description=_("contract"))
    def contract_link(self, obj: LeaseViolation) -> str:
        return _link(obj.contract)

    @admin.display(description=_("management company"))
    def company_link(self, obj: LeaseViolation) -> str:
        return _link(obj.company)


from billing import report_admin  # noqa: E402, F401 (registers its pages)
from billing.payments import admin as payments_admin  # noqa: E402, F401 (registers its pages)
