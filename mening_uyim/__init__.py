"""Mening Uyim project package: settings, URLs, the Celery app, the role home pages, the demo."""

from __future__ import annotations

from mening_uyim.celery import app as celery_app

__all__ = ("celery_app",)
