"""Tariffs, accrual, ledger, payments, receipts, quarterly reports.

The models arrive with this capability's issue (README "Roadmap").
"""
