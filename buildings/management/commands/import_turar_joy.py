"""`import_turar_joy FILE [--json]`: import a Turar-Joy JSON Lines file, all or nothing."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from buildings.turarjoy import turar_joy_import


class Command(BaseCommand):
    help = "Import buildings, assessments, consumption and land plots from Turar-Joy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="a .jsonl file, or - for standard input")
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            of = f"/{total}" if total else ""
            print(f"[import_turar_joy] {stage}: {done}{of}", file=sys.stderr, flush=True)

        path = options["file"]
        try:
            stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        with stream:
            report = turar_joy_import(lines=stream, progress=progress)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            for error in report.errors:
                self.stdout.write(f"line {error['line']}: {error['error']}")
            for warning in report.warnings:
                self.stdout.write(f"line {warning['line']}: {warning['warning']}")
            if report.ok:
                self.stdout.write(
                    f"created {report.created}, updated {report.updated}, "
                    f"unchanged {report.unchanged}"
                )
        if not report.ok:
            raise CommandError(f"{len(report.errors)} bad line(s); nothing was imported")
