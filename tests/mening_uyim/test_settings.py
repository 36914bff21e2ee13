"""DJANGO_ENV=production refuses to start without its configuration, and passes --deploy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.env import ConfigurationError, env_bool, env_int, env_list, require

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x7#kQ!v9@Lm2$Zp4^Wr8&Tn6*Yb3(Hd5)Jf1_Gs0+Ce9-Ua7=Io2[Pe4]Rl6{Ks8}Mw",
    "DJANGO_ALLOWED_HOSTS": "meninguyim.uz",
    "DATABASE_URL": "postgres://mu:secret@db:5432/mening_uyim",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.uz:587",
}


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
)
def test_production_refuses_to_start_without_variable(missing: str) -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage(["check"], env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_debug() -> None:
    result = _manage(["check"], {**PROD_ENV, "DJANGO_DEBUG": "1"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_production_passes_check_deploy_at_warning_level() -> None:
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PROD_ENV)
    assert result.returncode == 0, result.stderr + result.stdout


def test_unknown_django_env_is_refused() -> None:
    result = _manage(["check"], {"DJANGO_ENV": "prod"})
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


def test_env_readers_fail_loudly_on_bad_values() -> None:
    with pytest.raises(ConfigurationError, match="FLAG"):
        env_bool("FLAG", False, {"FLAG": "maybe"})
    with pytest.raises(ConfigurationError, match="COUNT"):
        env_int("COUNT", 1, {"COUNT": "ten"})
    assert env_bool("FLAG", False, {"FLAG": "Yes"}) is True
    assert env_int("COUNT", 3, {}) == 3
    assert env_list("HOSTS", [], {"HOSTS": "a.uz, b.uz,,"}) == ["a.uz", "b.uz"]
    with pytest.raises(ConfigurationError, match="A, C"):
        require(["A", "B", "C"], {"B": "1"}, why="test")


def test_time_zone_is_tashkent_and_aware(settings) -> None:
    assert settings.TIME_ZONE == "Asia/Tashkent"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "uz"


def _database_options(env: dict[str, str]) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="mening_uyim.settings")
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgres_statements_are_bound_on_the_server_and_prepared_unless_turned_off() -> None:
    url = "postgres://mu:secret@db:5432/mening_uyim?sslmode=require"
    options = _database_options({"DATABASE_URL": url})
    jit = {"options": "-c jit=off"}
    assert options == {
        "sslmode": "require",
        "server_side_binding": True,
        "prepare_threshold": 5,
        **jit,
    }
    off = _database_options({"DATABASE_URL": url, "DATABASE_PREPARED_STATEMENTS": "0"})
    assert off == {"sslmode": "require", **jit}
    sqlite = _database_options({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert "server_side_binding" not in sqlite
    assert "options" not in sqlite


def test_postgres_jit_is_off_for_the_site_unless_turned_on() -> None:
    """A page's short query must not pay for JIT compilation (settings: DATABASE_JIT)."""
    url = "postgres://mu:secret@db:5432/mening_uyim"
    assert _database_options({"DATABASE_URL": url})["options"] == "-c jit=off"
    assert "options" not in _database_options({"DATABASE_URL": url, "DATABASE_JIT": "1"})


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_site_connection_runs_without_jit() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_run_again_on_postgres_is_prepared_on_the_server() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s::int + 41", [1])
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("+ 41" in statement for statement in prepared), prepared
