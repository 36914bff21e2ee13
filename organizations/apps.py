from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    """The management companies register."""

    name = "organizations"
    verbose_name = _("Management companies")

    def ready(self) -> None:
        # the public register's cached pages follow its rows
        from organizations import receivers  # noqa: F401
