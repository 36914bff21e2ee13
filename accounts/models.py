"""Logins, people and roles.

A login (``User``) is linked to at most one ``Person`` (identified by PINFL). Roles other
than "owner" are ``Membership`` rows; "owner" comes from ownership in the registry.
Memberships point at organizations, districts and regions through string references, so
this app's code never imports the apps above it (README "Architecture").
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_phone, validate_phone, validate_pinfl

# A login needs an email or a phone (the constraint below). A OneID login with neither a
# free phone nor an email gets an address on this reserved domain (RFC 2606): it receives
# nothing, so no channel and no form treats it as a mailbox (``User.mailbox``).
PLACEHOLDER_EMAIL_DOMAIN = "oneid.invalid"


def is_placeholder_email(email: str) -> bool:
    return email.lower().endswith("@" + PLACEHOLDER_EMAIL_DOMAIN)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(
        self, email: str | None, phone: str | None, password: str | None, **extra: Any
    ) -> User:
        if not email and not phone:
            raise ValueError("A user needs an email or a phone number")
        user = self.model(
            email=self.normalize_email(email).lower() if email else None,
            phone=normalize_phone(phone) if phone else None,
            **extra,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(
        self,
        email: str | None = None,
        password: str | None = None,
        *,
        phone: str | None = None,
        **extra: Any,
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, phone, password, **extra)

    def create_superuser(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, extra.pop("phone", None), password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A login: email and/or a +998 mobile number, and a password."""

    email = models.EmailField(_("email"), max_length=254, unique=True, null=True, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_phone],
        help_text=_("+998XXXXXXXXX"),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
                violation_error_message=_("A user needs an email or a phone number."),
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email or self.phone or f"user #{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.email:
            self.email = self.email.strip().lower()
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if self.email == "":
            self.email = None
        if self.phone == "":
            self.phone = None

    @property
    def mailbox(self) -> str | None:
        """The email that mail can reach: not a placeholder on the reserved ``.invalid``
        domain (RFC 2606), which a OneID login with no free phone gets (accounts.oneid)."""
        return self.email if self.email and not is_placeholder_email(self.email) else None

    @property
    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return person.full_name if person else str(self)


class Person(models.Model):
    """A natural person, identified nationally by PINFL (14 digits)."""

    pinfl = models.CharField(
        _("PINFL"),
        max_length=14,
        unique=True,
        validators=[validate_pinfl],
        help_text=_("Personal identification number: 14 digits."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=13, blank=True, validators=[validate_phone])
    user = models.OneToOneField(
        User,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pinfl__regex=r"^[0-9]{14}$"),
                name="person_pinfl_14_digits",
                violation_error_message=_("PINFL must be exactly 14 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_pinfl(self) -> str:
        """Shown to anyone but the person and inspectors: only the last 4 digits."""
        return "•" * 10 + self.pinfl[-4:]


class LoginLink(models.Model):
    """The record of a login being linked to (or unlinked from) a Person: an
    administrator's act, because the linked login becomes that owner."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="login_links"
    )
    previous_user = models.ForeignKey(
        User,
        verbose_name=_("previous login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("new login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("login link")
        verbose_name_plural = _("login links")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person}: {self.previous_user} → {self.user}"


class Role(models.TextChoices):
    MC_DIRECTOR = "mc_director", _("Management company director")
    MC_ACCOUNTANT = "mc_accountant", _("Management company accountant")
    MC_DISPATCHER = "mc_dispatcher", _("Management company dispatcher")
    MC_TECHNICIAN = "mc_technician", _("Management company technician")
    COUNCIL_MEMBER = "council_member", _("District council member")
    INSPECTOR = "inspector", _("Housing inspector")


MC_ROLES = (Role.MC_DIRECTOR, Role.MC_ACCOUNTANT, Role.MC_DISPATCHER, Role.MC_TECHNICIAN)


class ActiveMembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> ActiveMembershipQuerySet:
        return self.filter(revoked_at__isnull=True)


class Membership(models.Model):
    """A role held by a login, scoped to one organization, district or region.

    - MC staff (director, accountant, dispatcher, technician) of exactly one organization;
    - a council member of exactly one district;
    - an inspector of one region, or national when the region is empty.
    A login holds at most one active membership of each kind (database constraints).
    Revoking sets ``revoked_at``; rows are kept as history.
    """

    user = models.ForeignKey(
        User, verbose_name=_("login"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "organizations.ManagementCompany",
        verbose_name=_("management company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    district = models.ForeignKey(
        "territory.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    region = models.ForeignKey(
        "territory.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Empty for a national inspector."),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ActiveMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=[r.value for r in MC_ROLES],
                        organization__isnull=False,
                        district__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.COUNCIL_MEMBER,
                        organization__isnull=True,
                        district__isnull=False,
                        region__isnull=True,
                    )
                    | Q(role=Role.INSPECTOR, organization__isnull=True, district__isnull=True)
                ),
                name="membership_scope_matches_role",
                violation_error_message=_(
                    "MC staff need an organization, a council member a district, and an "
                    "inspector a region (or none, for national)."
                ),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True, role__in=[r.value for r in MC_ROLES]),
                name="membership_one_active_mc_role",
                violation_error_message=_("This login already works for a management company."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True, role=Role.COUNCIL_MEMBER),
                name="membership_one_active_council",
                violation_error_message=_("This login already sits on a district council."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True, role=Role.INSPECTOR),
                name="membership_one_active_inspector",
                violation_error_message=_("This login is already an inspector."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.district or self.region or _("national")
        return f"{self.get_role_display()}: {scope}"


class Notification(models.Model):
    """A message to a person on one channel; unique per (person, key, channel), so that
    it is sent once whatever retries (accounts.notifications)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(_("key"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered = models.BooleanField(_("delivered"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["person", "key", "channel"], name="notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.key}"


class LoginCode(models.Model):
    """A one-time sign-in code sent by SMS to a registry phone (accounts.phone_login).

    Only an HMAC of the code is stored. A code expires (``SMS_CODE_TTL_SECONDS``), takes at
    most ``SMS_CODE_MAX_ATTEMPTS`` wrong tries, and is used once. A row exists for every
    request, known phone or not, so that the answer and the timing do not tell who is
    registered; ``person`` is empty for an unknown phone.
    """

    phone = models.CharField(_("phone"), max_length=13, db_index=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.created_at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """How a login wants to be told things: the channels and the language of messages.
    Without a row, the defaults below apply (email only, in Uzbek)."""

    user = models.OneToOneField(
        User,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)
    telegram = models.BooleanField(_("Telegram"), default=False)
    language = models.CharField(_("language of messages"), max_length=5, default="uz")
    telegram_chat_id = models.BigIntegerField(
        _("Telegram chat"), null=True, blank=True, unique=True
    )
    telegram_linked_at = models.DateTimeField(_("Telegram linked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class TelegramLinkCode(models.Model):
    """A one-time code in the bot's deep link (t.me/<bot>?start=<code>); only its hash is
    kept, and it is used once."""

    user = models.ForeignKey(
        User, verbose_name=_("login"), on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link code")
        verbose_name_plural = _("Telegram link codes")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class MfaReset(models.Model):
    """The record of an administrator removing a login's second factors (a lost device)."""

    user = models.ForeignKey(
        User, verbose_name=_("login"), on_delete=models.PROTECT, related_name="mfa_resets"
    )
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    removed = models.JSONField(_("removed factors"), default=list)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("MFA reset")
        verbose_name_plural = _("MFA resets")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.at:%Y-%m-%d})"


def user_display(user: Any) -> str:
    """How allauth names a login (ACCOUNT_USER_DISPLAY): the person's name, else the email
    or phone."""
    return str(getattr(user, "display_name", None) or user)
