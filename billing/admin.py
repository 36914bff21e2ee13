"""Billing in the inspection console: each part registers its own pages."""

from billing.payments import admin as payments_admin  # noqa: F401 (registers its pages)
