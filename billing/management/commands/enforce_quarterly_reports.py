"""`enforce_quarterly_reports [--as-of YYYY-MM-DD] [--json]`: the suspension rule of
DOMAIN.md "Quarterly reports and suspension of accruals", as the daily beat task runs it
(today in Asia/Tashkent unless ``--as-of``). A re-run is a no-op."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.reports import enforce_quarterly_reports


class Command(BaseCommand):
    help = "Suspend the accrual of lots whose quarterly report is missing past its deadline."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (default today)")
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        text = options["as_of"]
        try:
            day = dt.date.fromisoformat(text) if text else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a day as YYYY-MM-DD, not {text!r}") from None
        summary = enforce_quarterly_reports(as_of=day)
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(
            f"{summary['as_of']}: {summary['checked_lots']} lots checked, "
            f"{len(summary['suspended'])} suspended, {summary['already_suspended']} already "
            f"suspended, {summary['lifted']} lifted"
        )
