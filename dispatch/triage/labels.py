"""The triage label sets, exactly as DOMAIN.md "Dispatch (24-hour service) and appeals"
names them."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "plumbing",
    "heating",
    "electricity",
    "elevator",
    "gas",
    "roof",
    "cleaning",
    "other",
)
URGENCIES: tuple[str, ...] = ("emergency", "urgent", "normal")

OTHER = "other"
NORMAL = "normal"
EMERGENCY = "emergency"
