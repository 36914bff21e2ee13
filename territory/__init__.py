"""Regions and districts: the ground floor that every other app points down at."""
