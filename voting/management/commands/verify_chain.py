"""`verify_chain election|meeting ID`: recompute every entry of the ballots' hash chain;
exit 1 and name the first bad entry when any was altered."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError

from core.ids import BadId, parse_id
from voting.chain import chain_verify, meeting_chain_verify
from voting.models import Election, Meeting


class Command(BaseCommand):
    help = "Verify the ballot hash chain of an election or a general meeting."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["election", "meeting"])
        parser.add_argument("id")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        model: type[Election | Meeting] = Meeting if kind == "meeting" else Election
        try:
            vote = model.objects.get(pk=parse_id(options["id"]))
        except (BadId, ObjectDoesNotExist):
            raise CommandError(f"no {kind} {options['id']}") from None
        verify = meeting_chain_verify if isinstance(vote, Meeting) else chain_verify
        ok, bad, why = verify(vote)
        if ok:
            self.stdout.write(f"ok: {vote.ballots.count()} entries")
            return
        self.stderr.write(f"chain broken at entry {bad}: {why}" if bad else why)
        sys.exit(1)
