"""The registry's query parameters (region, district, class, search), parsed once for pages,
the map and the API. Ids go through core.ids: a bad one is an error that the API answers with
400 and a page ignores with a message.

The search ``q`` matches a building's address (case-insensitive, any part of it) or its
cadastral number (from the start). Both sides are compared in a normal form, so that what
people type finds what the registry holds:

- an address ignores the kind of apostrophe: ``Ulug'bek`` finds ``Ulugʻbek`` (Uzbek Latin is
  written with U+02BB, keyboards type U+0027, word processors U+2019);
- a cadastral number ignores case, spaces and the separators ``: - . /`` between its parts:
  ``tk 001 0000123`` and ``TK:001:0000123`` are the same number.

A search longer than ``Q_MAX`` characters is refused, not truncated: a cut search would
quietly answer another question. The input box cannot hold more, so only a crafted URL
meets the refusal (the API's 400; the page's 400 with the message and no rows).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from buildings.models import Classification
from core.ids import BadId, optional_id

MSG_BAD_ID = _("“%(value)s” is not a valid id of a %(field)s.")
MSG_BAD_CHOICE = _("“%(value)s” is not a valid %(field)s; choose one of: %(choices)s.")
MSG_IGNORED = _("The filter was ignored.")
MSG_Q_TOO_LONG = _("The search is too long: at most %(limit)d characters.")
MSG_DISTRICT_NOT_IN_REGION = _("The district “%(district)s” is not in the region “%(region)s”.")
FIELD_LABELS = {
    "region": _("region"),
    "district": _("district"),
    "building": _("building"),
    "class": _("class"),
    "classification": _("class"),
}

Q_MAX = 100
# The apostrophes Uzbek text is typed with; all read as U+0027 in a search.
APOSTROPHES = ("\u02bb", "\u02bc", "\u2018", "\u2019", "`")
# What may stand between the parts of a cadastral number.
CADASTRAL_SEPARATORS = (":", "-", ".", "/", " ")
_SPACES = re.compile(r"\s+")


def bad_id(value: str, field: str) -> str:
    return str(MSG_BAD_ID % {"value": value, "field": FIELD_LABELS.get(field, field)})


def address_key(text: str) -> str:
    """An address as the search compares it: one kind of apostrophe, single spaces."""
    for mark in APOSTROPHES:
        text = text.replace(mark, "'")
    return _SPACES.sub(" ", text).strip()


def cadastral_key(text: str) -> str:
    """A cadastral number as the search compares it: upper case, without separators."""
    text = _SPACES.sub("", text).upper()
    for sep in CADASTRAL_SEPARATORS:
        text = text.replace(sep, "")
    return text


@dataclass
class RegistryFilter:
    region_code: str | None = None
    region_id: int | None = None
    district_id: int | None = None
    klass: str | None = None
    q: str = ""  # address_key of the search, "" for none
    q_cadastral: str = ""  # cadastral_key of the search
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def region_chosen(self) -> bool:
        return self.region_code is not None or self.region_id is not None


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
    q = address_key(str(params.get("q") or ""))
    if len(q) > Q_MAX:
        result.errors["q"] = str(MSG_Q_TOO_LONG % {"limit": Q_MAX})
    elif q:
        result.q = q
        result.q_cadastral = cadastral_key(q)
    return result


def district_not_in_region(district: str, region: str) -> str:
    return str(MSG_DISTRICT_NOT_IN_REGION % {"district": district, "region": region})
