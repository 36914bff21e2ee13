"""Compile locale/*/LC_MESSAGES/*.po to .mo without GNU gettext.

Django's `compilemessages` needs `msgfmt`, which a fresh machine with only Python and make
does not have; polib writes the same .mo files. Fuzzy entries are left out, as msgfmt does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po files to .mo (pure Python)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        compiled: list[str] = []
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                for entry in po.fuzzy_entries():
                    po.remove(entry)
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    compiled.append(str(po_path))
                    continue
                po.save_as_mofile(str(mo_path))
                compiled.append(str(po_path))
        if options["json"]:
            self.stdout.write(json.dumps({"compiled": compiled}))
        else:
            self.stdout.write(f"compiled {len(compiled)} catalogue(s)")
