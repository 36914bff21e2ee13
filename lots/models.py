"""Lots, automatic formation, five-year programs, council approval.

The models arrive with this capability's issue (README "Roadmap").
"""
