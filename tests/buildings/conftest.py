from __future__ import annotations

import datetime as dt
from typing import Any


def wear(**values: float | None) -> dict[str, Any]:
    """All elements at 10 % unless overridden."""
    base: dict[str, Any] = {
        e: 10
        for e in (
            "foundation",
            "walls",
            "floors",
            "roof",
            "facade",
            "heating",
            "water",
            "electricity",
            "gas",
            "elevators",
        )
    }
    base.update(values)
    return base


TODAY = dt.date(2026, 11, 1)
