"""The registry's query parameters (region, district, class), parsed once for pages, the
map and the API. Ids go through core.ids: a bad one is an error that the API answers with
400 and a page ignores with a message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from buildings.models import Classification
from core.ids import BadId, optional_id

MSG_BAD_ID = _("“%(value)s” is not a valid id of a %(field)s.")
MSG_BAD_CHOICE = _("“%(value)s” is not a valid %(field)s; choose one of: %(choices)s.")
MSG_IGNORED = _("The filter was ignored.")
FIELD_LABELS = {
    "region": _("region"),
    "district": _("district"),
    "building": _("building"),
    "class": _("class"),
    "classification": _("class"),
}


def bad_id(value: str, field: str) -> str:
    return str(MSG_BAD_ID % {"value": value, "field": FIELD_LABELS.get(field, field)})


@dataclass
class RegistryFilter:
    region_code: str | None = None
    region_id: int | None = None
    district_id: int | None = None
    klass: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def registry_filter_parse(
    params: Mapping[str, Any], *, class_param: str = "class"
) -> RegistryFilter:
    result = RegistryFilter()
    region = str(params.get("region") or "").strip()[:20]
    if region.upper().startswith("UZ-"):
        result.region_code = region.upper()
    elif region:
        try:
            result.region_id = optional_id(region)
        except BadId:
            result.errors["region"] = bad_id(region, "region")
    district = str(params.get("district") or "").strip()[:40]
    try:
        result.district_id = optional_id(district)
    except BadId:
        result.errors["district"] = bad_id(district, "district")
    klass = str(params.get(class_param) or "").strip()[:20]
    if klass in Classification.values:
        result.klass = klass
    elif klass:
        result.errors[class_param] = str(
            MSG_BAD_CHOICE
            % {
                "value": klass,
                "field": FIELD_LABELS[class_param],
                "choices": ", ".join(Classification.values),
            }
        )
    return result
