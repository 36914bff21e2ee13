"""`retally election|meeting ID [--json]`: recount from the stored ballots and compare with
the published result (DOMAIN.md "A re-tally must reproduce the published result exactly")."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError

from core.ids import BadId, parse_id
from voting.meeting_tally import meeting_tally
from voting.models import Election, Meeting
from voting.tally import tally


class Command(BaseCommand):
    help = "Recount an election or a general meeting from its stored ballots."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["election", "meeting"])
        parser.add_argument("id")
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        model: type[Election | Meeting] = Meeting if kind == "meeting" else Election
        try:
            vote = model.objects.get(pk=parse_id(options["id"]))
        except (BadId, ObjectDoesNotExist):
            raise CommandError(f"no {kind} {options['id']}") from None
        counted = (
            meeting_tally(vote).as_dict() if isinstance(vote, Meeting) else tally(vote).as_dict()
        )
        published = vote.result or None
        report = {
            "matches_published": published is not None and published == counted,
            "participating_weight": counted["participating_weight"],
            "total_weight": counted["total_weight"],
            "quorum": counted["quorum"],
            "results": counted["results"],
        }
        self.stdout.write(json.dumps(report) if options["json"] else str(report))
        if published is not None and not report["matches_published"]:
            sys.exit(1)
