"""The two forms of the SMS sign-in: the phone number, then the code."""

from __future__ import annotations

import re

from allauth.account.adapter import get_adapter
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.phone_login.services import CODE_DIGITS

MSG_CODE_FORMAT = _("The code is the 6 digits from the SMS.")


class PhoneRequestForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "autocomplete": "tel",
                "inputmode": "tel",
                "placeholder": "+998 90 123-45-67",
                "autofocus": True,
            }
        ),
    )

    def clean_phone(self) -> str:
        # The adapter normalises the usual spellings and validates +998XXXXXXXXX.
        return str(get_adapter().clean_phone(self.cleaned_data["phone"]))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "placeholder": "123456",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", code):
            raise forms.ValidationError(MSG_CODE_FORMAT, code="format")
        return code
