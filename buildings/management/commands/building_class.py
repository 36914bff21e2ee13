"""`building_class CADASTRAL...`: print {"<cadastral>": "green|yellow|red|unassessed"}."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from buildings.models import Building


class Command(BaseCommand):
    help = "Print the class of each building given by cadastral number."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("cadastral", nargs="+")
        parser.add_argument("--json", action="store_true", help="(the output is always JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["cadastral"]
        found = dict(
            Building.objects.filter(cadastral_number__in=wanted).values_list(
                "cadastral_number", "classification"
            )
        )
        missing = [c for c in wanted if c not in found]
        self.stdout.write(json.dumps({c: found[c] for c in wanted if c in found}))
        if missing:
            raise CommandError(f"unknown cadastral number(s): {', '.join(missing)}")
