"""`accrue --period YYYY-MM [--inline] [--json]`: the month's accrual of every managed lot
(DOMAIN.md "Billing"). Without ``--inline`` the lots fan out to the Celery workers, one
task per lot, and the command follows their results; ``--inline`` runs them here,
settings.ACCRUAL_LOTS_PER_TRANSACTION lots per database transaction (one statement of charges)."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.accrual import (
    accrual_lots_record,
    accrual_run_start,
    accrual_run_summary,
    lots_per_transaction,
)
from billing.tasks import accrual_lot_task
from core.periods import BadPeriod, period_parse, period_text


def _bar(done: int, total: int) -> None:
    """A progress bar on stderr, only on a terminal."""
    if not sys.stderr.isatty() or total == 0:
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} lots")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Command(BaseCommand):
    help = "Charge every apartment of every managed lot for a month, once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--inline", action="store_true", help="run in this process")
        parser.add_argument("--json", action="store_true", help="print one JSON summary")
        parser.add_argument(
            "--timeout", type=int, default=3600, help="seconds to wait for the workers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = period_parse(options["period"])
        except BadPeriod:
            raise CommandError(
                f"--period must be a month as YYYY-MM, not {options['period']!r}"
            ) from None
        started = time.monotonic()
        run, lots = accrual_run_start(period=period, inline=options["inline"])
        if options["inline"]:
            size = lots_per_transaction()
            for start in range(0, len(lots), size):
                batch = lots[start : start + size]
                accrual_lots_record(run_id=run.pk, lot_ids=batch, period=period)
                _bar(start + len(batch), len(lots))
        else:
            for lot_id in lots:
                accrual_lot_task.delay(run.pk, lot_id, period.isoformat())
            deadline = started + options["timeout"]
            while (done := run.results.count()) < len(lots):
                _bar(done, len(lots))
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"{done} of {len(lots)} lots done after {options['timeout']} s;"
                        " are the workers running? (or use --inline)"
                    )
                time.sleep(0.2)
            _bar(len(lots), len(lots))
        totals = accrual_run_summary(run)
        summary = {
            "period": period_text(period),
            "charged": totals["charged"],
            "already_charged": totals["already_charged"],
            "skipped_suspended": totals["skipped_suspended"],
            "no_tariff": totals["no_tariff"],
            "total_tiyin": totals["total_tiyin"],
            "lots": totals["lots"],
            "seconds": round(time.monotonic() - started, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"{summary['period']}: charged {summary['charged']} apartments"
                f" ({summary['total_tiyin']} tiyin);"
                f" already charged {summary['already_charged']};"
                f" suspended {summary['skipped_suspended']};"
                f" without a tariff {summary['no_tariff']}"
            )
