#!/usr/bin/env python
"""Django's command-line utility for Mening Uyim."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mening_uyim.settings")
    from django.core.management import execute_from_command_line

    from core.env import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as exc:
        sys.exit(f"Configuration error: {exc}")


if __name__ == "__main__":
    main()
