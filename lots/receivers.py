"""The councils' cached lists of lots (LOTS_STAMP) follow a lot and its buildings. The
owners' cached pages (buildings.owner_pages) follow a lot's rows: its status and manager
(the bill names the lot), and the buildings it holds. ``lots_changed`` renews the
stamps of every building of some lots, for the writers of lot-wide rows above this app
(the tariffs, suspensions and accrual of billing, the elections of voting)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save

from buildings.owner_pages import buildings_changed, follow
from core.stamps import stamps_renew
from lots.models import LOTS_STAMP, Lot, LotBuilding


def lot_buildings(lot_ids: Iterable[int | None]) -> list[int]:
    """The buildings of these lots (one query)."""
    ids = sorted({pk for pk in lot_ids if pk is not None})
    if not ids:
        return []
    return list(LotBuilding.objects.filter(lot_id__in=ids).values_list("building_id", flat=True))


def lots_changed(lot_ids: Iterable[int | None]) -> None:
    buildings_changed(lot_buildings(lot_ids))


follow(Lot, lambda lot: lot_buildings([lot.pk]), "lot")
follow(LotBuilding, lambda row: [row.building_id], "lot-building")


def _lots_changed(sender: object, **kwargs: object) -> None:
    stamps_renew([LOTS_STAMP])


for _signal in (post_save, post_delete):
    for _model in (Lot, LotBuilding):
        _signal.connect(
            _lots_changed, sender=_model, dispatch_uid=f"lots-{_model.__name__}-{_signal}"
        )
