"""Suite-wide fixtures and the skip rules for `postgres`, `redis` and `e2e` tests.

A test that needs what this machine lacks is skipped with the reason, never silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache

pytest_plugins = ["tests.personas", "tests.registry_fixtures", "tests.demo_world"]

CHROMIUM = "/usr/bin/chromium"


def _database_is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _redis_reachable() -> str | None:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        return f"Redis at REDIS_URL is unreachable ({exc.__class__.__name__})"
    return None


def _chromium_missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    pg_reason = (
        None
        if _database_is_postgres()
        else "needs PostgreSQL: set DATABASE_URL=postgres://... (running on SQLite)"
    )
    redis_reason = _redis_reachable()
    e2e_reason = _chromium_missing()
    for item in items:
        if pg_reason and "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=pg_reason))
        if redis_reason and "redis" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=redis_reason))
        if e2e_reason and "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=e2e_reason))
    items.sort(key=_long_first)  # stable: the order within each group is kept


# Files that take minutes each: under xdist (`make test`: --dist loadfile with
# --no-loadscope-reorder) a worker takes them first while the other works through the rest,
# instead of the longest starting last and running alone at the end.
LONG_FILES = (
    "tests/e2e/test_pages_seen.py",
    "tests/reliability/test_accrual_crash.py",
    "tests/reliability/test_form_fuzz.py",
    "tests/mening_uyim/test_celery.py",
)


def _long_first(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return LONG_FILES.index(path) if path in LONG_FILES else len(LONG_FILES)


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Rate-limit counters and role caches must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


SETUP_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "setup":
        item.stash[SETUP_PASSED] = report.passed


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test ends with a flush, which also empties the rows migrations load
    (regions and districts, the program's unit costs). In one process pytest-django runs
    those tests last; under xdist a file's tests run together, so the next test of the
    worker could find them gone. After a test that used a transactional database, they
    are loaded again."""
    yield
    if nextitem is None:  # the session's end: the test databases are gone
        return
    if not item.stash.get(SETUP_PASSED, False):
        # skipped (or its set-up failed): no flush happened, and the test database may
        # not exist yet (the long files run first), so the configured one must not be touched
        return
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    names = set(getattr(item, "fixturenames", ()))
    if not (transactional or {"transactional_db", "live_server"} & names):
        return
    from pytest_django.plugin import blocking_manager_key

    from lots.models import UnitCost
    from territory.models import District, Region
    from territory.reference import regions_ensure

    with item.config.stash[blocking_manager_key].unblock():
        if not Region.objects.exists():
            regions_ensure(Region, District)
        if not UnitCost.objects.exists():  # lots' migration 0002
            UnitCost.objects.bulk_create(
                UnitCost(element=element, work=work, tiyin_per_m2=tiyin)
                for element, (work, tiyin) in settings.PROGRAM_UNIT_COSTS.items()
            )
        # the personas' rows point at the reference rows: taken again on the new ones
        from tests import cast_rows
        from tests.personas import PASSWORD

        cast_rows.fresh(PASSWORD)


# Officials must use a second factor (accounts.security). The personas are enrolled by the
# demo itself; officials that other tests make on the spot (a national inspector, a second
# council member, a superuser) are enrolled here too, with the personas' secret, so that those
# tests keep testing their own rule. The MFA rule's own tests (marked ``mfa_rule``) see
# officials exactly as made, un-enrolled.
MFA_RULE_MODULES = ("test_mfa", "test_mfa_reset", "test_security_access", "test_sessions")


@pytest.fixture(autouse=True)
def _officials_enrolled(request: pytest.FixtureRequest) -> Iterator[None]:
    module = request.node.module.__name__.rsplit(".", 1)[-1] if request.node.module else ""
    if module.startswith(MFA_RULE_MODULES):
        yield
        return
    from django.db.models.signals import post_save

    from accounts.models import Membership, User
    from accounts.security.rules import MFA_ROLES
    from accounts.security.services import totp_enrol
    from tests.personas import TOTP_SECRET

    def membership_saved(sender: object, instance: Membership, **kwargs: object) -> None:
        if instance.role in MFA_ROLES and instance.revoked_at is None:
            totp_enrol(user=instance.user, secret=TOTP_SECRET)

    def user_saved(sender: object, instance: User, **kwargs: object) -> None:
        if instance.is_superuser:
            totp_enrol(user=instance, secret=TOTP_SECRET)

    post_save.connect(membership_saved, sender=Membership, dispatch_uid="tests.enrol.m")
    post_save.connect(user_saved, sender=User, dispatch_uid="tests.enrol.u")
    try:
        yield
    finally:
        post_save.disconnect(dispatch_uid="tests.enrol.m", sender=Membership)
        post_save.disconnect(dispatch_uid="tests.enrol.u", sender=User)
