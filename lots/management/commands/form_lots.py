"""`form_lots [--region NAME] [--force] [--json]`: propose draft lots (replacing earlier drafts
only; drafts with council work only with --force, see lots.forming)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from lots.errors import LotError
from lots.forming import lots_form
from territory.models import Region


class Command(BaseCommand):
    help = "Propose draft lots for every commissioned building not in a non-draft lot."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", help="region name (Uzbek or Russian) or code")
        parser.add_argument(
            "--force",
            action="store_true",
            help="discard drafts that carry council work (moves, rejections); they stay on record",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        region = None
        if options["region"]:
            name = options["region"].strip()
            region = Region.objects.filter(
                Q(name__iexact=name) | Q(name_ru__iexact=name) | Q(code__iexact=name)
            ).first()
            if region is None:
                raise CommandError(f"unknown region: {name}")
        try:
            report = lots_form(region=region, force=options["force"])
        except LotError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            for key, value in report.as_dict().items():
                self.stdout.write(f"{key:>22}: {value}")
