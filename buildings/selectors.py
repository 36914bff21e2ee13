"""Reads of the registry, each scoped to the user who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.permissions import roles_of
from buildings.models import District


def districts_visible_to(user: Any) -> QuerySet[District]:
    """Districts whose council work ``user`` may see: their own; their region's for inspectors."""
    roles = roles_of(user)
    qs = District.objects.select_related("region")
    if roles.superuser or roles.is_national_inspector:
        return qs
    if roles.inspector and roles.inspector_region_id is not None:
        return qs.filter(region_id=roles.inspector_region_id)
    if roles.council_district_id is not None:
        return qs.filter(pk=roles.council_district_id)
    return qs.none()


def council_district_for(user: Any) -> District:
    """The district a council member serves; 404 for anyone else."""
    roles = roles_of(user)
    if roles.council_district_id is None:
        raise Http404
    district = districts_visible_to(user).filter(pk=roles.council_district_id).first()
    if district is None:
        raise Http404
    return district
