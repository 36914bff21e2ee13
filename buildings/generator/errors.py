"""The generator's one error: it refuses rather than overwrite or run in production."""

from __future__ import annotations


class GeneratorRefused(Exception):
    pass
