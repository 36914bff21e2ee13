"""Lot elections and general meetings in the inspection console: read-only, region by region.

**Read-only for everyone, the superuser included.** Every state change of an election or a
meeting goes through voting.services and voting.meetings, which check the rules under the
row lock; ballots are append-only (DOMAIN.md "Verifiability"). So no page here adds,
changes or deletes anything, and no bulk action is offered: a POST is refused (403).
There is no "close" action either: closing is the act of the lot's council or the
building's parties (voting.policies), and of the beat task; an inspector oversees it.

**Scope** (buildings.admin.RegionScopedAdmin): a regional inspector sees the elections of
the lots of their region and the meetings of its buildings; a national inspector and the
administrator see all. Rows outside the scope are 404, even by direct link.

**Ballot secrecy.** A ballot is shown as the bulletin board shows it, plus its chain
entry: the pseudonymous voter reference (a keyed hash), the receipt code, the choice, the
weight, the entry number and the hashes. Never its ``person``: it is not displayed, and
ballots cannot be searched, filtered or sorted by person (a ``?person=`` lookup in the URL
is refused, 400). The electorate, by contrast, lists people: it is the published
electorate (who may vote, with which weight), and nothing here joins an elector to a
ballot (no "has voted" column, no link between the two lists). Seeing who may vote is
oversight; seeing who voted what is not.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from buildings.admin import RegionScopedAdmin
from voting.models import (
    Ballot,
    Candidate,
    Decision,
    Election,
    Elector,
    InterimAppointment,
    Meeting,
    MeetingBallot,
    MeetingElector,
    MeetingSignature,
    Question,
)
from voting.tally import Tally

# --- shared parts --------------------------------------------------------------------------


def _shown(attr: str, label: Any) -> Any:
    """A read-only column of ``attr`` under a translated label: the models leave some
    relations unnamed, and Django would print the bare field name, untranslated."""

    @admin.display(description=label)
    def show(self: Any, obj: Any) -> Any:
        value = getattr(obj, attr)
        return self.get_empty_value_display() if value is None else value

    return show


def _link(target: Model, text: object = None) -> str:
    """A link to ``target``'s page in the console (in the viewer's scope: the lot of an
    election and the building of a meeting are in the same region)."""
    opts = target._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
    return format_html('<a href="{}">{}</a>', url, target if text is None else text)


def _list_link(model: type[Model], lookup: str, pk: int, count: int) -> str:
    """The number of rows of ``model`` whose ``lookup`` is ``pk``, linking to their list."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return format_html('<a href="{}?{}={}">{}</a>', url, lookup, pk, count)


def _json(value: Any) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))


def _flat(fields: tuple[str | tuple[str, str], ...]) -> tuple[str, ...]:
    """The names of a fieldset's fields (two on a line are a pair)."""
    return tuple(name for item in fields for name in ((item,) if isinstance(item, str) else item))


def _m2(units: int, scale: int) -> str:
    """Weight units as m², exactly as the board prints them."""
    return Tally(total_units=0, participating_units=0, weight_scale=scale).m2(units)


class ReadOnlyAdmin(RegionScopedAdmin):
    """Nothing is added, changed or deleted here, by anyone (see the module docstring)."""

    actions = None  # no bulk action, not even Django's "delete selected"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SecretBallotAdmin(ReadOnlyAdmin):
    """A ballot is never reached through its person (ballot secrecy, module docstring)."""

    def lookup_allowed(self, lookup: str, value: str, request: Any = None) -> bool:
        # resolved as Django resolves it: "person", "person_id", "person__pinfl" … alike
        try:
            field = self.model._meta.get_field(lookup.split(LOOKUP_SEP, 1)[0])
        except FieldDoesNotExist:
            field = None
        if field is not None and field.name == "person":
            return False  # Django answers 400, as for any lookup it refuses
        return super().lookup_allowed(lookup, value, request)


# --- lot elections -------------------------------------------------------------------------


class CandidateInline(ReadOnlyInline):
    model = Candidate
    fields = readonly_fields = ("company_", "applied_by_", "applied_at")
    company_ = _shown("company", _("Company"))
    applied_by_ = _shown("applied_by", _("by"))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("company", "applied_by")


class InterimAppointmentInline(ReadOnlyInline):
    model = InterimAppointment
    fields = readonly_fields = ("company_", "by_", "reason", "at")
    company_ = _shown("company", _("Interim company"))
    by_ = _shown("by", _("by"))


ELECTION_FIELDS: tuple[str | tuple[str, str], ...] = (
    "lot_link",
    "runoff_link",
    "status",
    ("opened_at", "opened_by_"),
    "nomination_ends_at",
    "voting_ends_at",
    "extended_at",
    "quorum_percent",
    "weight_scale",
    "total_weight_units",
    ("closed_at", "closed_by_"),
    "outcome",
    "winner_",
    "head_hash",
    "published_result",
    "electorate",
    "ballots",
)


@admin.register(Election)
class ElectionAdmin(ReadOnlyAdmin):
    """An election with its candidates and its interim appointment (if any); its result,
    the chain's head and the outcome as published at the close. The electorate and the
    ballots are lists of their own (thousands of rows), linked from here."""

    region_path = "lot__region_id"
    list_display = [
        "__str__",
        "lot_link",
        "status",
        "opened_at",
        "voting_ends_at",
        "outcome",
        "winner_",
    ]
    list_filter = ["status", "outcome"]
    search_fields = ["=lot__code"]
    list_select_related = ["lot", "winner"]
    fieldsets = [(None, {"fields": ELECTION_FIELDS})]
    readonly_fields = _flat(ELECTION_FIELDS)
    inlines = [CandidateInline, InterimAppointmentInline]

    opened_by_ = _shown("opened_by", _("by"))
    closed_by_ = _shown("closed_by", _("by"))
    winner_ = _shown("winner", _("winner"))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("lot", "winner")

    @admin.display(description=_("lot"))
    def lot_link(self, obj: Election) -> str:
        return _link(obj.lot)

    @admin.display(description=_("runoff"))
    def runoff_link(self, obj: Election) -> str:
        """→ the runoff this election led to; ← the election this one is the runoff of."""
        runoff = Election.objects.filter(runoff_of=obj).first()
        if runoff is not None:
            return _link(runoff, f"→ #{runoff.pk}")
        if obj.runoff_of is not None:
            return _link(obj.runoff_of, f"← #{obj.runoff_of_id}")
        return self.get_empty_value_display()

    @admin.display(description=_("published result"))
    def published_result(self, obj: Election) -> str:
        return _json(obj.result) if obj.result else self.get_empty_value_display()

    @admin.display(description=_("electorate"))
    def electorate(self, obj: Election) -> str:
        return _list_link(Elector, "election__id__exact", obj.pk, obj.electors.count())

    @admin.display(description=_("ballots"))
    def ballots(self, obj: Election) -> str:
        return _list_link(Ballot, "election__id__exact", obj.pk, obj.ballots.count())


@admin.register(Elector)
class ElectorAdmin(ReadOnlyAdmin):
    """The electorate frozen at opening: who may vote, with which weight (public to the
    oversight; it says nothing of who voted, or how)."""

    region_path = "election__lot__region_id"
    list_display = fields = readonly_fields = (
        "election_",
        "person_",
        "apartment_",
        "area_m2",
        "numerator",
        "denominator",
        "weight_units",
    )
    search_fields = ["=person__pinfl", "=apartment__account_number"]
    list_select_related = ["election__lot", "person", "apartment__building"]
    show_full_result_count = False

    election_ = _shown("election", _("election"))
    person_ = _shown("person", _("person"))
    apartment_ = _shown("apartment", _("apartment"))
    numerator = _shown("share_numerator", _("share numerator"))
    denominator = _shown("share_denominator", _("share denominator"))


BALLOT_FIELDS = (
    "seq",
    "election_",
    "voter_ref",
    "receipt",
    "choice",
    "weight_units",
    "weight_m2",
    "cast_at",
    "prev_hash",
    "hash",
)


@admin.register(Ballot)
class BallotAdmin(SecretBallotAdmin):
    """The election's chain, entry by entry, by voter reference: never by person."""

    region_path = "election__lot__region_id"
    list_display = tuple(f for f in BALLOT_FIELDS if f != "prev_hash")
    search_fields = ["=receipt", "=voter_ref"]
    list_select_related = ["election__lot", "candidate__company"]
    show_full_result_count = False
    fields = readonly_fields = BALLOT_FIELDS

    election_ = _shown("election", _("election"))
    choice = _shown("candidate", _("Choice"))

    @admin.display(description=_("Weight, m²"))
    def weight_m2(self, obj: Ballot) -> str:
        return _m2(obj.weight_units, obj.election.weight_scale)


# --- general meetings ----------------------------------------------------------------------


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = readonly_fields = ("order", "text", "kind", "rule")


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = readonly_fields = ("uid", "question_", "kind", "rule", "passed", "decided_at")
    question_ = _shown("question", _("agenda question"))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("question")


class SignatureInline(ReadOnlyInline):
    model = MeetingSignature
    fields = readonly_fields = ("person_", "signed_by_", "signed_at")
    person_ = _shown("person", _("person"))
    signed_by_ = _shown("signed_by", _("by"))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("person", "signed_by")


MEETING_FIELDS: tuple[str | tuple[str, str], ...] = (
    "building_link",
    ("initiator", "initiated_by_"),
    "created_at",
    "initiative_percent",
    "status",
    "opened_at",
    "discussion_ends_at",
    "voting_ends_at",
    "quorum_percent",
    "weight_scale",
    "total_weight_units",
    ("closed_at", "closed_by_"),
    "head_hash",
    "published_result",
    "electorate",
    "ballots",
)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    """A general meeting with its agenda, its decisions and its initiative's signatures;
    its result and the chain's head as published at the close."""

    region_path = "building__region_id"
    list_display = [
        "meeting",
        "building_link",
        "initiator",
        "status",
        "opened_at",
        "voting_ends_at",
        "closed_at",
    ]
    list_filter = ["status", "initiator"]
    search_fields = ["=building__cadastral_number"]
    list_select_related = ["building"]
    fieldsets = [(None, {"fields": MEETING_FIELDS})]
    readonly_fields = _flat(MEETING_FIELDS)
    inlines = [QuestionInline, DecisionInline, SignatureInline]

    initiated_by_ = _shown("initiated_by", _("by"))
    closed_by_ = _shown("closed_by", _("by"))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("building")

    @admin.display(description=_("general meeting"), ordering="pk")
    def meeting(self, obj: Meeting) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("building"))
    def building_link(self, obj: Meeting) -> str:
        return _link(obj.building)

    @admin.display(description=_("published result"))
    def published_result(self, obj: Meeting) -> str:
        return _json(obj.result) if obj.result else self.get_empty_value_display()

    @admin.display(description=_("meeting electorate"))
    def electorate(self, obj: Meeting) -> str:
        return _list_link(MeetingElector, "meeting__id__exact", obj.pk, obj.electors.count())

    @admin.display(description=_("meeting ballots"))
    def ballots(self, obj: Meeting) -> str:
        return _list_link(MeetingBallot, "meeting__id__exact", obj.pk, obj.ballots.count())


@admin.register(MeetingElector)
class MeetingElectorAdmin(ReadOnlyAdmin):
    """The meeting's electorate frozen at opening (as ElectorAdmin)."""

    region_path = "meeting__building__region_id"
    list_display = fields = readonly_fields = (
        "meeting_",
        "person_",
        "apartment_",
        "area_m2",
        "numerator",
        "denominator",
        "weight_units",
    )
    search_fields = ["=person__pinfl", "=apartment__account_number"]
    list_select_related = ["person", "apartment__building"]
    show_full_result_count = False

    person_ = _shown("person", _("person"))
    apartment_ = _shown("apartment", _("apartment"))
    numerator = _shown("share_numerator", _("share numerator"))
    denominator = _shown("share_denominator", _("share denominator"))

    @admin.display(description=_("general meeting"))
    def meeting_(self, obj: MeetingElector) -> str:
        return f"#{obj.meeting_id}"


MEETING_BALLOT_FIELDS = (
    "seq",
    "meeting_",
    "voter_ref",
    "receipt",
    "answers",
    "weight_units",
    "weight_m2",
    "cast_at",
    "prev_hash",
    "hash",
)


@admin.register(MeetingBallot)
class MeetingBallotAdmin(SecretBallotAdmin):
    """The meeting's chain, entry by entry, by voter reference: never by person."""

    region_path = "meeting__building__region_id"
    list_display = tuple(f for f in MEETING_BALLOT_FIELDS if f != "prev_hash")
    search_fields = ["=receipt", "=voter_ref"]
    list_select_related = ["meeting"]
    show_full_result_count = False
    fields = readonly_fields = MEETING_BALLOT_FIELDS

    @admin.display(description=_("general meeting"))
    def meeting_(self, obj: MeetingBallot) -> str:
        return f"#{obj.meeting_id}"

    @admin.display(description=_("choices"))
    def answers(self, obj: MeetingBallot) -> str:
        """Question id → for / against / abstain, as the chain encodes it."""
        return json.dumps(obj.choices, sort_keys=True)

    @admin.display(description=_("Weight, m²"))
    def weight_m2(self, obj: MeetingBallot) -> str:
        return _m2(obj.weight_units, obj.meeting.weight_scale)
