"""The demo's registry-only owner, for the sign-in with an SMS code (accounts.phone_login).

`make run` (``seed_demo``) adds an owner the way the registry brings them: a ``Person``
with a phone (``accounts.services.person_create``) and no login, owning flat 1 of a small
building of its own (building S, Yunusobod) imported through the Turar-Joy importer
itself. The personas' buildings A, B and C keep their owners (the voting tallies, the
bills and the tests count them), and building S is not commissioned, so that no lot
formation takes it in. Not part of the ``cast`` test fixture.

To log in as that owner: http://127.0.0.1:8000/me/phone/ , the number
``+998 90 100-00-99``; with the console SMS back-end (the development default) the code
is printed in the console that runs the server. The first sign-in creates the login.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from django.db import transaction

from accounts.models import Person
from accounts.services import person_create
from territory.models import District

SIGNIN_PHONE = "+998901000099"
SIGNIN_PINFL = "31001900000099"
SIGNIN_NAME = "Sardor Rahimov"
DEMO_S = "DEMO:TK:000S"
SIGNIN_FLAT = "1"

Say = Callable[[str], None]


def _record(district: District) -> dict[str, Any]:
    flats: list[dict[str, Any]] = [
        {"number": str(n), "area_m2": 52 + 4 * n, "rooms": 2 + n % 2} for n in range(1, 9)
    ]
    flats[0]["owners"] = [{"pinfl": SIGNIN_PINFL, "full_name": SIGNIN_NAME, "share": "1"}]
    return {
        "kind": "building",
        "cadastral_number": DEMO_S,
        "region": district.region.code,
        "district": district.name,
        "address": f"{district.name}, Sayram koʻchasi, 9-uy",
        "lat": 41.3640,
        "lon": 69.2890,
        "year_built": 1978,
        "floors": 4,
        "entrances": 1,
        "wall_material": "brick",
        "has_elevator": False,
        "cadastral_passport": True,
        "solar_panels": False,
        "solar_transferred": False,
        "apartments": flats,
    }


@transaction.atomic
def demo_signin_ensure(*, say: Say, out: TextIO | Any | None = None) -> Person:
    """The registry-only owner and building S (idempotent: a second run changes and says
    nothing); with ``out``, print how to log in as that owner."""
    from buildings.models import Building
    from buildings.turarjoy import turar_joy_import

    person = Person.objects.filter(pinfl=SIGNIN_PINFL).first()
    if person is None:
        person = person_create(pinfl=SIGNIN_PINFL, full_name=SIGNIN_NAME, phone=SIGNIN_PHONE)
        say(f"registry-only owner {SIGNIN_NAME} ({SIGNIN_PHONE}), no login")
    if not Building.objects.filter(cadastral_number=DEMO_S).exists():
        district = District.objects.select_related("region").get(
            region__code="UZ-TK", name="Yunusobod tumani"
        )
        report = turar_joy_import(lines=[json.dumps(_record(district))])
        if not report.ok:
            raise RuntimeError(f"demo building S is invalid: {report.errors}")
        say(f"building {DEMO_S}: flat {SIGNIN_FLAT} owned by {SIGNIN_NAME}")
    if out is not None:
        out.write(
            f"SMS sign-in: {SIGNIN_NAME}, a registry owner without a login, flat {SIGNIN_FLAT} "
            f"of {DEMO_S}: /me/phone/ with {SIGNIN_PHONE}; the code is printed in the "
            "server's console (SMS_BACKEND=console)"
        )
    return person
