"""Mening Uyim project package: settings, URLs, the Celery app, and shared helpers (lib/)."""

from __future__ import annotations

from mening_uyim.celery import app as celery_app

__all__ = ("celery_app",)
