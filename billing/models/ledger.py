"""The ledger (DOMAIN.md "Billing"): double entry and append-only.

- A ``LedgerTransaction`` is one economic event (a month's accrual of a lot, a payment,
  its reversal, a revenue record, a correction). Its ``LedgerEntry`` rows sum to zero:
  debits are positive amounts, credits negative, in integer tiyin.
- Accounts: each apartment's **receivable** is the apartment itself (``LedgerEntry.apartment``),
  so that 2 million accounts need no rows of their own before the first charge; each
  MC's **contribution income** and **additional revenue** (and what it received for the
  latter), and each payment provider's **clearing** account, are ``LedgerAccount`` rows.
- Balances are derived from entries. The MC accounts keep a cached balance (a handful of
  rows, updated in the same database transaction as their entries; ``ledger_check``
  proves it equal to the entries); provider clearing accounts do not, so that payments
  never queue on one hot row.
- A charge is an entry of kind ``charge`` with its month: a partial unique index allows
  one charge per (apartment, month), which makes a re-run of the accrual a no-op.
- Nothing is updated or deleted: the model and queryset refuse it, and on PostgreSQL so
  do triggers (migration 0002), which also check at commit that every transaction sums
  to zero and that no entry joins a transaction committed earlier.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EntryImmutable(Exception):
    """The ledger is append-only: a correction is a reversing transaction."""


class AccountKind(models.TextChoices):
    RECEIVABLE = "receivable", _("apartment receivable")
    CONTRIBUTIONS = "contributions", _("contribution income")
    REVENUE = "revenue", _("additional revenue")
    REVENUE_RECEIVED = "revenue_received", _("additional revenue received")
    CLEARING = "clearing", _("provider clearing")


MC_KINDS = (AccountKind.CONTRIBUTIONS, AccountKind.REVENUE, AccountKind.REVENUE_RECEIVED)


class TransactionKind(models.TextChoices):
    ACCRUAL = "accrual", _("accrual")
    PAYMENT = "payment", _("payment")
    REVERSAL = "reversal", _("reversal")
    REVENUE = "revenue", _("additional revenue")
    CORRECTION = "correction", _("correction")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise EntryImmutable("update")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise EntryImmutable("delete")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise EntryImmutable("bulk_update")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise EntryImmutable(self.pk)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise EntryImmutable(self.pk)


class LedgerAccount(models.Model):
    """An MC's account of one kind, or a provider's clearing account."""

    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    company = models.ForeignKey(
        "organizations.ManagementCompany",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    provider = models.CharField(_("provider"), max_length=16, blank=True)
    # MC accounts only; proven equal to the entries by ledger_check
    balance_tiyin = models.BigIntegerField(_("balance, tiyin"), default=0)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[k.value for k in MC_KINDS], company__isnull=False, provider="")
                    | Q(kind=AccountKind.CLEARING, company__isnull=True) & ~Q(provider="")
                ),
                name="ledger_account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "company"],
                condition=Q(company__isnull=False),
                name="ledger_account_once_per_company",
            ),
            models.UniqueConstraint(
                fields=["kind", "provider"],
                condition=Q(company__isnull=True),
                name="ledger_account_once_per_provider",
            ),
        ]

    def __str__(self) -> str:
        owner = self.provider or str(self.company_id)
        return f"{self.kind}:{owner}"


class LedgerTransaction(AppendOnly):
    """One economic event; its entries sum to zero."""

    kind = models.CharField(_("kind"), max_length=12, choices=TransactionKind.choices)
    at = models.DateTimeField(_("at"))
    period = models.DateField(_("month"), null=True, blank=True)
    lot = models.ForeignKey(
        "lots.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="accrual") | Q(period__isnull=False, lot__isnull=False),
                name="ledger_accrual_has_lot_and_month",
            ),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False),
                name="ledger_reversal_names_its_original",
            ),
            # one accrual of a lot per month: a re-run finds it with one probe per lot
            models.UniqueConstraint(
                fields=["lot", "period"],
                condition=Q(kind="accrual"),
                name="ledger_one_accrual_per_lot_month",
            ),
        ]
        indexes = [models.Index(fields=["kind", "period"], name="ledger_txn_kind_period")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class LedgerEntry(AppendOnly):
    """One side of a transaction: an apartment's receivable or a ledger account, debited
    (positive) or credited (negative)."""

    # The references to the transaction, the apartment and the account are checked by the
    # database set-based, once per INSERT statement, instead of by a foreign-key trigger
    # per row (migrations 0005 and 0008: a month's accrual writes two million entries,
    # and even a NULL account queued one deferred check per row); the ORM still protects
    # all three from deletion, and on PostgreSQL so do triggers.
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries", db_constraint=False
    )
    apartment = models.ForeignKey(
        "buildings.Apartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,  # ledger_entry_apartment leads with it
    )
    account = models.ForeignKey(
        LedgerAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_constraint=False,
        db_index=False,  # ledger_entry_account leads with it
    )
    amount_tiyin = models.BigIntegerField(_("amount, tiyin"))
    # "charge" for an accrual's debit of an apartment (with its month); the transaction's
    # kind otherwise
    kind = models.CharField(_("kind"), max_length=12)
    period = models.DateField(_("month"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(apartment__isnull=True, account__isnull=False)
                | Q(apartment__isnull=False, account__isnull=True),
                name="ledger_entry_one_account",
            ),
            models.CheckConstraint(condition=~Q(amount_tiyin=0), name="ledger_entry_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="charge")
                | Q(apartment__isnull=False, period__isnull=False, amount_tiyin__gt=0),
                name="ledger_charge_is_an_apartments_month",
            ),
            # DOMAIN.md: exactly one charge per (apartment, month). The month leads, so a
            # month's two million charges fill one fresh range of the index (as into an
            # empty table) instead of splitting pages all over it.
            models.UniqueConstraint(
                fields=["period", "apartment"],
                condition=Q(kind="charge"),
                name="ledger_one_charge_per_apartment_month",
            ),
        ]
        indexes = [
            models.Index(fields=["apartment", "transaction"], name="ledger_entry_apartment"),
            models.Index(
                fields=["account", "transaction"],
                name="ledger_entry_account",
                condition=Q(account__isnull=False),  # not the millions of receivable rows
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id}: {self.amount_tiyin}"
