"""`ledger_check [--json]`: every transaction balances, every cached balance equals its
entries; exit 1 on any mismatch."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from billing.ledger import ledger_check


class Command(BaseCommand):
    help = "Audit the ledger: balanced transactions and cached balances."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_check()
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(
                f"{report['transactions']} transactions; unbalanced {report['unbalanced']};"
                f" cached balances that differ {report['balance_mismatches']}"
            )
        if report["unbalanced"] or report["balance_mismatches"]:
            raise SystemExit(1)
