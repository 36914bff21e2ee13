from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.ids import MAX_ID


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
