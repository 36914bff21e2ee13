from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logins, people (PINFL) and roles."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # the login's session marks (MFA enrolled, last activity): accounts.security.receivers
        # the shared cache of roles follows its rows
        from accounts import receivers as roles_receivers  # noqa: F401
        from accounts.security import receivers  # noqa: F401
