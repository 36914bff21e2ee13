"""Billing's forms: the tariff a council or an inspector sets, the amount an owner pays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import TIYIN_PER_SOM
from core.periods import BadPeriod, period_parse

MSG_MONTH = _("Enter the month as YYYY-MM, for example 2027-01.")


class TariffForm(forms.Form):
    som_per_m2 = forms.DecimalField(
        label=_("So'm per m² per month"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    effective_from = forms.CharField(
        label=_("In force from (month)"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_effective_from(self) -> dt.date:
        try:
            return period_parse(self.cleaned_data["effective_from"])
        except BadPeriod:
            raise forms.ValidationError(MSG_MONTH) from None

    def tiyin_per_m2(self) -> int:
        return int(self.cleaned_data["som_per_m2"] * TIYIN_PER_SOM)
