"""Uzbek first; Russian and English offered; every string of ours translated."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_home_is_uzbek_by_default(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="uz">' in html
    assert "Kirish" in html


def test_switching_language_to_russian(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="ru">' in html
    assert "Войти" in html


@pytest.mark.parametrize("code", ["xx", "de", "", "uz-Cyrl-XX-invalid"])
def test_an_unknown_language_code_falls_back_to_uzbek(client: Client, code: str) -> None:
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    client.cookies["django_language"] = code
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=code or "xx").content.decode()
    assert '<html lang="uz">' in html


def test_pages_stay_uzbek_whatever_the_browser_prefers(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").content.decode()
    assert '<html lang="uz">' in html


def test_the_api_honours_accept_language(client: Client) -> None:
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert response.status_code == 401
    assert response["Content-Language"] == "ru"
    assert response.json()["detail"] == "Учётные данные не были предоставлены."


@pytest.mark.parametrize("lang", ["uz", "ru"])
def test_every_string_is_translated(lang: str) -> None:
    po = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert missing == []
    assert len(po) > 50


# -- Every string in the code is in the catalogues ----------------------------------------------
# The test above only reads the committed .po files, so a msgid that `make makemessages` was never
# run for passes it. This one runs Django's makemessages with the Makefile's own options over a
# throwaway copy of the sources, into an empty locale dir (the committed catalogues are only read),
# and looks every extracted msgid up in the committed uz, ru and en catalogues.

GETTEXT_PROGRAMS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # makemessages' default extensions for "django"


def _makefile_makemessages_args() -> list[str]:
    """The arguments the Makefile's `makemessages` target passes to `manage.py makemessages`."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^\t\$\(MANAGE\) makemessages\b(.*)$", makefile, re.MULTILINE)
    assert found, "no `$(MANAGE) makemessages ...` recipe line in the Makefile"
    return shlex.split(found.group(1))


def _copy_sources(dest: Path) -> None:
    """Copy the files makemessages reads (no .venv, .git, var/, locale/ or caches)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        at_root = Path(directory) == ROOT
        skipped = set()
        for name in names:
            path = Path(directory) / name
            if name.startswith(".") or name == "__pycache__":
                skip = True
            elif path.is_dir():
                skip = at_root and name in {"var", "locale"}
            else:
                skip = path.suffix not in SOURCE_SUFFIXES
            if skip:
                skipped.add(name)
        return skipped

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """The uz catalogue `make makemessages` would write from today's code, from scratch."""
    missing = [p for p in GETTEXT_PROGRAMS if shutil.which(p) is None]
    if missing:
        pytest.skip(
            f"GNU gettext is not installed (no {', '.join(missing)}): apt-get install gettext"
        )
    src = tmp_path_factory.mktemp("makemessages") / "src"
    _copy_sources(src)
    locale = src / "locale"
    locale.mkdir()
    with pytest.MonkeyPatch.context() as mp, override_settings(LOCALE_PATHS=[locale]):
        mp.chdir(src)
        call_command("makemessages", *_makefile_makemessages_args(), verbosity=0)
    assert not (ROOT / "locale" / "django.pot").exists()
    po = polib.pofile(str(locale / "uz" / "LC_MESSAGES" / "django.po"))
    assert len(po) > 50
    return po


@pytest.mark.parametrize("lang", ["uz", "ru", "en"])
def test_every_extracted_string_is_in_the_catalogue(extracted: polib.POFile, lang: str) -> None:
    """uz and ru: present, not fuzzy, every plural form filled; en (the source): present, empty."""
    committed = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    nplurals = re.search(r"nplurals=(\d+)", committed.metadata.get("Plural-Forms", ""))
    assert nplurals, f"{lang}: no nplurals in the Plural-Forms header"
    by_key = {(e.msgctxt, e.msgid): e for e in committed if not e.obsolete}
    problems = []
    for entry in extracted:
        found = by_key.get((entry.msgctxt, entry.msgid))
        label = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}|{entry.msgid}"
        if found is None:
            problems.append(f"missing: {label!r}")
        elif found.msgid_plural != entry.msgid_plural:
            problems.append(f"plural differs: {label!r}")
        elif lang == "en":
            if found.msgstr or any(found.msgstr_plural.values()):
                problems.append(f"en is the source, msgstr should stay empty: {label!r}")
        elif not found.translated():
            problems.append(f"untranslated or fuzzy: {label!r}")
        elif found.msgid_plural and len(found.msgstr_plural) != int(nplurals.group(1)):
            problems.append(f"needs {nplurals.group(1)} plural forms: {label!r}")
    assert problems == [], f"run `make makemessages`, then translate ({lang}):\n" + "\n".join(
        problems
    )
