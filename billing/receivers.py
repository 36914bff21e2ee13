"""The owners' cached pages (buildings.owner_pages) follow the money: a lot's tariffs,
suspensions and skipped months renew the stamps of the lot's buildings. The ledger is
written in bulk (billing.ledger.transaction_post, billing.accrual), which renew the stamps
themselves; a provider's payment is posted through the ledger."""

from __future__ import annotations

from billing.models import SuspendedMonth, Suspension, Tariff
from buildings.owner_pages import follow
from lots.receivers import lot_buildings

for _model in (Tariff, Suspension, SuspendedMonth):
    follow(_model, lambda row: lot_buildings([row.lot_id]), f"billing-{_model.__name__}")
