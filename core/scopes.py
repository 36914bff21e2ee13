"""Shared pieces of the apps' policies (each app's ``policies.py``)."""

from __future__ import annotations

from django.db.models import Q

# A filter that matches no row: the scope of a login with no right to anything. Django
# answers it without a query (an empty ``IN``), and it combines with ``|`` like any Q.
NOTHING = Q(pk__in=[])

# A filter that matches every row: the scope of the administrator and of a national
# inspector. Not ``Q()``: Django drops an empty Q from an OR (``Q() | Q(a=1)`` is
# ``Q(a=1)``), so a policy that widens "everything" with "| its own rows" would silently
# narrow it to its own rows. The negated empty ``IN`` compiles to no condition at all.
EVERYTHING = ~NOTHING
