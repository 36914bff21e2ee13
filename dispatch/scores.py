"""The dispatch figures of the MCs' scorecards, per company and per lot (DOMAIN.md "MC
scorecards": share of deadlines met, time to resolve, owners' ratings), from the tickets:

- **deadlines met**: of the tickets resolved, the share resolved by their resolution
  deadline and never escalated (a breach counts whatever happened after);
- **time to resolve**: the median hours from filing to resolution;
- **rating**: the owners' average, in tenths of a star.

None where there is nothing to measure yet ("no data", never a made-up number)."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Exists, OuterRef, Q

from dispatch.models import Escalation, Ticket


def _figures(rows: list[tuple[Any, Any, Any, bool, int | None]]) -> dict[str, int | None]:
    resolved = [(c, r, d, e) for c, r, d, e, _rating in rows if r is not None]
    ratings = [rating for *_rest, rating in rows if rating is not None]
    met = [r <= d and not escalated for _c, r, d, escalated in resolved]
    hours = [(r - c).total_seconds() / 3600 for c, r, _d, _e in resolved]
    return {
        "deadlines_met_percent": round(100 * sum(met) / len(met)) if met else None,
        "hours_to_resolve": round(statistics.median(hours)) if hours else None,
        "rating_tenths": round(10 * sum(ratings) / len(ratings)) if ratings else None,
    }


def _rows(condition: Q) -> list[tuple[Any, ...]]:
    escalated = Escalation.objects.filter(ticket=OuterRef("pk"), kind="resolution")
    return list(
        Ticket.objects.filter(condition)
        .annotate(escalated=Exists(escalated))
        .values_list(
            "company_id", "created_at", "resolved_at", "resolution_due_at", "escalated", "rating"
        )
    )


def company_figures(company_ids: list[int]) -> dict[int, dict[str, int | None]]:
    """Each company's figures (one query)."""
    by_company: dict[int, list[tuple[Any, Any, Any, bool, int | None]]] = {
        pk: [] for pk in company_ids
    }
    for company_id, *rest in _rows(Q(company_id__in=company_ids)):
        by_company[company_id].append(tuple(rest))
    return {pk: _figures(rows) for pk, rows in by_company.items()}


def lot_figures(lot_id: int) -> dict[str, int | None]:
    """The lot's figures, over its tickets whatever their MC (one query)."""
    return _figures([tuple(rest) for _company, *rest in _rows(Q(lot_id=lot_id))])
