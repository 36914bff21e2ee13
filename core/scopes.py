"""Shared pieces of the apps' policies (each app's ``policies.py``)."""

from __future__ import annotations

from django.db.models import Q

# A filter that matches no row: the scope of a login with no right to anything. Django
# answers it without a query (an empty ``IN``), and it combines with ``|`` like any Q.
NOTHING = Q(pk__in=[])
