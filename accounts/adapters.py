"""django-allauth adapter: phone numbers live on ``accounts.User``.

Accounts are issued, not self-registered: owners arrive through the registry (and later
OneID), staff and officials are granted roles by an administrator. So sign-up is closed.
Phone verification codes, should allauth send any, go through the project's SMS interface
(accounts.sms); allauth's phone verification is off (ACCOUNT_PHONE_VERIFICATION_ENABLED=False):
numbers come from the registry, and owners sign in by SMS code through accounts.phone_login.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import ValidationError
from django.http import HttpRequest

from accounts.models import User
from accounts.validators import normalize_phone, validate_phone


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def clean_phone(self, phone: str) -> str:
        phone = normalize_phone(phone)
        try:
            validate_phone(phone)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages[0], code="phone") from None
        return phone

    def phone_form_field(self, **kwargs: Any) -> Any:
        from allauth.account.fields import PhoneField

        field = PhoneField(**kwargs)
        field.validators = []  # our clean_phone() validates after normalising
        return field

    def get_user_by_phone(self, phone: str) -> User | None:
        return User.objects.filter(phone=normalize_phone(phone), is_active=True).first()

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        return (user.phone, True) if user.phone else None

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone = normalize_phone(phone)
        user.full_clean(exclude=["password"])
        user.save(update_fields=["phone"])

    def set_phone_verified(self, user: Any, phone: str) -> None:
        """Numbers are verified by the registry that issues the account."""

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        from django.utils.translation import gettext

        from accounts.sms import send_sms

        send_sms(
            phone, gettext("Mening Uyim: your verification code is %(code)s.") % {"code": code}
        )
