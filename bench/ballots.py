"""`bench/run.py ballots --owners N`: every owner of an N-apartment lot votes over HTTP.

Setup (idempotent, reused by the next run): a lot ``BENCH-B<N>`` of N one-owner
apartments in Sirdaryo, each owner with a login and a DRF token; a council member of the
lot's district; two registered, qualified MCs whose directors stand. Each run closes the
lot's previous election (as the beat task would, at its voting end) and opens a fresh one
through the services, with ``at`` in the past so that voting is open now.

Then gunicorn (WORKERS sync workers, production's worker class; DEBUG off) serves the same
database and CLIENTS threads cast every owner's ballot with
``POST /api/v1/elections/<id>/ballots/``; every answer must be 201. The tally is timed in
this process (median of TALLY_RUNS), the hash chain is verified and the tally must count
N ballots.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REGION_CODE = "UZ-SI"
CADASTRAL_PREFIX = "BENCH:"  # the benchmark's buildings; bench/run.py leaves them out
LOT_PREFIX = "BENCH-B"
FLATS_PER_BUILDING = 250
OWNER_EMAIL = "bench-owner-{i:05d}@bench.uz"
COUNCIL_EMAIL = "bench-council@bench.uz"
DIRECTORS = [
    ("bench-director-1@bench.uz", "990000001", "Bench Servis MChJ"),
    ("bench-director-2@bench.uz", "990000002", "Bench Uy-Joy Xizmat MChJ"),
]
PASSWORD = "Bench-Parol-2026"  # noqa: S105 (bench data, never a real login)
CLIENTS = 24
WORKERS = 2
TALLY_RUNS = 5

# the tables setup() loads in bulk (ANALYZEd after it, on PostgreSQL)
BULK_TABLES = [
    "accounts_user",
    "accounts_person",
    "authtoken_token",
    "buildings_apartment",
    "buildings_ownership",
    "lots_lotbuilding",
    "voting_elector",
    "voting_ballot",
]

Say = Callable[[str], None]


@dataclass
class Setup:
    election_id: int
    candidate_ids: list[int]
    tokens: list[str]  # one per owner


def _pinfl(i: int) -> str:
    """A valid-format PINFL (century/sex digit, 15.01.1970) with a 9,xxx,xxx serial that
    the generator's serials (person ids) do not reach."""
    return f"{3 + i % 2}150170{9_000_000 + i:07d}"


def _area(i: int) -> Decimal:
    return Decimal(30 + (i * 37) % 71) + Decimal((i * 13) % 100) / 100


def _owners(n: int, say: Say) -> list[tuple[int, int, str]]:
    """(user id, person id, token key) of owners 0..n-1, creating the missing ones."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from accounts.models import Person, User

    emails = [OWNER_EMAIL.format(i=i) for i in range(n)]
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    missing = [(i, e) for i, e in enumerate(emails) if e not in users]
    if missing:
        say(f"creating {len(missing)} owners with logins and tokens")
        password = make_password(PASSWORD)  # one hash for every row: hashing is slow
        User.objects.bulk_create(
            [User(email=e, password=password) for _, e in missing], batch_size=2000
        )
        users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    user_ids = [users[e] for e in emails]
    persons = dict(Person.objects.filter(user_id__in=user_ids).values_list("user_id", "pk"))
    if len(persons) < n:
        Person.objects.bulk_create(
            [
                Person(pinfl=_pinfl(i), full_name=f"Bench Owner {i}", user_id=u)
                for i, u in enumerate(user_ids)
                if u not in persons
            ],
            batch_size=2000,
        )
        persons = dict(Person.objects.filter(user_id__in=user_ids).values_list("user_id", "pk"))
    tokens = dict(Token.objects.filter(user_id__in=user_ids).values_list("user_id", "key"))
    if len(tokens) < n:
        Token.objects.bulk_create(
            [Token(key=Token.generate_key(), user_id=u) for u in user_ids if u not in tokens],
            batch_size=2000,
        )
        tokens = dict(Token.objects.filter(user_id__in=user_ids).values_list("user_id", "key"))
    return [(u, persons[u], tokens[u]) for u in user_ids]


def _login(email: str, password_hash: str) -> Any:
    from accounts.models import User

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, password=password_hash)
    return user


def _membership(user: Any, role: Any, **scope: int) -> None:
    from accounts.models import Membership
    from accounts.services import membership_grant

    if not Membership.objects.active().filter(user=user, role=role, **scope).exists():
        membership_grant(user=user, role=role, **scope)


def _lot(n: int, person_ids: list[int], say: Say) -> Any:
    """The lot of n apartments, one owner each; rebuilt if its buildings were wiped."""
    from django.utils import timezone

    from buildings.models import Apartment, Building, Ownership, account_number_for
    from lots.models import Lot, LotBuilding, LotStatus
    from territory.models import District, Region

    region = Region.objects.get(code=REGION_CODE)
    district = District.objects.filter(region=region).order_by("name").first()
    assert district is not None
    lot, _ = Lot.objects.get_or_create(
        code=f"{LOT_PREFIX}{n}",
        defaults={"region": region, "status": LotStatus.APPROVED, "approved_at": timezone.now()},
    )
    flats = Apartment.objects.filter(building__lot_membership__lot=lot).count()
    if flats == n:
        return lot, district
    if flats:
        raise RuntimeError(f"lot {lot.code} holds {flats} apartments, not {n}")
    say(f"building lot {lot.code}: {n} apartments")
    prefix = f"{CADASTRAL_PREFIX}{n}:"
    since = dt.date(2020, 1, 1)
    index = 0
    for k, first in enumerate(range(0, n, FLATS_PER_BUILDING), start=1):
        count = min(FLATS_PER_BUILDING, n - first)
        areas = [_area(first + j) for j in range(count)]
        building = Building.objects.create(
            region=region,
            district=district,
            cadastral_number=f"{prefix}{k:04d}",
            address=f"Bench ko‘chasi, {k}-uy",
            lat=district.lat or region.lat or 40.5,
            lon=district.lon or region.lon or 68.7,
            floors=9,
            entrances=max(1, count // 36),
            has_elevator=True,
            total_area_m2=sum(areas, Decimal(0)) * Decimal("1.2"),
            living_area_m2=sum(areas, Decimal(0)),
            apartments_count=count,
            cadastral_passport=True,
        )
        LotBuilding.objects.create(lot=lot, building=building)
        apartments = Apartment.objects.bulk_create(
            [
                Apartment(
                    building=building,
                    number=str(j + 1),
                    area_m2=areas[j],
                    account_number=account_number_for(building.pk, j + 1),
                )
                for j in range(count)
            ]
        )
        Ownership.objects.bulk_create(
            [
                Ownership(apartment=a, person_id=person_ids[index + j], since=since)
                for j, a in enumerate(apartments)
            ]
        )
        index += count
    return lot, district


def setup(n: int, say: Say) -> Setup:
    """The lot, its owners and a fresh election in its voting window (idempotent)."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role
    from buildings.generator.postgres import analyze
    from core.money import TIYIN_PER_SOM
    from lots.models import Lot, LotStatus
    from organizations.models import ManagementCompany, RegisterStatus
    from voting.models import Election, ElectionStatus
    from voting.services import candidate_apply, election_close, election_open

    with transaction.atomic():
        owners = _owners(n, say)
        lot, district = _lot(n, [p for _, p, _ in owners], say)
        password_hash = make_password(PASSWORD)
        council = _login(COUNCIL_EMAIL, password_hash)
        _membership(council, Role.COUNCIL_MEMBER, district_id=district.pk)
        companies = []
        for email, tin, name in DIRECTORS:
            company, _ = ManagementCompany.objects.update_or_create(
                tin=tin,
                defaults={
                    "name": name,
                    "dispatch_phone": f"+99867{tin[-7:]}",
                    "own_funds_tiyin": 1_200_000_000 * TIYIN_PER_SOM,
                    "has_material_base": True,
                    "material_base": "Ustaxona, 4 ta avtomashina",
                    "dispatch_24h": True,
                    "staff_count": 40,
                    "status": RegisterStatus.REGISTERED,
                },
            )
            director = _login(email, password_hash)
            _membership(director, Role.MC_DIRECTOR, organization_id=company.pk)
            companies.append((company, director))
        # The previous run's election closes at its voting end, as the beat task would
        # (an extension or a runoff may follow: close those too), and the lot goes to
        # re-election: setup data, like the generator's.
        for _ in range(6):
            previous = Election.objects.filter(lot=lot, status=ElectionStatus.OPEN).first()
            if previous is None:
                break
            say(f"closing the previous election #{previous.pk}")
            election_close(election=previous, by=None, at=previous.voting_ends_at)
        lot.refresh_from_db()
        if lot.status not in (LotStatus.APPROVED, LotStatus.REELECTION):
            Lot.objects.filter(pk=lot.pk).update(status=LotStatus.REELECTION)
            lot.refresh_from_db()
        opened = timezone.now() - dt.timedelta(days=settings.VOTING_NOMINATION_DAYS + 1)
        election = election_open(lot=lot, by=council, at=opened)
        candidates = [
            candidate_apply(election=election, company=c, by=d, at=opened) for c, d in companies
        ]
    # Fresh statistics after the bulk load, as for the generator's (not autovacuum's timing).
    analyze(BULK_TABLES)
    say(f"election #{election.pk} of lot {lot.code} open: {n} electors")
    return Setup(election.pk, [c.pk for c in candidates], [t for _, _, t in owners])


# --- the server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env() -> dict[str, str]:
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mening_uyim.settings",
            "DATABASE_URL": settings.DATABASE_URL,
            "DJANGO_ENV": settings.DJANGO_ENV,  # the bench's: never production
            "DJANGO_DEBUG": "0",  # production-like: no query log, no debug pages
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the same voter references
        }
    )
    return env


def server_start(
    port: int, say: Say, workers: int = WORKERS, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "mening_uyim.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--chdir",
        str(ROOT),
        "--no-control-socket",  # no shared socket under ~/.gunicorn
    ]
    say(f"starting gunicorn ({workers} workers) on 127.0.0.1:{port}")
    # Its logs go to our stderr: stdout carries only the JSON line.
    return subprocess.Popen(
        command, env=env or _server_env(), stdout=sys.stderr, stderr=sys.stderr, cwd=ROOT
    )


def server_wait(proc: subprocess.Popen[bytes], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def server_stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # graceful: the workers finish their request
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- the clients --------------------------------------------------------------------------


def cast_all(
    port: int, election_id: int, jobs: list[tuple[str, int]], clients: int
) -> tuple[float, list[str]]:
    """POST every (token, candidate) ballot from ``clients`` threads, each with its own
    HTTP/1.1 connection (http.client reopens it when the server closes it: gunicorn's
    sync workers answer ``Connection: close``); returns the wall time and the failures."""
    path = f"/api/v1/elections/{election_id}/ballots/"
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(mine: list[tuple[str, int]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()
        for token, candidate in mine:
            try:
                conn.request(
                    "POST",
                    path,
                    body=json.dumps({"candidate": candidate}),
                    headers={
                        "Authorization": f"Token {token}",
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                    },
                )
                response = conn.getresponse()
                body = response.read()
                if response.status != 201:
                    with lock:
                        failures.append(f"{response.status}: {body[:200]!r}")
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                with lock:
                    failures.append(f"{exc.__class__.__name__}: {exc}")
        conn.close()

    threads = [
        threading.Thread(target=client, args=(jobs[t::clients],), daemon=True)
        for t in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, failures


# --- the benchmark ------------------------------------------------------------------------


def bench_ballots(n: int, seed: int, say: Say) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from voting.chain import chain_verify
    from voting.models import Ballot, Election
    from voting.tally import tally

    if settings.PRODUCTION:  # like the generator: bench data never enters production
        raise RuntimeError("the ballots benchmark never runs with DJANGO_ENV=production")
    prepared = setup(n, say)
    rng = random.Random(seed)
    first, second = prepared.candidate_ids
    # about 60 / 40: a tie (and a runoff at the next run's close) is all but impossible
    jobs = [(t, first if rng.random() < 0.6 else second) for t in prepared.tokens]
    port = _free_port()
    proc = server_start(port, say)
    try:
        server_wait(proc, port)
        say(f"casting {n} ballots with {CLIENTS} clients")
        seconds, failures = cast_all(port, prepared.election_id, jobs, CLIENTS)
    finally:
        server_stop(proc)
    if failures:
        raise RuntimeError(f"{len(failures)} ballots were not accepted, e.g. {failures[:3]}")
    election = Election.objects.get(pk=prepared.election_id)
    ballots = Ballot.objects.filter(election=election).count()
    timings = []
    for _ in range(TALLY_RUNS):
        started = time.perf_counter()
        counted = tally(election)
        timings.append(time.perf_counter() - started)
    ok, bad, why = chain_verify(election)
    if not ok:
        raise RuntimeError(f"the hash chain does not verify at entry {bad}: {why}")
    if counted.ballots_counted != n or ballots != n:
        raise RuntimeError(f"{ballots} ballots, {counted.ballots_counted} counted, not {n}")
    return {
        "owners": n,
        "ballots": ballots,
        "seconds": round(seconds, 3),
        "ballots_per_s": round(ballots / seconds, 1),
        "tally_ms": round(1000 * statistics.median(timings), 2),
        "database": connection.vendor,
        "clients": CLIENTS,
        "workers": WORKERS,
    }


def ballots_detach() -> None:
    """Before the generator wipes the registry: drop the benchmark lots' buildings and
    their elections' electorates (what PostgreSQL's TRUNCATE … CASCADE does anyway), so
    that the wipe also succeeds on SQLite. The next ballots run rebuilds the lot."""
    from lots.models import LotBuilding
    from voting.models import Elector

    Elector.objects.filter(election__lot__code__startswith=LOT_PREFIX).delete()
    LotBuilding.objects.filter(lot__code__startswith=LOT_PREFIX).delete()
