from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_phone, validate_phone
from organizations.models import ManagementCompany, validate_tin


class ApplicationForm(forms.Form):
    """An MC's application to the register. Own funds are entered in whole so'm."""

    name = forms.CharField(label=_("Company name"), max_length=200)
    # One rule, one message: the length is validate_tin's (a length validator beside it
    # said the same thing twice); the browser still stops at nine characters.
    tin = forms.CharField(
        label=_("TIN (STIR)"),
        validators=[validate_tin],
        widget=forms.TextInput(attrs={"maxlength": 9, "inputmode": "numeric"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300)
    own_funds_som = forms.IntegerField(
        label=_("Own funds, so'm"),
        min_value=0,
        # tiyin are stored in a 64-bit integer; a quadrillion so'm is far above any company
        max_value=10**15,
        error_messages={
            "min_value": _("Own funds cannot be negative."),
            "max_value": _("This amount is not plausible; enter own funds in so'm."),
        },
    )
    has_material_base = forms.BooleanField(
        label=_("We have a material and technical base"), required=False
    )
    material_base = forms.CharField(
        label=_("Material and technical base: what it is"), widget=forms.Textarea, required=False
    )
    dispatch_phone = forms.CharField(label=_("24-hour dispatch phone"), max_length=20)
    dispatch_24h = forms.BooleanField(
        label=_("The dispatch service is staffed around the clock"), required=False
    )
    staff_count = forms.IntegerField(label=_("Staff"), min_value=1, max_value=1_000_000)

    def clean_tin(self) -> str:
        tin: str = self.cleaned_data["tin"].strip()
        if ManagementCompany.objects.filter(tin=tin).exists():
            raise forms.ValidationError(
                _("A management company with this TIN is already in the register.")
            )
        return tin

    def clean_dispatch_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["dispatch_phone"])
        validate_phone(phone)
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("has_material_base") and not cleaned.get("material_base", "").strip():
            self.add_error("material_base", _("Describe the material and technical base."))
        return cleaned
