"""Strict readers for environment variables.

A typo in a deployment variable must stop the process at start-up with a message that
names the variable, not silently fall back to a default (healthchecks' envbool/envint).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """Raised when an environment variable is missing or malformed."""


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    source = os.environ if environ is None else environ
    return source.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    raw = source[name].strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    source = os.environ if environ is None else environ
    if name not in source or source[name].strip() == "":
        return default
    try:
        return int(source[name])
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {source[name]!r}") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    source = os.environ if environ is None else environ
    if name not in source:
        return list(default)
    return [item.strip() for item in source[name].split(",") if item.strip()]


def require(names: list[str], environ: Mapping[str, str] | None = None, *, why: str) -> None:
    """Fail loudly, naming every missing variable at once."""
    source = os.environ if environ is None else environ
    missing = [n for n in names if not source.get(n, "").strip()]
    if missing:
        raise ConfigurationError(f"{why}: set {', '.join(missing)}")
