# ruff: noqa: E501 (msgids are byte-identical to allauth's, long lines included)
"""allauth's strings of the sign-in pages (issue 15): MFA, sessions and the social
(OneID) account pages, whose Uzbek catalogue is poor or empty; listed so that
`makemessages` puts them in our .po files (see mening_uyim/i18n_libraries.py for why
and how). Byte-identical to allauth's msgids."""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

SIGNIN_LIBRARY_STRINGS = (
    gettext_noop("Code"),
    gettext_noop(
        "You cannot add an email address to an account protected by two-factor authentication."
    ),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
    gettext_noop("Master key"),
    gettext_noop("Backup key"),
    gettext_noop("Key nr. {number}"),
    gettext_noop("MFA"),
    gettext_noop("Recovery codes"),
    gettext_noop("TOTP Authenticator"),
    gettext_noop("WebAuthn"),
    gettext_noop("Authenticator code"),
    gettext_noop("Passwordless"),
    gettext_noop(
        "Enabling passwordless operation allows you to sign in using just this key, but imposes additional requirements such as biometrics or PIN protection."
    ),
    gettext_noop(
        "An account already exists with this email address. Please sign in to that account first, then connect your %s account."
    ),
    gettext_noop("Your account has no password set up."),
    gettext_noop("Your account has no verified email address."),
    gettext_noop("You cannot disconnect your last remaining third-party account."),
    gettext_noop("The third-party account is already connected to a different account."),
    gettext_noop("Social Accounts"),
    gettext_noop("provider ID"),
    gettext_noop("client id"),
    gettext_noop("App ID, or consumer key"),
    gettext_noop("secret key"),
    gettext_noop("API secret, client secret, or consumer secret"),
    gettext_noop("social application"),
    gettext_noop("social applications"),
    gettext_noop("uid"),
    gettext_noop("last login"),
    gettext_noop("extra data"),
    gettext_noop("social account"),
    gettext_noop("social accounts"),
    gettext_noop("token"),
    gettext_noop('"oauth_token" (OAuth1) or access token (OAuth2)'),
    gettext_noop("token secret"),
    gettext_noop('"oauth_token_secret" (OAuth1) or refresh token (OAuth2)'),
    gettext_noop("social application token"),
    gettext_noop("social application tokens"),
    gettext_noop("Cancel"),
    gettext_noop("Confirm"),
    gettext_noop("Alternative options"),
    gettext_noop("Sign In"),
    gettext_noop("Sign Out"),
    gettext_noop("Sessions"),
    gettext_noop("Continue"),
    gettext_noop(
        "Your account is protected by two-factor authentication. Please enter an authenticator code:"
    ),
    gettext_noop("A new set of Two-Factor Authentication recovery codes has been generated."),
    gettext_noop("New Recovery Codes Generated"),
    gettext_noop("Authenticator app activated."),
    gettext_noop("Authenticator App Activated"),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("Authenticator App Deactivated"),
    gettext_noop("A new security key has been added."),
    gettext_noop("Security Key Added"),
    gettext_noop("A security key has been removed."),
    gettext_noop("Security Key Removed"),
    gettext_noop("Authenticator App"),
    gettext_noop("Authentication using an authenticator app is active."),
    gettext_noop("An authenticator app is not active."),
    gettext_noop("Deactivate"),
    gettext_noop("Activate"),
    gettext_noop("Security Keys"),
    gettext_noop("No security keys have been added."),
    gettext_noop("Manage"),
    gettext_noop("Add"),
    gettext_noop("Recovery Codes"),
    gettext_noop("No recovery codes set up."),
    gettext_noop("View"),
    gettext_noop("Download"),
    gettext_noop("Generate"),
    gettext_noop("A new set of recovery codes has been generated."),
    gettext_noop("Save them  in a secure location now — they won't be shown again."),
    gettext_noop("Security key added."),
    gettext_noop("Security key removed."),
    gettext_noop("Enter an authenticator code:"),
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    gettext_noop("This action will invalidate your existing codes."),
    gettext_noop("Are you sure?"),
    gettext_noop("Unused codes"),
    gettext_noop("Download codes"),
    gettext_noop("Generate new codes"),
    gettext_noop("I have saved my recovery codes"),
    gettext_noop("Activate Authenticator App"),
    gettext_noop(
        "To protect your account with two-factor authentication, scan the QR code below with your authenticator app. Then, input the verification code generated by the app below."
    ),
    gettext_noop("Authenticator secret"),
    gettext_noop(
        "You can store this secret and use it to reinstall your authenticator app at a later time."
    ),
    gettext_noop("Deactivate Authenticator App"),
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?"
    ),
    gettext_noop("Trust this Browser?"),
    gettext_noop(
        "If you choose to trust this browser, you will not be asked for a verification code the next time you sign in."
    ),
    gettext_noop("Trust for %(period)s"),
    gettext_noop("Don't Trust"),
    gettext_noop("Add Security Key"),
    gettext_noop("Remove Security Key"),
    gettext_noop("Are you sure you want to remove this security key?"),
    gettext_noop("Usage"),
    gettext_noop("Passkey"),
    gettext_noop("Security key"),
    gettext_noop("This key does not indicate whether it is a passkey."),
    gettext_noop("Unspecified"),
    gettext_noop("Added on %(created_at)s"),
    gettext_noop("Last used %(last_used)s"),
    gettext_noop("Edit"),
    gettext_noop("Edit Security Key"),
    gettext_noop("Create Passkey"),
    gettext_noop(
        "You are about to create a passkey for your account. As you can add additional keys later on, you can use a descriptive name to tell the keys apart."
    ),
    gettext_noop("Create"),
    gettext_noop("This functionality requires JavaScript."),
    gettext_noop("Third-Party Login Failure"),
    gettext_noop("An error occurred while attempting to login via your third-party account."),
    gettext_noop(
        "You can sign in to your account using any of the following third-party accounts:"
    ),
    gettext_noop("You currently have no third-party accounts connected to this account."),
    gettext_noop("Add a Third-Party Account"),
    gettext_noop("A third-party account from %(provider)s has been connected to your account."),
    gettext_noop("Third-Party Account Connected"),
    gettext_noop(
        "A third-party account from %(provider)s has been disconnected from your account."
    ),
    gettext_noop("Third-Party Account Disconnected"),
    gettext_noop("Connect %(provider)s"),
    gettext_noop("You are about to connect a new third-party account from %(provider)s."),
    gettext_noop("Sign In Via %(provider)s"),
    gettext_noop("You are about to sign in using a third-party account from %(provider)s."),
    gettext_noop("Login Cancelled"),
    gettext_noop(
        'You decided to cancel logging in to our site using one of your existing accounts. If this was a mistake, please proceed to <a href="%(login_url)s">sign in</a>.'
    ),
    gettext_noop("The third-party account has been connected."),
    gettext_noop("The third-party account has been disconnected."),
    gettext_noop(
        "You are about to use your %(provider_name)s account to login to\n%(site_name)s. As a final step, please complete the following form:"
    ),
    gettext_noop("Or use a third-party"),
    gettext_noop("Signed out of all other sessions."),
    gettext_noop("Started At"),
    gettext_noop("IP Address"),
    gettext_noop("Browser"),
    gettext_noop("Last seen at"),
    gettext_noop("Current"),
    gettext_noop("Sign Out Other Sessions"),
    gettext_noop("User Sessions"),
    gettext_noop("session key"),
)


def _plural_strings() -> None:
    """Never called: the calls below exist only for `makemessages` to extract them."""
    for _ in (
        ngettext_lazy(
            "You have added %(count)s security key.", "You have added %(count)s security keys.", 1
        ),
        ngettext_lazy(
            "There is %(unused_count)s out of %(total_count)s recovery codes available.",
            "There are %(unused_count)s out of %(total_count)s recovery codes available.",
            1,
        ),
    ):
        pass
