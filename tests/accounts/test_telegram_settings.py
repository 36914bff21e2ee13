"""The notification channels' and the bot's settings fail loudly at start-up (issue 15)."""

from __future__ import annotations

import pytest

from tests.mening_uyim.test_settings import PROD_ENV, _manage


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"NOTIFY_CHANNELS": "email,fax"}, "NOTIFY_CHANNELS"),
        ({"NOTIFY_CHANNELS": ""}, "NOTIFY_CHANNELS"),
        ({"TELEGRAM_WEBHOOK_SECRET": "not a secret!"}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_LINK_CODE_TTL_SECONDS": "0"}, "TELEGRAM_LINK_CODE_TTL_SECONDS"),
    ],
)
def test_a_bad_value_stops_the_start_up(env: dict[str, str], named: str) -> None:
    result = _manage(["check"], {"DJANGO_ENV": "development", **env})
    assert result.returncode != 0
    assert named in result.stderr


@pytest.mark.parametrize("missing", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"])
def test_production_offering_telegram_needs_the_bot(missing: str) -> None:
    env = {
        **PROD_ENV,
        "NOTIFY_CHANNELS": "email,telegram",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_WEBHOOK_SECRET": "s3cret",
    }
    del env[missing]
    result = _manage(["check"], env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_with_email_only_needs_no_bot() -> None:
    result = _manage(["check"], {**PROD_ENV, "NOTIFY_CHANNELS": "email"})
    assert "TELEGRAM" not in result.stderr
