"""`triage --json`: triage tickets read as JSON Lines {"text": "..."} from standard input,
one JSON line out per line in: {"category", "urgency", "confidence", "needs_review", "rule"}.

A line that is not a JSON object with a string "text" gets {"line": N, "error": "..."} and
the command goes on; blank lines are skipped."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dispatch.triage import triage


class Command(BaseCommand):
    help = "Triage JSON Lines tickets from standard input."
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) in the tests

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="JSON Lines out (the only format)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["json"]:
            raise CommandError("only --json output is supported: triage --json < tickets.jsonl")
        stdin = options.get("stdin") or sys.stdin
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            self.stdout.write(json.dumps(_answer(line, number), ensure_ascii=False))


def _answer(line: str, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"not JSON: {exc.msg}"}
    except ValueError as exc:  # e.g. a number too long to convert
        return {"line": number, "error": f"not JSON: {exc}"}
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return {"line": number, "error": 'expected an object with a string "text"'}
    return triage(row["text"]).as_dict()
