"""`verify_chain election ID`: recompute every entry of the election's hash chain; exit 1
and name the first bad entry when any was altered."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.ids import BadId, parse_id
from voting.chain import chain_verify
from voting.models import Election


class Command(BaseCommand):
    help = "Verify an election's ballot hash chain."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["election"])
        parser.add_argument("id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            election = Election.objects.get(pk=parse_id(options["id"]))
        except (BadId, Election.DoesNotExist):
            raise CommandError(f"no election {options['id']}") from None
        ok, bad, why = chain_verify(election)
        if ok:
            self.stdout.write(f"ok: {election.ballots.count()} entries")
            return
        self.stderr.write(f"chain broken at entry {bad}: {why}" if bad else why)
        sys.exit(1)
