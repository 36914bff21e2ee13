"""API authentication (settings.REST_FRAMEWORK): DRF's token authentication, its lookup
in one plain SQL query."""

from __future__ import annotations

from typing import Any

from django.db import connection
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from accounts.models import User

# The login of a token, every column of it, as the ORM would read it (with its converters:
# RawQuerySet applies them). Every API call makes this lookup, and building the same query
# with the ORM (the token joined to its login) cost three times what the database spends
# on it (bench/ballots.py).
LOGIN_OF_KEY_SQL = """
SELECT login.*
FROM accounts_user AS login
JOIN authtoken_token AS token ON token.user_id = login.id
WHERE token.key = %s
"""


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token …``, with DRF's answers: an unknown key and an inactive login
    are refused by DRF's own code (and in its words)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user = next(iter(User.objects.raw(LOGIN_OF_KEY_SQL, [key])), None)
        if user is None or not user.is_active:
            return super().authenticate_credentials(key)  # raises AuthenticationFailed
        # the token as DRF gives it (request.auth); its creation time is read on use
        token = Token.from_db(connection.alias, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token
