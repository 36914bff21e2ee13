"""`train_triage [--data PATH] [--json]`: train the ticket triage model (dispatch/triage) on
the labelled tickets and write it to TRIAGE_MODEL_PATH (default var/triage/model.joblib).

Deterministic: the same data gives the same model. `make` runs it when the data or the
triage code is newer than the model file."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dispatch.triage import model as triage_model
from dispatch.triage.triager import DATA_PATH, model_path, use_model


class Command(BaseCommand):
    help = "Train the ticket triage model on dispatch/data/tickets.jsonl and save it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--data", default=str(DATA_PATH), help="labelled tickets, JSON Lines")
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            records = triage_model.read_records(Path(options["data"]))
        except triage_model.DataError as exc:
            raise CommandError(str(exc)) from None
        trained = triage_model.train(records)
        path = model_path()
        triage_model.save(trained, path)
        use_model(None)  # this process loads the new file on its next triage
        summary = {
            "samples": len(records),
            "seconds": round(time.perf_counter() - started, 3),
            "path": str(path),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"Trained on {summary['samples']} tickets in {summary['seconds']} s: {path}"
            )
