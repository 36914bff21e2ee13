"""`check_registry [--json]`: cached registry figures against their rows, and the lot rules
over every lot past draft. Exits 1 on any drift or violation (a cron or CI can alert)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from buildings.integrity import registry_drift
from lots.integrity import lot_violations


class Command(BaseCommand):
    help = "Report registry figures that differ from their rows and lots that break the rules."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        buildings = registry_drift()
        lots = lot_violations()
        report = {
            "buildings": {k: v for k, v in buildings.items() if k != "ok"},
            "lots": {k: v for k, v in lots.items() if k != "ok"},
            "ok": buildings["ok"] and lots["ok"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            for group in ("buildings", "lots"):
                for name, found in report[group].items():
                    self.stdout.write(f"{name:>28}: {found['count']}")
            self.stdout.write("ok" if report["ok"] else "DRIFT")
        if not report["ok"]:
            sys.exit(1)
