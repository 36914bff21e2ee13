"""`classify_buildings [--json]`: reclassify every building from its latest assessment."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand

from buildings.classification import reclassify_all


class Command(BaseCommand):
    help = "Recompute every building's class with the current policy (one set-based pass)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        counts = reclassify_all()
        summary = {
            "green": counts["green"],
            "yellow": counts["yellow"],
            "red": counts["red"],
            "unassessed": counts["unassessed"],
            "seconds": round(time.perf_counter() - started, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(" ".join(f"{k}={v}" for k, v in summary.items()))
