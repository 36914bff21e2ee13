"""`generate_national --scale S --seed N [--replace] [--json]`: the national data set."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from buildings.generator import GeneratorRefused, generate


class Command(BaseCommand):
    help = "Generate a realistic national registry (deterministic for a seed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 44,000 buildings")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--replace", action="store_true", help="replace an existing registry")
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(message: str) -> None:
            print(f"[generate_national] {message}", file=sys.stderr, flush=True)

        try:
            counts, seconds = generate(
                scale=options["scale"],
                seed=options["seed"],
                replace=options["replace"],
                progress=progress,
            )
        except GeneratorRefused as exc:
            raise CommandError(str(exc)) from None
        summary = {**dataclasses.asdict(counts), "seconds": round(seconds, 2)}
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            for key, value in summary.items():
                self.stdout.write(f"{key:>22}: {value}")
