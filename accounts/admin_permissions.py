"""Permissions named in the console's language.

Django stores each permission's name in English when it migrates ("Can add building")
and shows that stored text in the user and group forms, whatever the language. The four
default permissions of a model are named here from the model's translated verbose name
instead; another permission's stored name is looked up in the catalogue.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Permission
from django.utils.translation import gettext, pgettext

ACTIONS = {
    "add": lambda name: pgettext("permission", "Can add %(name)s") % {"name": name},
    "change": lambda name: pgettext("permission", "Can change %(name)s") % {"name": name},
    "delete": lambda name: pgettext("permission", "Can delete %(name)s") % {"name": name},
    "view": lambda name: pgettext("permission", "Can view %(name)s") % {"name": name},
}


def permission_label(permission: Permission) -> str:
    """``Binolar reyestri | bino | Bino qoʻshish mumkin``: app, model, action, translated."""
    content_type = permission.content_type
    model = content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is not None and permission.codename == f"{action}_{model._meta.model_name}":
        name = ACTIONS[action](model._meta.verbose_name) if action in ACTIONS else None
    else:
        name = None
    return f"{content_type} | {name or gettext(permission.name)}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return permission_label(obj)


def permissions_formfield(db_field: Any, formfield: Any) -> Any:
    """The admin's field of ``db_field`` (user or group permissions), with the labels above."""
    if db_field.name not in ("permissions", "user_permissions") or formfield is None:
        return formfield
    return PermissionsField(
        queryset=formfield.queryset.select_related("content_type"),
        required=formfield.required,
        widget=formfield.widget,
        label=formfield.label,
        help_text=formfield.help_text,
    )
