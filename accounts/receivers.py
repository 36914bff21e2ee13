"""The shared cache of roles follows the rows it is read from (accounts.permissions.roles_of).

Saved or deleted one by one (the admin, the services, a shell), these rows void the cached
roles of the login they belong to, or of everyone where a name or a register status shows
in many logins' roles. Writers in bulk (the registry's ownership changes, the Turar-Joy
import) call ``roles_changed`` themselves: bulk writes send no signals.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from accounts.models import Membership, Person, User
from accounts.permissions import roles_changed


def _login_of_row(sender: Any, instance: Any, **kwargs: Any) -> None:
    roles_changed([instance.user_id])


def _login(sender: Any, instance: Any, **kwargs: Any) -> None:
    roles_changed([instance.pk])  # the cached login itself (accounts.permissions.login_cached)


def _login_of_owner(sender: Any, instance: Any, **kwargs: Any) -> None:
    roles_changed(Person.objects.filter(pk=instance.person_id).values_list("user_id", flat=True))


def _everyone(sender: Any, instance: Any, **kwargs: Any) -> None:
    roles_changed()


for _signal in (post_save, post_delete):
    _signal.connect(_login_of_row, sender=Membership, dispatch_uid=f"roles-m-{_signal}")
    _signal.connect(_login_of_row, sender=Person, dispatch_uid=f"roles-p-{_signal}")
    _signal.connect(_login, sender=User, dispatch_uid=f"roles-u-{_signal}")
    # the models of the apps above, by name (accounts imports none of them)
    _signal.connect(
        _login_of_owner, sender="buildings.Ownership", dispatch_uid=f"roles-o-{_signal}"
    )
    for _model in ("organizations.ManagementCompany", "territory.District", "territory.Region"):
        _signal.connect(_everyone, sender=_model, dispatch_uid=f"roles-{_model}-{_signal}")
