"""The public register's cached pages (organizations.views.register) follow their rows: a
management company, its scorecard, a removal or a lot (its manager and status make "lots
managed") saved or deleted one by one renews REGISTER_STAMP. Every writer of those rows
saves them one by one (organizations.services, lots.services ``lot_status_set``); the one
bulk UPDATE of lots (lots.forming, drafts discarded) never touches a managed lot."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from core.stamps import stamps_renew
from organizations.models import REGISTER_STAMP, ManagementCompany, Removal, Scorecard


def _register_changed(sender: Any, **kwargs: Any) -> None:
    stamps_renew([REGISTER_STAMP])


for _signal in (post_save, post_delete):
    # the lots app sits above this one: its model by name
    for _model in (ManagementCompany, Scorecard, Removal, "lots.Lot"):
        _signal.connect(
            _register_changed, sender=_model, dispatch_uid=f"register-{_model}-{_signal}"
        )
