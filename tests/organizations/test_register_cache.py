"""The public register's table, cached per query string and language under its stamp
(organizations.receivers): a cached page reads no company, and every writer of what the
table shows (a company, its scorecard, a removal, a lot becoming managed) renews it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from accounts.models import User
from lots.models import LotStatus
from lots.services import lot_status_set, mc_remove_from_register
from mening_uyim.demo import Cast
from organizations.services import scorecard_dispatch_set
from tests.organizations.register_helpers import REASON, REGISTER, make_lot

pytestmark = pytest.mark.django_db


def _row(client: Client, name: str) -> str:
    """The register's row of the company named ``name``."""
    html = client.get(REGISTER).content.decode()
    return html.split(escape(name), 1)[1].split("</tr>", 1)[0]


def test_a_cached_register_reads_no_company(client: Client, cast: Cast) -> None:
    client.get(REGISTER)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(REGISTER).status_code == 200
    assert not any("organizations_managementcompany" in q["sql"] for q in ctx.captured_queries)


def test_every_writer_of_the_table_renews_it(
    client: Client, cast: Cast, national_inspector: User
) -> None:
    mc = cast.mc
    _row(client, mc.name)
    scorecard_dispatch_set(
        company_id=mc.pk, deadlines_met_percent=73, hours_to_resolve=5, rating_tenths=41
    )
    assert "73 %" in _row(client, mc.name)
    lot = make_lot("UZ-TK-951", cast, LotStatus.ELECTION, mc)
    managed = _row(client, mc.name)
    lot_status_set(lot=lot, to=LotStatus.MANAGED, by=None)
    assert _row(client, mc.name) != managed
    mc.name = "Yangi Nom Servis MChJ"
    mc.save()
    assert "Yangi Nom Servis MChJ" in client.get(REGISTER).content.decode()
    mc_remove_from_register(
        mc=cast.rival_mc,
        reason=REASON,
        removed_on=dt.date(2026, 5, 20),
        inspector=national_inspector,
    )
    assert "20.05.2026" in _row(client, cast.rival_mc.name)


def test_the_table_is_cached_per_language(client: Client, cast: Cast) -> None:
    uz = client.get(REGISTER).content.decode()
    client.cookies["django_language"] = "ru"
    assert client.get(REGISTER).content.decode() != uz
