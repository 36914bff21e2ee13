from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.ids import MAX_ID


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("approve")), ("reject", _("reject"))]
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea, required=False)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not str(cleaned.get("comment", "")).strip():
            self.add_error("comment", _("Say why the council rejects the lot."))
        return cleaned


class MoveForm(forms.Form):
    building = forms.IntegerField(
        label=_("Building"), min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    to_lot = forms.IntegerField(label=_("Move to lot"), min_value=1, max_value=MAX_ID)


class ProgramItemForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1, max_value=5)
    cost_som = forms.IntegerField(
        label=_("Cost, so'm"),
        min_value=0,
        # tiyin live in a 64-bit integer; a trillion so'm is beyond any repair
        max_value=10**12,
        error_messages={
            "min_value": _("A cost cannot be negative."),
            "max_value": _("This cost is not plausible."),
        },
    )


class AmendmentForm(ProgramItemForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": _("Give the reason for the amendment.")},
    )
