"""Forms of the revenue and lease pages. They read formats (an amount in so'm, a date, a
file, a decision id); the rules are the services' (billing.revenue, billing.leases), whose
refusals the views show as the form's errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from billing.documents import ACCEPT, validate_document
from billing.models import LeaseContract, LeaseKind, RevenueKind
from billing.models.leases import MSG_PARTY_ID, validate_party_id
from buildings.models import Building
from core.money import BadAmount, som_parse
from core.periods import BadPeriod, period_parse
from lots.models import Lot

MSG_SOM = _("Enter an amount in so'm, for example 1 250 000 or 1 250 000,50.")
MSG_SOM_NEGATIVE = _("The amount cannot be negative.")
MSG_DECISION_ID = _("Enter the decision id as the meeting's protocol prints it.")
MSG_MONTH = _("Enter a month as YYYY-MM.")


class SomField(forms.CharField):
    """An amount typed in so'm (spaces and a decimal comma or point allowed), cleaned to an
    integer number of tiyin."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if text in (None, ""):
            return None
        if str(text).strip().startswith("-"):
            raise forms.ValidationError(MSG_SOM_NEGATIVE, code="negative")
        try:
            return som_parse(str(text))
        except BadAmount:
            raise forms.ValidationError(MSG_SOM, code="invalid") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RevenueForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of revenue"), choices=RevenueKind.choices)
    lease = forms.ModelChoiceField(
        label=_("Lease contract (for revenue from a lease)"),
        queryset=LeaseContract.objects.none(),
        required=False,
    )
    counterparty = forms.CharField(label=_("Counterparty"), max_length=200)
    counterparty_tin = forms.CharField(
        label=_("Counterparty's TIN or PINFL (if known)"),
        max_length=14,
        required=False,
        validators=[validate_party_id],
        error_messages={"max_length": MSG_PARTY_ID},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    amount = SomField(label=_("Amount, so'm"))
    received_on = forms.DateField(label=_("Date received"), widget=DateInput())
    document = forms.FileField(
        label=_("Document (PDF, JPG or PNG, up to 10 MB)"),
        validators=[validate_document],
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, lots: QuerySet, leases: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots  # type: ignore[attr-defined]
        self.fields["lease"].queryset = leases  # type: ignore[attr-defined]
        self.fields["lease"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"#{c.pk} {c.object_description} — {c.lessee_name}"
        )


class LeaseForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    kind = forms.ChoiceField(label=_("Contract"), choices=LeaseKind.choices)
    lessee_name = forms.CharField(label=_("Lessee"), max_length=200)
    lessee_tin = forms.CharField(
        label=_("Lessee's TIN or PINFL"),
        max_length=14,
        validators=[validate_party_id],
        error_messages={"max_length": MSG_PARTY_ID},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    object_description = forms.CharField(
        label=_("Object (what part of the common property)"), max_length=300
    )
    object_area_m2 = forms.DecimalField(
        label=_("Area, m²"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("99999999.99"),
        decimal_places=2,
    )
    starts_on = forms.DateField(label=_("Term from"), widget=DateInput())
    ends_on = forms.DateField(label=_("Term until"), widget=DateInput())
    rent = SomField(label=_("Rent, so'm a month (0 for gratuitous use)"), required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    decision_uid = forms.UUIDField(
        label=_("General meeting decision id"),
        help_text=_("As printed on the protocol of the meeting that approved the contract."),
        error_messages={"invalid": MSG_DECISION_ID},
    )

    def __init__(self, *args: Any, buildings: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]
        self.fields["building"].label_from_instance = lambda b: b.address  # type: ignore[attr-defined]


class RegistrationForm(forms.Form):
    number = forms.CharField(label=_("Tax registration number"), max_length=50)
    registered_on = forms.DateField(label=_("Registration date"), widget=DateInput())


class MonthForm(forms.Form):
    """The last month shown on the inspection's page (``?until=YYYY-MM``)."""

    until = forms.CharField(required=False, max_length=7)

    def clean_until(self) -> Any:
        text = self.cleaned_data.get("until") or ""
        if not text:
            return None
        try:
            return period_parse(text)
        except BadPeriod:
            raise forms.ValidationError(MSG_MONTH, code="invalid") from None
