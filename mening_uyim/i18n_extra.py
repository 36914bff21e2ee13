"""Strings of libraries that ship no Uzbek catalogue (DRF), listed so that `makemessages`
puts them in our .po files. Catalogues under LOCALE_PATHS win over the libraries' own."""

from __future__ import annotations

from django.utils.translation import gettext_noop

LIBRARY_STRINGS = (
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Invalid token."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop("Not found."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be blank."),
    gettext_noop("This field may not be null."),
    gettext_noop("Invalid page."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Request was throttled."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
)
