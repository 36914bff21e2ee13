"""Load the demo data of `make run` (idempotent) and print the demo logins and how many
lots are in each status (mening_uyim.demo_lots says which lot is in which and why)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from accounts.models import User
from buildings.generator import generate
from buildings.models import Building
from lots.forming import lots_form
from lots.models import Lot, LotStatus
from mening_uyim.demo import PERSONAS, personas_ensure
from mening_uyim.demo_billing import demo_billing_ensure
from mening_uyim.demo_dispatch import TECHNICIAN, demo_dispatch_ensure
from mening_uyim.demo_lots import (
    THIRD_MC,
    THIRD_MC_DIRECTOR,
    demo_lots_ensure,
    demo_proposed_lot_ensure,
    demo_reelection_lot_ensure,
    demo_second_lot_ensure,
)
from mening_uyim.demo_reports import demo_reports_ensure
from mening_uyim.demo_signin import demo_signin_ensure
from mening_uyim.demo_voting import (
    VOTER_EMAIL,
    demo_election_ensure,
    demo_meetings_ensure,
    demo_open_election_ensure,
    demo_owners_ensure,
)

# Demo logins beyond the personas: (name, login, who), listed when they exist.
EXTRA_LOGINS = (
    ("voter", VOTER_EMAIL, "owns a flat in the lot in election: can vote now"),
    ("removed_mc", THIRD_MC_DIRECTOR, f"director of {THIRD_MC}, removed from the register"),
    ("technician", TECHNICIAN, "technician of the personas' MC"),
)


def lot_statuses() -> dict[str, int]:
    """How many lots are in each status (every status listed, 0 included)."""
    counts = dict(Lot.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in LotStatus.values}


class Command(BaseCommand):
    help = "Create the demo personas (idempotent) and print their logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def _say(self, message: str) -> None:
        self.stderr.write(f"[seed_demo] {message}")

    def handle(self, *args: Any, **options: Any) -> None:
        password = settings.DEMO_PASSWORD
        if not Building.objects.exists():
            # The national generator at a small scale, then the personas' own buildings.
            counts, seconds = generate(scale=settings.DEMO_SCALE, seed=1, progress=self._say)
            self._say(f"generated {counts.buildings} buildings in {seconds:.1f} s")
        cast = personas_ensure(password=password)
        if not Lot.objects.exists():
            report = lots_form()
            self._say(f"formed {report.lots} draft lots")
        demo_lots_ensure(cast=cast, password=password, say=self._say)
        demo_second_lot_ensure(cast=cast, password=password, say=self._say)
        demo_proposed_lot_ensure(cast=cast, password=password, say=self._say)
        demo_open_election_ensure(cast=cast, password=password, say=self._say)
        demo_reelection_lot_ensure(cast=cast, password=password, say=self._say)
        demo_owners_ensure(say=self._say)
        demo_election_ensure(cast=cast, say=self._say)
        demo_meetings_ensure(cast=cast, say=self._say)
        demo_billing_ensure(cast=cast, say=self._say)
        demo_reports_ensure(cast=cast, password=password, say=self._say)
        demo_dispatch_ensure(cast=cast, password=password, say=self._say)
        demo_signin_ensure(say=self._say, out=None if options["json"] else self.stdout)
        rows = [
            {"persona": s.key, "login": s.email, "phone": s.phone, "who": s.describe}
            for s in PERSONAS
        ]
        rows.append(
            {
                "persona": "admin",
                "login": "admin@demo.uz",
                "phone": "",
                "who": "ministry administrator (superuser)",
            }
        )
        emails = [e for _name, e, _who in EXTRA_LOGINS]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        rows += [
            {"persona": name, "login": e, "phone": "", "who": who}
            for name, e, who in EXTRA_LOGINS
            if e in existing
        ]
        councils = User.objects.filter(
            email__startswith="council-", email__endswith="@demo.uz"
        ).count()
        lots = lot_statuses()
        if options["json"]:
            summary = {"password": password, "logins": rows, "users": len(cast.users)}
            self.stdout.write(json.dumps({**summary, "councils": councils, "lots": lots}))
            return
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {password})"))
        for row in rows:
            self.stdout.write(
                f"  {row['persona']:<16} {row['login']:<26} {row['phone']:<14} {row['who']}"
            )
        self.stdout.write(
            f"  and {councils} district councils without a persona: council-<district id>@demo.uz"
        )
        self.stdout.write("Lots: " + ", ".join(f"{n} {status}" for status, n in lots.items()))
