"""Production's `collectstatic` works, and every file a template names is in its manifest.

Production stores static files with a manifest storage (whitenoise's
CompressedManifestStaticFilesStorage), which rewrites each `url(...)` and
`sourceMappingURL` of the collected CSS and JS to a hashed name: a reference to a file
that is not shipped stops `collectstatic`, and with it the Docker build. A template's
`{% static %}` missing from the manifest is a 500 at run time. `bin/smoke-production`
does the whole build and serves it; this is the fast guard in the suite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from tests.mening_uyim.test_settings import PROD_ENV, ROOT, _manage

STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def _production_staticfiles_storage() -> dict[str, Any]:
    """The static storage that DJANGO_ENV=production configures, read from its settings."""
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"
    result = _manage(["shell", "-v", "0", "-c", code], PROD_ENV)
    assert result.returncode == 0, result.stderr
    storage: dict[str, Any] = json.loads(result.stdout)["staticfiles"]
    return storage


def _template_static_paths() -> set[str]:
    return {
        name
        for template in (ROOT / "templates").rglob("*.html")
        for name in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }


def test_production_collectstatic_resolves_every_reference(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = _production_staticfiles_storage()
    storage_class = import_string(storage["BACKEND"])
    if hasattr(storage_class, "compress_files"):
        # Compression runs after hashing and cannot fail on a reference; it is the slow
        # part (brotli over the Swagger UI and Redoc bundles), so the suite skips it.
        monkeypatch.setattr(storage_class, "compress_files", lambda self, paths: iter(()))
    settings.STORAGES = {**settings.STORAGES, "staticfiles": storage}
    settings.STATIC_ROOT = tmp_path

    call_command("collectstatic", "--noinput", verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    referenced = _template_static_paths()
    assert "vendor/leaflet/leaflet.js" in referenced  # the pattern does find the tags
    assert referenced - manifest.keys() == set()
    for name in referenced:
        assert (tmp_path / manifest[name]).is_file(), name
