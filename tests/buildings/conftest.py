from __future__ import annotations

import datetime as dt
from typing import Any

from buildings.models import ELEMENTS


def wear(**values: float | None) -> dict[str, Any]:
    """All elements at 10 % unless overridden."""
    base: dict[str, Any] = dict.fromkeys(ELEMENTS, 10)
    base.update(values)
    return base


TODAY = dt.date(2026, 11, 1)
