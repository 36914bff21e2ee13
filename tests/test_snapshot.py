"""The persona matrix's "no change in any table" check must see every kind of change."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Membership, User
from mening_uyim.demo import Cast
from organizations.models import ManagementCompany
from tests.access import snapshot

pytestmark = pytest.mark.django_db


def test_a_new_row_is_a_change(cast: Cast) -> None:
    before = snapshot()
    User.objects.create_user(email="new@example.uz", password="x-Parol-2026")
    assert snapshot() != before


def test_an_updated_column_is_a_change(cast: Cast) -> None:
    before = snapshot()
    ManagementCompany.objects.filter(pk=cast.mc.pk).update(staff_count=49)
    assert snapshot() != before


def test_a_deleted_row_is_a_change(cast: Cast) -> None:
    before = snapshot()
    Membership.objects.filter(user=cast.users["mc_dispatcher"]).delete()
    assert snapshot() != before


def test_a_null_that_becomes_empty_text_is_a_change(cast: Cast) -> None:
    User.objects.filter(pk=cast.users["owner"].pk).update(phone=None)
    before = snapshot()
    User.objects.filter(pk=cast.users["owner"].pk).update(phone="")
    assert snapshot() != before


def test_a_login_time_is_not_a_change(cast: Cast) -> None:
    before = snapshot()
    User.objects.filter(pk=cast.users["owner"].pk).update(last_login=timezone.now())
    assert snapshot() == before


def test_nothing_done_is_no_change(cast: Cast) -> None:
    assert snapshot() == snapshot()


@pytest.mark.usefixtures("_cast_rows_taken")
def test_the_kept_cast_rows_are_the_rows_personas_ensure_writes() -> None:
    """tests.cast_rows writes back what personas_ensure wrote: the same rows of every
    model (as many of each; the kept ones keep the pks of their first making), and the
    cast's logins by the same keys."""
    from django.apps import apps
    from django.db import transaction

    from mening_uyim.demo import personas_ensure
    from tests import cast_rows
    from tests.personas import PASSWORD

    def rows() -> dict[str, int]:
        return {
            model._meta.label_lower: model._base_manager.count()
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }

    assert cast_rows._kept is not None, "the rows were not taken: every cast is made the long way"
    with transaction.atomic():
        made = personas_ensure(password=PASSWORD)
        long_way = rows()
        transaction.set_rollback(True)
    with transaction.atomic():
        kept = cast_rows.cast(PASSWORD)
        assert rows() == long_way
        assert {k: u.email for k, u in kept.users.items()} == {
            k: u.email for k, u in made.users.items()
        }
        assert kept.mc.tin == made.mc.tin
        assert kept.district.name == made.district.name
        transaction.set_rollback(True)
