"""Reads of general meetings for other apps' services (DOMAIN.md "General meeting":
"Decisions can conclude contracts, for example approving a lease").

These are not scoped by a login: they answer a service's question about a building
("may this lease be registered?"). Whatever reaches a user is scoped through
voting.policies.meeting_scope_q.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from voting.models import Decision, QuestionKind


def passed_decisions(building: Any, kind: str | QuestionKind) -> QuerySet[Decision]:
    """The passed decisions of ``building``'s general meetings on questions of ``kind``,
    the latest first; a contract refers to one by its stable ``uid``."""
    return (
        Decision.objects.filter(building_id=building.pk, kind=str(kind), passed=True)
        .select_related("question", "meeting")
        .order_by("-decided_at", "-pk")
    )
