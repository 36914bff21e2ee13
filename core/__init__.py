"""The ground floor: money, env readers, id parsing. Imports nothing of the project."""
