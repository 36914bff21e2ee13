"""Text normalisation for triage: one spelling for the many ways a ticket is typed.

Owners write Uzbek in Latin or Cyrillic, Russian and English, on phones, often without the
apostrophe of o'/g' (or with any of six look-alikes), with letters held down ("srooochno")
and with Latin look-alikes inside Cyrillic words. The model and the rules see two views:

- ``native``: lower-cased, apostrophes unified, runs of three or more equal letters cut to
  one, and a word that is mostly Cyrillic has its Latin look-alikes turned Cyrillic;
- ``latin``: the native view transliterated to Uzbek Latin (Russian Cyrillic through the same
  table), apostrophes dropped and every run of equal letters cut to one, so that "o'",
  "oʻ", "o" and "ў" meet, and so do "muammo" and "muamo".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

APOSTROPHE = "'"
# every apostrophe variant seen in Uzbek Latin (the official ʻ U+02BB, ʼ U+02BC, the ASCII ',
# the backtick, the typographic ’ ‘, acute and prime) becomes the ASCII one
_APOSTROPHES = str.maketrans(dict.fromkeys("ʻʼ'`’‘´′ʹ", APOSTROPHE))

# Uzbek Cyrillic (and Russian) to Uzbek Latin, the 1995 alphabet
_CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "x",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ў": "o'",
    "қ": "q",
    "ғ": "g'",
    "ҳ": "h",
    "і": "i",
    "є": "e",
}
_TRANSLIT = str.maketrans(_CYRILLIC_TO_LATIN)

# Latin letters that look like Cyrillic ones (a keyboard left on the wrong layout mid-word)
_LATIN_LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "c": "с",
        "e": "е",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
        "k": "к",
        "m": "м",
        "t": "т",
        "h": "н",
        "b": "в",
    }
)

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*'?", re.UNICODE)
_NOT_KEPT = re.compile(r"[^\w'!]+", re.UNICODE)
_RUN3 = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)
_RUN2 = re.compile(r"([^\W\d_])\1+", re.UNICODE)
_BANGS = re.compile(r"!+")
_SPACES = re.compile(r"\s+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Views:
    native: str
    latin: str

    @property
    def has_letters(self) -> bool:
        return _LETTER.search(self.latin) is not None


def _unify_script(match: re.Match[str]) -> str:
    word = match.group(0)
    cyrillic = len(_CYRILLIC.findall(word))
    if cyrillic and cyrillic * 2 >= len(word.replace(APOSTROPHE, "")):
        return word.translate(_LATIN_LOOKALIKES)
    return word


def native(text: str) -> str:
    """Lower-case, apostrophes unified, punctuation spaced out, long letter runs cut, and
    mostly-Cyrillic words written in Cyrillic only."""
    text = unicodedata.normalize("NFC", text or "").lower().translate(_APOSTROPHES)
    text = _NOT_KEPT.sub(" ", text)
    text = _BANGS.sub(" ! ", text)
    text = _RUN3.sub(r"\1", text)
    text = _WORD.sub(_unify_script, text)
    # a lone apostrophe (a quote mark, not a letter's) says nothing
    text = re.sub(r"(?<![^\W\d_])'|'(?![^\W\d_])", " ", text)
    return _SPACES.sub(" ", text).strip()


def latin(native_text: str) -> str:
    """The native view in Uzbek Latin, apostrophes dropped, runs of equal letters cut."""
    text = native_text.translate(_TRANSLIT).replace(APOSTROPHE, "")
    text = _RUN2.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def views(text: str) -> Views:
    base = native(text)
    return Views(native=base, latin=latin(base))
