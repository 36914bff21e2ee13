"""Tickets, triage, deadlines, escalation, appeals, scorecards.

The models arrive with this capability's issue (README "Roadmap").
"""
