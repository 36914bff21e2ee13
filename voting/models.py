"""Lot elections, general meetings, ballots, hash chain, tallies.

The models arrive with this capability's issue (README "Roadmap").
"""
