from __future__ import annotations

from typing import cast

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


MSG_NO_CHANNEL = _("Choose at least one way to get messages.")
MSG_NO_EMAIL = _("Your login has no email address: messages cannot be sent by email.")
MSG_NO_PHONE = _("Add a phone number first to get messages by SMS.")
MSG_NO_TELEGRAM = _("Link Telegram first to get messages there.")
MISSING = {"email": MSG_NO_EMAIL, "sms": MSG_NO_PHONE, "telegram": MSG_NO_TELEGRAM}
CHANNEL_LABELS = {"email": _("Email"), "sms": _("SMS"), "telegram": _("Telegram")}


class NotificationPreferenceForm(forms.Form):
    """The channels (only those the installation offers) and the language of messages.
    A channel must be able to reach the person: an email, a phone, a linked chat."""

    language = forms.ChoiceField(label=_("Language of messages"), choices=())

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        from django.conf import settings

        from accounts.notifications import offered_channels, preference_of, sms_phone

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        self.preference = preference_of(user)
        person = getattr(user, "person", None)
        self.reachable = {
            "email": bool(user.mailbox),
            "sms": bool(sms_phone(person) if person is not None else user.phone),
            "telegram": self.preference.telegram_chat_id is not None,
        }
        self.channels = offered_channels()
        saved = self.preference.pk is not None
        default = next((c for c in self.channels if self.reachable[c]), self.channels[0])
        for channel in self.channels:
            self.fields[channel] = forms.BooleanField(
                label=CHANNEL_LABELS[channel],
                required=False,
                initial=getattr(self.preference, channel) if saved else channel == default,
                help_text="" if self.reachable[channel] else MISSING[channel],
            )
        cast(forms.ChoiceField, self.fields["language"]).choices = list(settings.LANGUAGES)
        self.fields["language"].initial = self.preference.language
        self.order_fields([*self.channels, "language"])

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        chosen = {c for c in self.channels if cleaned.get(c)}
        for channel in sorted(chosen):
            if not self.reachable[channel]:
                self.add_error(channel, MISSING[channel])
        if not chosen and any(self.reachable[c] for c in self.channels):
            raise ValidationError(MSG_NO_CHANNEL)
        cleaned["channels"] = chosen
        return cleaned
