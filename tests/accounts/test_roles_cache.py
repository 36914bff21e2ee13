"""The roles of a login, cached across requests (accounts.permissions.roles_of): read once,
then from the shared cache, and void the moment a row they come from changes, by every
path (a service, a row saved one by one, a bulk writer), and never brought back by a
transaction that commits after the read or by a stamp the cache lost."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Person, Role, User
from accounts.permissions import _STAMP, roles_of
from accounts.services import membership_grant, membership_revoke, person_login_link
from buildings.models import Apartment, Ownership
from buildings.services import ownership_replace
from core.stamps import PREFIX
from mening_uyim.demo import Cast
from organizations.services import mc_remove
from tests.factories import pinfl_for

pytestmark = pytest.mark.django_db


def _fresh(user: User):
    """The login as a new request loads it, and the queries its roles cost."""
    again = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        roles = roles_of(again)
    return roles, len(ctx.captured_queries)


def test_roles_are_read_once_then_from_the_cache(cast: Cast) -> None:
    owner = cast.users["owner"]
    roles, queries = _fresh(owner)
    assert roles.is_owner
    assert queries == 3  # the person, the buildings of its ownerships, the memberships
    again, queries = _fresh(owner)
    assert again == roles
    assert queries == 0


def test_without_the_cache_each_request_reads_them(cast: Cast, settings) -> None:
    settings.ROLES_CACHE_SECONDS = 0
    owner = cast.users["owner"]
    assert _fresh(owner)[1] == 3
    assert _fresh(owner)[1] == 3


def test_a_membership_granted_or_revoked_by_the_service_shows_at_once(cast: Cast) -> None:
    owner = cast.users["owner"]
    assert not _fresh(owner)[0].is_council_member
    granted = membership_grant(user=owner, role=Role.COUNCIL_MEMBER, district_id=cast.district.pk)
    assert _fresh(owner)[0].council_district_id == cast.district.pk
    membership_revoke(membership=granted)
    assert not _fresh(owner)[0].is_council_member


def test_a_membership_saved_one_by_one_voids_the_roles(cast: Cast) -> None:
    """The admin's and a shell's path: a row saved, not the service."""
    director = cast.users["mc_director"]
    assert _fresh(director)[0].mc_role == Role.MC_DIRECTOR
    membership = Membership.objects.active().get(user=director, role=Role.MC_DIRECTOR)
    membership.revoked_at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    membership.save()
    assert _fresh(director)[0].mc_role is None
    membership.delete()
    assert _fresh(director)[0].mc_role is None


def test_an_ownership_change_voids_the_leaving_and_the_arriving_owner(cast: Cast) -> None:
    owner = cast.users["owner"]
    newcomer = User.objects.create_user(email="newcomer@example.uz", password="x-Parol-2026")
    person = Person.objects.create(pinfl=pinfl_for(901), full_name="Yangi Egasi", user=newcomer)
    assert _fresh(owner)[0].is_owner
    assert not _fresh(newcomer)[0].is_owner
    flats = Apartment.objects.filter(ownerships__person__user=owner, ownerships__until__isnull=True)
    today = dt.date.today()
    for flat in flats.distinct():
        ownership_replace(apartment=flat, owners=[(person, Fraction(1))], since=today)
    assert not _fresh(owner)[0].is_owner
    assert _fresh(newcomer)[0].is_owner


def test_an_ownership_row_saved_one_by_one_voids_its_owner(cast: Cast) -> None:
    owner = cast.users["owner"]
    assert _fresh(owner)[0].is_owner
    rows = Ownership.objects.filter(person__user=owner, until__isnull=True)
    for row in rows:
        row.until = row.since
        row.save()
    assert not _fresh(owner)[0].is_owner


def test_a_login_linked_to_a_person_becomes_that_person(cast: Cast) -> None:
    login = User.objects.create_user(email="login@example.uz", password="x-Parol-2026")
    assert not _fresh(login)[0].is_owner
    person = Person.objects.get(user=cast.users["neighbour"])
    person_login_link(person=person, user=None, by=cast.users["admin"], reason="test")
    assert not _fresh(cast.users["neighbour"])[0].is_owner
    person_login_link(person=person, user=login, by=cast.users["admin"], reason="test")
    assert _fresh(login)[0].is_owner


def test_a_company_removed_from_the_register_voids_its_staff(cast: Cast) -> None:
    director = cast.users["mc_director"]
    assert _fresh(director)[0].managing_organization_id == cast.mc.pk
    mc_remove(
        mc=cast.mc, reason="test", removed_on=dt.date(2026, 12, 1), inspector=cast.users["admin"]
    )
    assert _fresh(director)[0].managing_organization_id is None


def test_a_lost_stamp_is_a_new_stamp(cast: Cast) -> None:
    """Rows changed past every receiver (an UPDATE in bulk) show once the cache loses the
    login's stamp: the old entry is never taken as valid again."""
    owner = cast.users["owner"]
    assert _fresh(owner)[0].is_owner
    Ownership.objects.filter(person__user=owner, until__isnull=True).update(until=F("since"))
    assert _fresh(owner)[0].is_owner  # the cached entry, until...
    cache.delete(PREFIX + _STAMP.format(owner.pk))
    assert not _fresh(owner)[0].is_owner


def test_an_entry_read_before_the_commit_is_void_after_it(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    """A request that reads the roles while a transaction changes them (between the
    transaction's write and its commit) caches what it saw; the commit voids that."""
    owner = cast.users["owner"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        granted = membership_grant(
            user=owner, role=Role.COUNCIL_MEMBER, district_id=cast.district.pk
        )
        # a concurrent request, which cannot see the new row yet, reads and caches
        Membership.objects.filter(pk=granted.pk).update(revoked_at=dt.datetime.now(dt.UTC))
        assert not _fresh(owner)[0].is_council_member
        Membership.objects.filter(pk=granted.pk).update(revoked_at=None)
    assert _fresh(owner)[0].council_district_id == cast.district.pk


def test_the_superuser_flag_comes_from_the_login(cast: Cast) -> None:
    owner = cast.users["owner"]
    assert not _fresh(owner)[0].superuser
    again = User.objects.get(pk=owner.pk)
    again.is_superuser = True
    assert roles_of(again).superuser


# --- a session's login, cached with its roles (accounts.permissions.login_cached) -------


def _login_queries(client, path: str = "/registry/my-apartments/"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, [q["sql"] for q in ctx.captured_queries if "accounts_user" in q["sql"]]


def test_a_signed_in_request_reads_its_login_from_the_cache(cast: Cast, client) -> None:
    client.force_login(cast.users["owner"])
    client.get("/registry/my-apartments/")  # warm
    response, reads = _login_queries(client)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == cast.users["owner"].pk
    assert reads == []


def test_without_the_cache_each_request_reads_its_login(cast: Cast, client, settings) -> None:
    settings.ROLES_CACHE_SECONDS = 0
    client.force_login(cast.users["owner"])
    client.get("/registry/my-apartments/")
    response, reads = _login_queries(client)
    assert response.status_code == 200
    assert len(reads) == 1


def _new_password(row: User) -> None:
    row.set_password("a-new-password-2026!")
    row.save()


def _deactivated(row: User) -> None:
    row.is_active = False
    row.save(update_fields=["is_active"])


@pytest.mark.parametrize("change", [_new_password, _deactivated], ids=["password", "inactive"])
def test_a_changed_login_is_signed_out_at_its_next_request(cast: Cast, client, change) -> None:
    """A new password ends the other sessions at once; so does a deactivation."""
    owner = cast.users["owner"]
    client.force_login(owner)
    assert client.get("/registry/my-apartments/").status_code == 200  # cached now
    change(User.objects.get(pk=owner.pk))
    response = client.get("/registry/my-apartments/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_the_cached_login_carries_roles_that_follow_their_rows(cast: Cast, client) -> None:
    owner = cast.users["owner"]
    client.force_login(owner)
    client.get("/")
    membership_grant(user=owner, role=Role.COUNCIL_MEMBER, district_id=cast.district.pk)
    response = client.get("/")
    assert roles_of(response.wsgi_request.user).council_district_id == cast.district.pk
