"""Exit 0 when the heartbeat task ran recently: the healthcheck of the beat container."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mening_uyim.health import probe_beat


class Command(BaseCommand):
    help = "Fail when the periodic heartbeat has not run for three intervals."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        beat = probe_beat()
        if options["json"]:
            self.stdout.write(json.dumps(beat))
        if not beat["ok"]:
            raise CommandError(f"heartbeat is stale or missing: {beat}")
