from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import normalize_phone, validate_phone

MSG_PHONE_TAKEN = _("This phone number is already used by another login.")


class PhoneForm(forms.Form):
    """A login's mobile number; accepts the usual spellings and stores +998XXXXXXXXX."""

    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "placeholder": "+998901234567"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        if not phone:
            if not self.user.email:
                raise ValidationError(_("A login without an email needs a phone number."))
            return ""
        validate_phone(phone)
        if User.objects.filter(phone=phone).exclude(pk=self.user.pk).exists():
            raise ValidationError(MSG_PHONE_TAKEN)
        return phone
