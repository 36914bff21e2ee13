"""Persona matrix of the issue-15 pages (filled in with the pages)."""

from __future__ import annotations

ROUTES: set[str] = set()
