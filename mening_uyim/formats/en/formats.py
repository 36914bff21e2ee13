"""English number formats of the project: thousands grouped by a no-break space.

DOMAIN.md "Languages" writes amounts as ``1 234 567 so'm`` in every language, and Django's
Uzbek and Russian formats group every number that way; Django's English groups with a
comma, so an English page read "7,448 apartments" beside "1 234 so'm". Grouping by a
space (the SI style) keeps counts and amounts alike; the decimal point stays English.
Only the settings named here differ; everything else is Django's English.
"""

THOUSAND_SEPARATOR = "\u00a0"
NUMBER_GROUPING = 3
