"""What a signed-in request's query count includes before the page's own queries."""

from __future__ import annotations

from django.conf import settings


def session_queries() -> int:
    """The session's read: a query with database sessions, none with ``cached_db`` (the
    settings' choice where REDIS_URL is set), whose cache holds a session from its login."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
