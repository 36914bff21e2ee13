from __future__ import annotations

import pytest

from accounts.models import Role, User
from accounts.services import membership_grant
from mening_uyim.demo import Cast
from tests.factories import UserFactory


@pytest.fixture
def national_inspector(cast: Cast) -> User:
    """An inspector of the whole country: may remove any MC from the register."""
    user = UserFactory.create()
    membership_grant(user=user, role=Role.INSPECTOR, region_id=None)
    return user
