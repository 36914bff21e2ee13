"""Payments through the providers (DOMAIN.md "Billing": "Payments through Payme (Merchant
API, JSON-RPC) and Click (SHOP API, prepare/complete), keyed by the apartment's personal
account number"; issue 10, points 4-7).

- ``ProviderTransaction``: one payment as a provider knows it, under the provider's own id
  (Payme's ``params.id``, Click's ``click_trans_id``), unique per provider: a retry or a
  concurrent duplicate finds the same row. Its state follows Payme's four states (Click's
  prepare/complete map onto them), with the times in milliseconds that Payme's replies carry,
  and it links to the ledger transaction of the payment and to that of its reversal. The
  check constraints tie each state to its links, so that a performed payment always has its
  ledger transaction and a created one never does.
- ``ClickPrepare`` / ``ClickComplete``: what Click sent (its payment document number, the
  amount exactly as sent, the signing times, Click's error on complete). At most one
  successful and one failed complete per prepare (partial unique indexes).
- ``ReconciliationRun`` / ``ReconciliationFlag``: the nightly comparison with each provider's
  statement, and every difference found, for the inspectors (flagged once per provider id
  and kind of difference).

Accounts are accumulative: an apartment has any number of transactions, partial payments
and overpayments alike; nothing here ties a transaction to a bill.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    PAYME = "payme", "Payme"
    CLICK = "click", "Click"


class PaymentState(models.IntegerChoices):
    """Payme's transaction states (developer.help.paycom.uz, "Merchant API")."""

    CREATED = 1, _("created, awaiting payment")
    PERFORMED = 2, _("performed")
    CANCELLED = -1, _("cancelled")
    CANCELLED_AFTER_PERFORM = -2, _("cancelled after it was performed")


class CancelReason(models.IntegerChoices):
    """Payme's cancel reasons (developer.help.paycom.uz, "Merchant API", CancelTransaction)."""

    RECEIVER_NOT_FOUND = 1, _("a receiver was not found or is inactive")
    DEBIT_ERROR = 2, _("debit error at the processing centre")
    EXECUTION_ERROR = 3, _("transaction execution error")
    TIMEOUT = 4, _("cancelled by timeout")
    REFUND = 5, _("refund")
    UNKNOWN = 10, _("unknown error")


class ProviderTransaction(models.Model):
    """A payment as one provider knows it; its ledger transactions once performed."""

    provider = models.CharField(_("provider"), max_length=8, choices=Provider.choices)
    provider_id = models.CharField(_("provider's transaction id"), max_length=64)
    apartment = models.ForeignKey(
        "buildings.Apartment",
        on_delete=models.PROTECT,
        related_name="provider_transactions",
        verbose_name=_("apartment"),
    )
    account_number = models.CharField(_("personal account number"), max_length=12)
    amount_tiyin = models.BigIntegerField(_("amount, tiyin"))
    state = models.SmallIntegerField(_("state"), choices=PaymentState.choices)
    reason = models.SmallIntegerField(_("cancel reason"), null=True, blank=True)
    # the provider's time of the transaction (Payme's "time"; Click's sign_time of the
    # prepare): what the statements and GetStatement are ordered and windowed by
    provider_time_ms = models.BigIntegerField(_("provider's time, ms"))
    create_time_ms = models.BigIntegerField(_("created, ms"))
    perform_time_ms = models.BigIntegerField(_("performed, ms"), default=0)
    cancel_time_ms = models.BigIntegerField(_("cancelled, ms"), default=0)
    payment = models.OneToOneField(
        "billing.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger transaction of the payment"),
    )
    reversal = models.OneToOneField(
        "billing.LedgerTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger transaction of the reversal"),
    )

    class Meta:
        verbose_name = _("provider transaction")
        verbose_name_plural = _("provider transactions")
        ordering = ["-create_time_ms", "-id"]
        constraints = [
            # a retry or a concurrent duplicate of the provider finds this row
            models.UniqueConstraint(
                fields=["provider", "provider_id"], name="payment_once_per_provider_id"
            ),
            models.CheckConstraint(
                condition=Q(provider__in=["payme", "click"]), name="payment_known_provider"
            ),
            models.CheckConstraint(condition=Q(amount_tiyin__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=(
                    Q(
                        state=1,
                        payment__isnull=True,
                        reversal__isnull=True,
                        perform_time_ms=0,
                        cancel_time_ms=0,
                        reason__isnull=True,
                    )
                    | Q(
                        state=2,
                        payment__isnull=False,
                        reversal__isnull=True,
                        perform_time_ms__gt=0,
                        cancel_time_ms=0,
                        reason__isnull=True,
                    )
                    | Q(
                        state=-1,
                        payment__isnull=True,
                        reversal__isnull=True,
                        perform_time_ms=0,
                        cancel_time_ms__gt=0,
                    )
                    | Q(
                        state=-2,
                        payment__isnull=False,
                        reversal__isnull=False,
                        perform_time_ms__gt=0,
                        cancel_time_ms__gt=0,
                    )
                ),
                name="payment_state_matches_ledger",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "provider_time_ms"], name="payment_provider_time"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_id}"


class ClickPrepare(models.Model):
    """Click's Prepare (action 0), as Click sent it; its pk is not the merchant_prepare_id
    (that is the transaction's)."""

    transaction = models.OneToOneField(
        ProviderTransaction,
        on_delete=models.PROTECT,
        related_name="click_prepare",
        verbose_name=_("provider transaction"),
    )
    click_paydoc_id = models.BigIntegerField(_("Click payment document"))
    amount_sent = models.CharField(_("amount as sent, so'm"), max_length=24)
    sign_time = models.CharField(_("signing time"), max_length=32)
    received_at = models.DateTimeField(_("received"))

    class Meta:
        verbose_name = _("Click prepare")
        verbose_name_plural = _("Click prepares")

    def __str__(self) -> str:
        return f"click prepare {self.transaction_id}"


class ClickComplete(models.Model):
    """Click's Complete (action 1) that changed the transaction: its first successful one
    (``click_error`` 0) and its first failed one (``click_error`` < 0), at most one each."""

    prepare = models.ForeignKey(
        ClickPrepare,
        on_delete=models.PROTECT,
        related_name="completes",
        verbose_name=_("Click prepare"),
    )
    click_error = models.IntegerField(_("Click's error"))
    error_note = models.CharField(_("Click's note"), max_length=300, blank=True)
    sign_time = models.CharField(_("signing time"), max_length=32)
    received_at = models.DateTimeField(_("received"))

    class Meta:
        verbose_name = _("Click complete")
        verbose_name_plural = _("Click completes")
        constraints = [
            models.CheckConstraint(condition=Q(click_error__lte=0), name="click_error_code"),
            models.UniqueConstraint(
                fields=["prepare"], condition=Q(click_error=0), name="click_one_success"
            ),
            models.UniqueConstraint(
                fields=["prepare"], condition=Q(click_error__lt=0), name="click_one_failure"
            ),
        ]

    def __str__(self) -> str:
        return f"click complete {self.prepare_id}: {self.click_error}"


class StatementState(models.TextChoices):
    """A payment's state as both sides' statements compare it."""

    PENDING = "pending", _("pending")
    PERFORMED = "performed", _("performed")
    CANCELLED = "cancelled", _("cancelled")
    REVERSED = "reversed", _("reversed after it was performed")


class ReconciliationRun(models.Model):
    """One comparison of a provider's statement with ours over a window (once per window:
    a retry of the nightly task is a no-op)."""

    provider = models.CharField(_("provider"), max_length=8, choices=Provider.choices)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ours = models.PositiveIntegerField(_("our transactions"), default=0)
    theirs = models.PositiveIntegerField(_("provider's transactions"), default=0)
    flagged = models.PositiveIntegerField(_("differences"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-window_start", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "window_start", "window_end"], name="reconciliation_once"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="reconciliation_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.window_start:%Y-%m-%d}"


class FlagKind(models.TextChoices):
    MISSING_HERE = "missing_here", _("at the provider, not in our records")
    MISSING_THERE = "missing_there", _("in our records, not at the provider")
    AMOUNT = "amount", _("amounts differ")
    STATE = "state", _("states differ")


class ReconciliationFlag(models.Model):
    """A difference between a provider's statement and ours, for the inspectors; flagged
    once per (provider, provider's id, kind), by the first run that saw it."""

    run = models.ForeignKey(
        ReconciliationRun,
        on_delete=models.PROTECT,
        related_name="flags",
        verbose_name=_("reconciliation run"),
    )
    provider = models.CharField(_("provider"), max_length=8, choices=Provider.choices)
    provider_id = models.CharField(_("provider's transaction id"), max_length=64)
    kind = models.CharField(_("difference"), max_length=16, choices=FlagKind.choices)
    # the apartment of our transaction, or of the provider's account number when it is
    # one of ours (an unknown number leaves it empty: national inspectors see those)
    apartment = models.ForeignKey(
        "buildings.Apartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("apartment"),
    )
    account_number = models.CharField(_("personal account number"), max_length=64, blank=True)
    ours_amount_tiyin = models.BigIntegerField(_("our amount, tiyin"), null=True, blank=True)
    theirs_amount_tiyin = models.BigIntegerField(
        _("provider's amount, tiyin"), null=True, blank=True
    )
    ours_state = models.CharField(
        _("our state"), max_length=12, choices=StatementState.choices, blank=True
    )
    theirs_state = models.CharField(
        _("provider's state"), max_length=12, choices=StatementState.choices, blank=True
    )
    found_at = models.DateTimeField(_("found"))

    class Meta:
        verbose_name = _("reconciliation flag")
        verbose_name_plural = _("reconciliation flags")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_id", "kind"], name="reconciliation_flag_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_id} {self.kind}"
