"""Automatic ticket triage (DOMAIN.md "Dispatch (24-hour service) and appeals").

    from dispatch.triage import triage
    result = triage("Podyezdda gaz hidi kelyapti")
    # Triage(category="gas", urgency="emergency", confidence=..., needs_review=..., rule=...)

`triage(text)` is thread-safe and never raises on odd input; settings TRIAGE_REVIEW_BELOW
(default 0.6) and TRIAGE_MODEL_PATH (default VAR_DIR/triage/model.joblib).
"""

from __future__ import annotations

from dispatch.triage.labels import CATEGORIES, URGENCIES
from dispatch.triage.triager import Triage, triage

__all__ = ["CATEGORIES", "URGENCIES", "Triage", "triage"]
