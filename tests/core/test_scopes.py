"""The scope "everything" survives being widened with "| its own rows".

Django drops an empty ``Q()`` from an OR (``Q() | Q(a=1)`` is ``Q(a=1)``): a policy that
returned ``Q()`` for the administrator and national inspectors and then added "or the
login's own rows" narrowed them to their own rows. National inspectors saw no ticket,
no appeal and no lot's money on the pages. ``core.scopes.EVERYTHING`` keeps its meaning
in any combination.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from accounts.permissions import roles_of
from billing.policies import lot_money_q
from buildings.models import Building
from core.scopes import EVERYTHING, NOTHING
from dispatch.models import Appeal, Ticket
from dispatch.policies import appeal_q, ticket_q
from dispatch.selectors import escalated_in_view
from dispatch.services import escalate_breaches
from lots.models import Lot
from mening_uyim.demo import Cast
from tests.dispatch.world import owner_appeal, owner_ticket
from tests.voting.admin_world import national_inspector


@pytest.mark.django_db
def test_everything_stays_everything_in_an_or(cast: Cast) -> None:
    every = Building.objects.count()
    assert every > 1
    mine = Q(pk=Building.objects.order_by("pk").first().pk)  # type: ignore[union-attr]
    assert Building.objects.filter(EVERYTHING | mine).count() == every
    assert Building.objects.filter(mine | EVERYTHING).count() == every
    assert Building.objects.filter(EVERYTHING & mine).count() == 1
    assert Building.objects.filter(NOTHING | mine).count() == 1
    assert Building.objects.filter(~EVERYTHING).count() == 0
    # what the policies used to do
    assert Building.objects.filter(Q() | mine).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["national_inspector", "admin"])
def test_national_overseers_see_every_ticket_appeal_and_lot(cast: Cast, key: str) -> None:
    national_inspector(cast)
    ticket = owner_ticket(cast)
    escalate_breaches(at=ticket.resolution_due_at + dt.timedelta(minutes=1))
    appeal = owner_appeal(cast)
    lot = Lot.objects.create(code="UZ-TK-900", region=cast.region)
    user = cast.users[key]
    roles = roles_of(user)
    assert Ticket.objects.filter(ticket_q(roles, user.pk), pk=ticket.pk).exists()
    assert Appeal.objects.filter(appeal_q(roles, user.pk), pk=appeal.pk).exists()
    assert Lot.objects.filter(lot_money_q(roles), pk=lot.pk).exists()
    assert list(escalated_in_view(user).values_list("pk", flat=True)) == [ticket.pk]
