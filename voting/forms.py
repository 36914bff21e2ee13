from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.ids import MAX_ID
from voting.models import MeetingInitiator, QuestionKind, QuestionRule


class BallotForm(forms.Form):
    candidate = forms.IntegerField(
        label=_("Your choice"),
        min_value=1,
        max_value=MAX_ID,
        error_messages={"required": _("Choose a candidate.")},
    )


class AppointForm(forms.Form):
    company = forms.IntegerField(label=_("Interim company"), min_value=1, max_value=MAX_ID)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


class MeetingForm(forms.Form):
    """Who calls the meeting, among the ways open to this login (voting.policies)."""

    initiator = forms.ChoiceField(label=_("Initiated by"), choices=MeetingInitiator.choices)

    def __init__(self, *args: Any, initiators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["initiator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = initiators


class QuestionForm(forms.Form):
    """One agenda question; the rule follows from the kind where DOMAIN.md fixes it."""

    text = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.OTHER
    )
    rule = forms.ChoiceField(
        label=_("Rule"),
        choices=[("", _("as the kind requires")), *QuestionRule.choices],
        required=False,
    )


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=3, max_num=30, validate_max=True, min_num=1, validate_min=True
)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
