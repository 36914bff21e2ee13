"""Strings of the libraries whose Uzbek (and some Russian) catalogues are empty, fuzzy, missing
or poor, listed so that `makemessages` puts them in our .po files, where we translate them.

Catalogues under LOCALE_PATHS win over the libraries' own, so once these msgids are in
locale/{uz,ru}/LC_MESSAGES/django.po our translations replace the English or the poor Uzbek that
the admin, allauth's account pages, django-celery-beat, django-import-export, django-filter, DRF
and Django's form and validation messages show today. Every msgid is byte-identical to the
library's (placeholders, curly quotes, trailing spaces, newlines and no-break spaces included):
a changed character is a different msgid, and gettext would not find it.

Strings with a context or a plural form cannot go through `gettext_noop` (there is no
`ngettext_noop`), so they are written as `pgettext_lazy`, `ngettext_lazy` and `npgettext_lazy`
calls inside `_contextual_and_plural_strings`, which nothing calls: it exists for extraction only.
i18n_extra.py lists the DRF strings it already had; they are not repeated here. Left out:
django-celery-beat's "{0} task{1} {2} successfully run", whose English plural pieces
("s", "was"/"were") cannot be placed in an Uzbek or Russian sentence (and msgfmt requires
every placeholder).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy, npgettext_lazy, pgettext_lazy

LIBRARY_STRINGS = (
    # Django's forms, validators and model fields (django/conf/locale)
    gettext_noop("…"),
    gettext_noop("Enter a valid domain name."),
    gettext_noop("Enter a valid %(protocol)s address."),
    gettext_noop("IPv4"),
    gettext_noop("IPv6"),
    gettext_noop("IPv4 or IPv6"),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop(
        "Ensure this value is a multiple of step size %(limit_value)s, starting from %(offset)s, "
        "e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on.",
    ),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("String (unlimited)"),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists.",
    ),
    gettext_noop(
        "You are seeing this message because this HTTPS site requires a “Referer header” to be "
        "sent by your web browser, but none was sent. This header is required for security "
        "reasons, to ensure that your browser is not being hijacked by third parties.",
    ),
    # django.contrib.admin
    gettext_noop("Delete multiple objects"),
    gettext_noop("LogEntry Object"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Added."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Changed {fields}."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("No fields changed."),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop(
        "Items must be selected in order to perform actions on them. No items have been changed.",
    ),
    gettext_noop("No action selected."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("Change history: %s"),
    gettext_noop("%(class_name)s %(instance)s"),
    gettext_noop(
        "Deleting %(class_name)s %(instance)s would require deleting the following protected "
        "related objects: %(related_objects)s",
    ),
    gettext_noop("Django site admin"),
    gettext_noop("Django administration"),
    gettext_noop("Site administration"),
    gettext_noop("Log in"),
    gettext_noop("%(app)s administration"),
    gettext_noop("Page not found"),
    gettext_noop("We’re sorry, but the requested page could not be found."),
    gettext_noop("Home"),
    gettext_noop(
        "There’s been an error. It’s been reported to the site administrators via email and "
        "should be fixed shortly. Thanks for your patience.",
    ),
    gettext_noop("Go"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Clear selection"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Set password"),
    gettext_noop("Enter a new password for the user <strong>%(username)s</strong>."),
    gettext_noop(
        "This action will <strong>enable</strong> password-based authentication for this user.",
    ),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Skip to main content"),
    gettext_noop("History"),
    gettext_noop("Hide counts"),
    gettext_noop("Show counts"),
    gettext_noop("Clear all filters"),
    gettext_noop("Sorting priority: %(priority_number)s"),
    gettext_noop("Toggle sorting"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:",
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following "
        "protected related objects:",
    ),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the '
        "following related items will be deleted:",
    ),
    gettext_noop("Objects"),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:",
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected "
        "related objects:",
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:",
    ),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("None available"),
    gettext_noop("Added:"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Unknown content"),
    gettext_noop(
        "Something’s wrong with your database installation. Make sure the appropriate database "
        "tables have been created, and make sure the database is readable by the appropriate user.",
    ),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. Would "
        "you like to login to a different account?",
    ),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Sidebar"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Date/time"),
    gettext_noop("User"),
    gettext_noop("Action"),
    gettext_noop(
        "This object doesn’t have a change history. It probably wasn’t added via this admin site.",
    ),
    gettext_noop("Show all"),
    gettext_noop("Popup closing…"),
    gettext_noop("%(full_result_count)s total"),
    gettext_noop("Save as new"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Save and view"),
    gettext_noop("Close"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop("Log in again"),
    gettext_noop("Password change"),
    gettext_noop("Your password was changed."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password "
        "twice so we can verify you typed it in correctly.",
    ),
    gettext_noop("Change my password"),
    gettext_noop("Password reset"),
    gettext_noop("Your password has been set.  You may go ahead and log in now."),
    gettext_noop("Password reset confirmation"),
    gettext_noop(
        "Please enter your new password twice so we can verify you typed it in correctly.",
    ),
    gettext_noop("New password:"),
    gettext_noop("Confirm password:"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  Please "
        "request a new password reset.",
    ),
    gettext_noop(
        "We’ve emailed you instructions for setting your password, if an account exists with the "
        "email you entered. You should receive them shortly.",
    ),
    gettext_noop(
        "If you don’t receive an email, please make sure you’ve entered the address you "
        "registered with, and check your spam folder.",
    ),
    gettext_noop(
        "You're receiving this email because you requested a password reset for your user account "
        "at %(site_name)s.",
    ),
    gettext_noop("Please go to the following page and choose a new password:"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Thanks for using our site!"),
    gettext_noop("The %(site_name)s team"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we’ll email instructions "
        "for setting a new one.",
    ),
    gettext_noop("Email address:"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    # django.contrib.auth (forms, models, password validators)
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Set password: %s"),
    gettext_noop("Reset password"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they "
        "may still be able to authenticate using other backends, such as Single Sign-On or LDAP.",
    ),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop("Old password"),
    gettext_noop("algorithm"),
    gettext_noop("iterations"),
    gettext_noop("salt"),
    gettext_noop("hash"),
    gettext_noop("variety"),
    gettext_noop("version"),
    gettext_noop("memory cost"),
    gettext_noop("time cost"),
    gettext_noop("parallelism"),
    gettext_noop("work factor"),
    gettext_noop("checksum"),
    gettext_noop("block size"),
    gettext_noop("name"),
    gettext_noop("content type"),
    gettext_noop("codename"),
    gettext_noop("permission"),
    gettext_noop("permissions"),
    gettext_noop("group"),
    gettext_noop("groups"),
    gettext_noop("superuser status"),
    gettext_noop(
        "Designates that this user has all permissions without explicitly assigning them.",
    ),
    gettext_noop(
        "The groups this user belongs to. A user will get all permissions granted to each of "
        "their groups.",
    ),
    gettext_noop("user permissions"),
    gettext_noop("Specific permissions for this user."),
    gettext_noop("username"),
    gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    gettext_noop("A user with that username already exists."),
    gettext_noop("first name"),
    gettext_noop("last name"),
    gettext_noop("email address"),
    gettext_noop("staff status"),
    gettext_noop("Designates whether the user can log into this admin site."),
    gettext_noop("active"),
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead of "
        "deleting accounts.",
    ),
    gettext_noop("date joined"),
    gettext_noop("user"),
    gettext_noop("users"),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Password reset on %(site_name)s"),
    gettext_noop(
        "Enter a valid username. This value may contain only unaccented lowercase a-z and "
        "uppercase A-Z letters, numbers, and @/./+/-/_ characters.",
    ),
    gettext_noop(
        "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
        "characters.",
    ),
    gettext_noop("Logged out"),
    gettext_noop("Password reset sent"),
    gettext_noop("Enter new password"),
    gettext_noop("Password reset unsuccessful"),
    gettext_noop("Password reset complete"),
    gettext_noop("Password change successful"),
    # django.contrib.contenttypes
    gettext_noop("Content Types"),
    gettext_noop("python model class name"),
    gettext_noop("content types"),
    gettext_noop("Content type %(ct_id)s object has no associated model"),
    gettext_noop("Content type %(ct_id)s object %(obj_id)s doesn’t exist"),
    gettext_noop("%(ct_name)s objects don’t have a get_absolute_url() method"),
    # django.contrib.humanize
    gettext_noop("Humanize"),
    gettext_noop("%(delta)s from now"),
    # allauth.account (its forms, messages, pages and emails)
    gettext_noop("This account is currently inactive."),
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop("This email address is already associated with this account."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("The phone number and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Incorrect code."),
    gettext_noop("Incorrect password."),
    gettext_noop("Invalid or expired key."),
    gettext_noop("Invalid login."),
    gettext_noop("You cannot add more than %d email addresses."),
    gettext_noop("A user is already registered with this phone number."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("The email address is not assigned to any user account."),
    gettext_noop("The phone number is not assigned to any user account."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("Username can not be used. Please use other username."),
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Use a security key"),
    gettext_noop("Marked {email} as verified."),
    gettext_noop("Failed to mark {email} as verified."),
    gettext_noop("Mark selected email addresses as verified"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Enter a phone number including country code (e.g. +1 for the US)."),
    gettext_noop("Remember Me"),
    gettext_noop("Username, email or phone"),
    gettext_noop("Username or email"),
    gettext_noop("Email or phone"),
    gettext_noop("Email (again)"),
    gettext_noop("Email address confirmation"),
    gettext_noop("Email (optional)"),
    gettext_noop("You must type the same email each time."),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("email addresses"),
    gettext_noop("sent"),
    gettext_noop("email confirmation"),
    gettext_noop("email confirmations"),
    gettext_noop("Account Inactive"),
    gettext_noop("This account is inactive."),
    gettext_noop("Request new code"),
    gettext_noop("Confirm Access"),
    gettext_noop("Please reauthenticate to safeguard your account."),
    gettext_noop("Email Verification"),
    gettext_noop("Enter Email Verification Code"),
    gettext_noop("Use a different email address"),
    gettext_noop("Enter Sign-In Code"),
    gettext_noop("Password Reset"),
    gettext_noop("Phone Verification"),
    gettext_noop("Enter Phone Verification Code"),
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Make Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Remove"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for an\n"
        "account using email address:\n\n%(email)s\n\nHowever, an account using that email "
        "address already exists.  In case you have\nforgotten about this, please use the password "
        "forgotten procedure to recover\nyour account:\n\n%(password_reset_url)s",
    ),
    gettext_noop("Account Already Exists"),
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop(
        "You are receiving this mail because the following change was made to your account:",
    ),
    gettext_noop(
        "If you do not recognize this change then please take proper security precautions "
        "immediately. The change to your account originates from:\n"
        "\n- IP address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s",
    ),
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    gettext_noop("Email Changed"),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Email Confirmation"),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address "
        "to register an account on %(site_domain)s.",
    ),
    gettext_noop(
        "Your email verification code is listed below. Please enter it in your open browser "
        "window.",
    ),
    gettext_noop("To confirm this is correct, go to %(activate_url)s"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Email Removed"),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    gettext_noop("Sign-In Code"),
    gettext_noop("Your password has been changed."),
    gettext_noop("Password Changed"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset "
        "for your user account.\nIt can be safely ignored if you did not request a password "
        "reset. Click the link below to reset your password.",
    ),
    gettext_noop("In case you forgot, your username is %(username)s."),
    gettext_noop("Password Reset Email"),
    gettext_noop("Password Set"),
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an account "
        "with email %(email)s. However, we do not have any record of such an account in our "
        "database.",
    ),
    gettext_noop("If it was you, you can sign up for an account using the link below."),
    gettext_noop("Unknown Account"),
    gettext_noop("Email Address"),
    gettext_noop("Current email"),
    gettext_noop("Changing to"),
    gettext_noop("Your email address is still pending verification."),
    gettext_noop("Cancel Change"),
    gettext_noop("Change to"),
    gettext_noop("Change Email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for '
        "user %(user_display)s.",
    ),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account.",
    ),
    gettext_noop(
        "This email confirmation link expired or is invalid. Please <a "
        'href="%(email_url)s">issue a new email confirmation request</a>.',
    ),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first.",
    ),
    gettext_noop("Sign in with a passkey"),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Primary email address set."),
    gettext_noop("Change Password"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email "
        "allowing you to reset it.",
    ),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. "
        "Otherwise contact us if you do not receive it in a few minutes.",
    ),
    gettext_noop("Bad Token"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  Please "
        'request a <a href="%(passwd_reset_url)s">new password reset</a>.',
    ),
    gettext_noop("Your password is now changed."),
    gettext_noop("Set Password"),
    gettext_noop("Change Phone"),
    gettext_noop("Enter your password:"),
    gettext_noop("Request Code"),
    gettext_noop("Signup"),
    gettext_noop("Sign Up"),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Sign up using a passkey"),
    gettext_noop("Passkey Sign Up"),
    gettext_noop("Sign Up Closed"),
    gettext_noop(
        "You currently do not have any email address set up. You should really add an email "
        "address so you can receive notifications, reset your password, etc.",
    ),
    gettext_noop("Verify Your Email Address"),
    gettext_noop(
        "This part of the site requires us to verify that\nyou are who you claim to be. For this "
        "purpose, we require that you\nverify ownership of your email address. ",
    ),
    gettext_noop(
        "We have sent an email to you for\nverification. Please click on the link inside that "
        "email. If you do not see the verification email in your main inbox, check your spam "
        "folder. Otherwise\ncontact us if you do not receive it within a few minutes.",
    ),
    gettext_noop(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email '
        "address</a>.",
    ),
    gettext_noop("Account Connections"),
    gettext_noop("Two-Factor Authentication"),
    # django_celery_beat (its admin: PERIODIC TASKS)
    gettext_noop("Task (registered)"),
    gettext_noop("Task (custom)"),
    gettext_noop("Need name of task"),
    gettext_noop("Only one can be set, in expires and expire_seconds"),
    gettext_noop("Unable to parse JSON: %s"),
    gettext_noop("Schedule"),
    gettext_noop("Arguments"),
    gettext_noop("Execution Options"),
    gettext_noop("Enable selected tasks"),
    gettext_noop("Disable selected tasks"),
    gettext_noop("Toggle activity of selected tasks"),
    gettext_noop("Run selected tasks"),
    gettext_noop("Periodic Tasks Using This Schedule"),
    gettext_noop("Periodic Tasks"),
    gettext_noop("Days"),
    gettext_noop("Hours"),
    gettext_noop("Minutes"),
    gettext_noop("Seconds"),
    gettext_noop("Microseconds"),
    gettext_noop("Day"),
    gettext_noop("Hour"),
    gettext_noop("Minute"),
    gettext_noop("Second"),
    gettext_noop("Microsecond"),
    gettext_noop("Astronomical dawn"),
    gettext_noop("Civil dawn"),
    gettext_noop("Nautical dawn"),
    gettext_noop("Astronomical dusk"),
    gettext_noop("Civil dusk"),
    gettext_noop("Nautical dusk"),
    gettext_noop("Solar noon"),
    gettext_noop("Sunrise"),
    gettext_noop("Sunset"),
    gettext_noop("Solar Event"),
    gettext_noop("The type of solar event when the job should run"),
    gettext_noop("Latitude"),
    gettext_noop("Run the task when the event happens at this latitude"),
    gettext_noop("Longitude"),
    gettext_noop("Run the task when the event happens at this longitude"),
    gettext_noop("solar event"),
    gettext_noop("solar events"),
    gettext_noop("Number of Periods"),
    gettext_noop("Number of interval periods to wait before running the task again"),
    gettext_noop("Interval Period"),
    gettext_noop("The type of period between task runs (Example: days)"),
    gettext_noop("interval"),
    gettext_noop("intervals"),
    gettext_noop("every {}"),
    gettext_noop("every {} {}"),
    gettext_noop("Clock Time"),
    gettext_noop("Run the task at clocked time"),
    gettext_noop("clocked"),
    gettext_noop("Minute(s)"),
    gettext_noop('Cron Minutes to Run. Use "*" for "all". (Example: "0,30")'),
    gettext_noop("Hour(s)"),
    gettext_noop('Cron Hours to Run. Use "*" for "all". (Example: "8,20")'),
    gettext_noop("Day(s) Of The Month"),
    gettext_noop('Cron Days Of The Month to Run. Use "*" for "all". (Example: "1,15")'),
    gettext_noop("Month(s) Of The Year"),
    gettext_noop(
        'Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")',
    ),
    gettext_noop("Day(s) Of The Week"),
    gettext_noop(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. '
        '(Example: "0,5")',
    ),
    gettext_noop("Cron Timezone"),
    gettext_noop("Timezone to Run the Cron Schedule on. Default is UTC."),
    gettext_noop("crontab"),
    gettext_noop("crontabs"),
    gettext_noop("periodic task track"),
    gettext_noop("periodic task tracks"),
    gettext_noop("Name"),
    gettext_noop("Short Description For This Task"),
    gettext_noop(
        'The Name of the Celery Task that Should be Run.  (Example: "proj.tasks.import_contacts")',
    ),
    gettext_noop("Interval Schedule"),
    gettext_noop(
        "Interval Schedule to run the task on.  Set only one schedule type, leave the others null.",
    ),
    gettext_noop("Crontab Schedule"),
    gettext_noop(
        "Crontab Schedule to run the task on.  Set only one schedule type, leave the others null.",
    ),
    gettext_noop("Solar Schedule"),
    gettext_noop(
        "Solar Schedule to run the task on.  Set only one schedule type, leave the others null.",
    ),
    gettext_noop("Clocked Schedule"),
    gettext_noop(
        "Clocked Schedule to run the task on.  Set only one schedule type, leave the others null.",
    ),
    gettext_noop("Positional Arguments"),
    gettext_noop('JSON encoded positional arguments (Example: ["arg1", "arg2"])'),
    gettext_noop("Keyword Arguments"),
    gettext_noop('JSON encoded keyword arguments (Example: {"argument": "value"})'),
    gettext_noop("Queue Override"),
    gettext_noop("Queue defined in CELERY_TASK_QUEUES. Leave None for default queuing."),
    gettext_noop("Exchange"),
    gettext_noop("Override Exchange for low-level AMQP routing"),
    gettext_noop("Routing Key"),
    gettext_noop("Override Routing Key for low-level AMQP routing"),
    gettext_noop("AMQP Message Headers"),
    gettext_noop("JSON encoded message headers for the AMQP message."),
    gettext_noop("Priority"),
    gettext_noop(
        "Priority Number between 0 and 255. Supported by: RabbitMQ, Redis (priority reversed, 0 "
        "is highest).",
    ),
    gettext_noop("Expires Datetime"),
    gettext_noop("Datetime after which the schedule will no longer trigger the task to run"),
    gettext_noop("Expires timedelta with seconds"),
    gettext_noop(
        "Timedelta with seconds which the schedule will no longer trigger the task to run",
    ),
    gettext_noop("One-off Task"),
    gettext_noop("If True, the schedule will only run the task a single time"),
    gettext_noop("Start Datetime"),
    gettext_noop("Datetime when the schedule should begin triggering the task to run"),
    gettext_noop("Set to False to disable the schedule"),
    gettext_noop("Last Run Datetime"),
    gettext_noop(
        "Datetime that the schedule last triggered the task to run. Reset to None if enabled is "
        "set to False.",
    ),
    gettext_noop("Total Run Count"),
    gettext_noop("Running count of how many times the schedule has triggered the task"),
    gettext_noop("Last Modified"),
    gettext_noop("Datetime that this PeriodicTask was last modified"),
    gettext_noop("Description"),
    gettext_noop("Detailed description about the details of this Periodic Task"),
    gettext_noop("periodic task"),
    gettext_noop("periodic tasks"),
    # import_export (its admin import and export pages)
    gettext_noop("Import"),
    gettext_noop("%s through import_export"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
        "format for the file.",
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import.",
    ),
    gettext_noop("Export"),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop("Resource"),
    gettext_noop("Format"),
    gettext_noop("File to import"),
    gettext_noop("Form is not validated, call `is_valid` first"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present in the "
        "resource fields: %s",
    ),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present in the file "
        "headers: %s",
    ),
    gettext_noop("call to force_str() on instance failed: %s"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Submit"),
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, click "
        "'Confirm import'",
    ),
    gettext_noop("Confirm import"),
    gettext_noop("Errors"),
    gettext_noop("Line number"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the form "
        "above.",
    ),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("Preview"),
    gettext_noop("New"),
    gettext_noop("Skipped"),
    gettext_noop("Delete"),
    gettext_noop("Update"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("Value could not be parsed."),
    gettext_noop("use_natural_foreign_keys and key_is_id cannot both be True"),
    # django_filters (filter forms and lookups)
    gettext_noop("date"),
    gettext_noop("year"),
    gettext_noop("month"),
    gettext_noop("day"),
    gettext_noop("week day"),
    gettext_noop("hour"),
    gettext_noop("minute"),
    gettext_noop("second"),
    gettext_noop("contains"),
    gettext_noop("is in"),
    gettext_noop("is greater than"),
    gettext_noop("is greater than or equal to"),
    gettext_noop("is less than"),
    gettext_noop("is less than or equal to"),
    gettext_noop("starts with"),
    gettext_noop("ends with"),
    gettext_noop("is in range"),
    gettext_noop("is null"),
    gettext_noop("matches regex"),
    gettext_noop("search"),
    gettext_noop("is contained by"),
    gettext_noop("overlaps"),
    gettext_noop("has key"),
    gettext_noop("has keys"),
    gettext_noop("has any keys"),
    gettext_noop("Select a lookup."),
    gettext_noop("Range query expects two values."),
    gettext_noop("Today"),
    gettext_noop("Yesterday"),
    gettext_noop("Past 7 days"),
    gettext_noop("This month"),
    gettext_noop("This year"),
    gettext_noop("Multiple values may be separated by commas."),
    gettext_noop("%s (descending)"),
    gettext_noop("Ordering"),
    gettext_noop("Field filters"),
    gettext_noop("exclude"),
    gettext_noop("All"),
    gettext_noop("Unknown"),
    gettext_noop("Yes"),
    gettext_noop("No"),
    # rest_framework and rest_framework.authtoken (the browsable API, schema, errors)
    gettext_noop("Invalid basic header. No credentials provided."),
    gettext_noop("Invalid basic header. Credentials string should not contain spaces."),
    gettext_noop("Invalid basic header. Credentials not correctly base64 encoded."),
    gettext_noop("Invalid username/password."),
    gettext_noop("User inactive or deleted."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("Username"),
    gettext_noop("Auth Token"),
    gettext_noop("Key"),
    gettext_noop("Created"),
    gettext_noop("Token"),
    gettext_noop("Tokens"),
    gettext_noop("Password"),
    gettext_noop("Unable to log in with provided credentials."),
    gettext_noop('Must include "username" and "password".'),
    gettext_noop("A server error occurred."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop("Expected available in {wait} second."),
    gettext_noop("Expected available in {wait} seconds."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'),
    gettext_noop(
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.',
    ),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("Enter a valid IPv4 or IPv6 address."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a datetime but got a date."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Datetime value out of range."),
    gettext_noop("Time has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Duration has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
    gettext_noop("More than {count} items..."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("This selection may not be empty."),
    gettext_noop('"{input}" is not a valid path choice.'),
    gettext_noop("No file was submitted."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image.",
    ),
    gettext_noop("This list may not be empty."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop('Expected a dictionary of items but got type "{input_type}".'),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Value must be valid JSON."),
    gettext_noop("Search"),
    gettext_noop("A search term."),
    gettext_noop("Which field to use when ordering the results."),
    gettext_noop("ascending"),
    gettext_noop("descending"),
    gettext_noop("A page number within the paginated result set."),
    gettext_noop("Number of results to return per page."),
    gettext_noop("The initial index from which to return the results."),
    gettext_noop("The pagination cursor value."),
    gettext_noop("Invalid cursor"),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Invalid hyperlink - No URL match."),
    gettext_noop("Invalid hyperlink - Incorrect URL match."),
    gettext_noop("Invalid hyperlink - Object does not exist."),
    gettext_noop("Incorrect type. Expected URL string, received {data_type}."),
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop("Invalid value."),
    gettext_noop("unique integer value"),
    gettext_noop("UUID string"),
    gettext_noop("unique value"),
    gettext_noop("A {value_type} identifying this {name}."),
    gettext_noop("Extra Actions"),
    gettext_noop("Filters"),
    gettext_noop("navbar"),
    gettext_noop("content"),
    gettext_noop("request form"),
    gettext_noop("main content"),
    gettext_noop("request info"),
    gettext_noop("response info"),
    gettext_noop("None"),
    gettext_noop("No items to select."),
    gettext_noop("This field must be unique."),
    gettext_noop("The fields {field_names} must make a unique set."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop('This field must be unique for the "{date_field}" date.'),
    gettext_noop('This field must be unique for the "{date_field}" month.'),
    gettext_noop('This field must be unique for the "{date_field}" year.'),
)


def _contextual_and_plural_strings() -> None:
    """Never called: the calls below exist only for `makemessages` to extract them."""
    # Django's forms, validators and model fields (django/conf/locale)
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.")
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.")
    # django.contrib.admin
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.",
        "%(count)s %(name)s were changed successfully.",
    )
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected")
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.")
    ngettext_lazy("%(counter)s result", "%(counter)s results")
    # django.contrib.auth (forms, models, password validators)
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    )
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    )
    # django.contrib.humanize
    pgettext_lazy("ordinal 11, 12, 13", "{}th")
    pgettext_lazy("ordinal 0", "{}th")
    pgettext_lazy("ordinal 1", "{}st")
    pgettext_lazy("ordinal 2", "{}nd")
    pgettext_lazy("ordinal 3", "{}rd")
    pgettext_lazy("ordinal 4", "{}th")
    pgettext_lazy("ordinal 5", "{}th")
    pgettext_lazy("ordinal 6", "{}th")
    pgettext_lazy("ordinal 7", "{}th")
    pgettext_lazy("ordinal 8", "{}th")
    pgettext_lazy("ordinal 9", "{}th")
    ngettext_lazy("%(value)s million", "%(value)s million")
    ngettext_lazy("%(value)s billion", "%(value)s billion")
    ngettext_lazy("%(value)s trillion", "%(value)s trillion")
    ngettext_lazy("%(value)s quadrillion", "%(value)s quadrillion")
    ngettext_lazy("%(value)s quintillion", "%(value)s quintillion")
    ngettext_lazy("%(value)s sextillion", "%(value)s sextillion")
    ngettext_lazy("%(value)s septillion", "%(value)s septillion")
    ngettext_lazy("%(value)s octillion", "%(value)s octillion")
    ngettext_lazy("%(value)s nonillion", "%(value)s nonillion")
    ngettext_lazy("%(value)s decillion", "%(value)s decillion")
    ngettext_lazy("%(value)s googol", "%(value)s googol")
    ngettext_lazy("a second from now", "%(count)s seconds from now")
    ngettext_lazy("a minute from now", "%(count)s minutes from now")
    ngettext_lazy("an hour from now", "%(count)s hours from now")
    npgettext_lazy("naturaltime-past", "%(num)d year", "%(num)d years")
    npgettext_lazy("naturaltime-past", "%(num)d month", "%(num)d months")
    npgettext_lazy("naturaltime-past", "%(num)d week", "%(num)d weeks")
    npgettext_lazy("naturaltime-past", "%(num)d day", "%(num)d days")
    npgettext_lazy("naturaltime-past", "%(num)d hour", "%(num)d hours")
    npgettext_lazy("naturaltime-past", "%(num)d minute", "%(num)d minutes")
    npgettext_lazy("naturaltime-future", "%(num)d year", "%(num)d years")
    npgettext_lazy("naturaltime-future", "%(num)d month", "%(num)d months")
    npgettext_lazy("naturaltime-future", "%(num)d week", "%(num)d weeks")
    npgettext_lazy("naturaltime-future", "%(num)d day", "%(num)d days")
    npgettext_lazy("naturaltime-future", "%(num)d hour", "%(num)d hours")
    npgettext_lazy("naturaltime-future", "%(num)d minute", "%(num)d minutes")
    # allauth.account (its forms, messages, pages and emails)
    pgettext_lazy("field label", "Login")
    pgettext_lazy("action", "Change Phone")
    # django_celery_beat (its admin: PERIODIC TASKS)
    ngettext_lazy("{0} task was successfully enabled", "{0} tasks were successfully enabled")
    ngettext_lazy("{0} task was successfully disabled", "{0} tasks were successfully disabled")
    ngettext_lazy("{0} task was successfully toggled", "{0} tasks were successfully toggled")
    # import_export (its admin import and export pages)
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.")
