"""Every persona's pages in Chromium, on `make run`'s demo (issue 14; tests/e2e/pages_seen.py):
no English left on a page in Uzbek or Russian, no serious or critical WCAG violation
(axe-core) on a page in Uzbek or Russian, no link of a persona's pages that leads to an error, the
ballot, payment and ticket forms usable by keyboard alone, and the screenshot set of every
persona's home at 1280 and 390 px (var/screenshots/, `make screenshots`).

The demo site is built once for the module (a SQLite file of its own, gunicorn on
loopback): it is not the test database, so the module runs once, in the SQLite pass of
`make test` (the PostgreSQL pass would only repeat it).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from mening_uyim import demo_server
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.e2e.pages_seen import (
    LOGINS,
    VISIBLE_TEXT_JS,
    Seen,
    axe_violations,
    crawl,
    english_texts,
    kind_of,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the demo site has its own SQLite database: the SQLite pass runs this once",
    ),
]
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or demo_server.ROOT / "var" / "screenshots")
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def site() -> Iterator[demo_server.DemoSite]:
    work = Path(tempfile.mkdtemp(prefix="pages-seen-"))
    env = demo_server.seed(work)
    with demo_server.serving(work, env, logins=LOGINS) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _context(
    browser: Any, site: demo_server.DemoSite, persona: str, language: str, **kw: Any
) -> Any:
    context = browser.new_context(**kw)
    cookies = [{"name": "django_language", "value": language, "url": site.base}]
    if persona in site.sessions:
        cookies.append({"name": "sessionid", "value": site.sessions[persona], "url": site.base})
    context.add_cookies(cookies)
    return context


@pytest.fixture(scope="module")
def seen(browser: Any, site: demo_server.DemoSite) -> dict[str, dict[str, Any]]:
    """Each persona's crawl in Uzbek, then the same pages in Russian: the English texts
    of every page, and axe-core once per kind of page and language across personas."""
    out: dict[str, dict[str, Any]] = {}
    checked: dict[str, set[str]] = {"uz": set(), "ru": set()}
    for persona in LOGINS:
        result: dict[str, Any] = {"english": {"uz": [], "ru": []}, "axe": {"uz": [], "ru": []}}

        def look(page: Any, url: str, language: str, result: dict[str, Any] = result) -> None:
            for text in english_texts(page.evaluate(VISIBLE_TEXT_JS), language):
                result["english"][language].append(f"{url}: {text!r}")
            if kind_of(url) not in checked[language]:
                checked[language].add(kind_of(url))
                result["axe"][language] += [f"{url}: {v}" for v in axe_violations(page)]

        context = _context(browser, site, persona, "uz")  # the crawl looks in Uzbek
        crawled: Seen = crawl(context, site.base, persona, lambda p, u: look(p, u, "uz"))
        context.close()
        context = _context(browser, site, persona, "ru")  # then the same pages in Russian
        page = context.new_page()
        for url, status in crawled.pages.items():
            if status < 400:
                page.goto(url)
                look(page, url, "ru")
        context.close()
        result["seen"] = crawled
        out[persona] = result
    return out


def _report(seen: dict[str, dict[str, Any]], pick: Any) -> list[str]:
    return [f"{persona}: {line}" for persona, result in seen.items() for line in pick(result)]


def test_every_persona_sees_many_pages(seen: dict[str, dict[str, Any]]) -> None:
    """The crawl reaches each persona's work (not just its home): a guard on the crawl."""
    for persona, result in seen.items():
        assert len(result["seen"].pages) >= (3 if persona == "anonymous" else 8), persona


def test_no_link_of_a_persona_leads_to_an_error(seen: dict[str, dict[str, Any]]) -> None:
    problems = _report(seen, lambda r: r["seen"].problems)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_no_english_is_left_on_the_pages(seen: dict[str, dict[str, Any]], language: str) -> None:
    found = _report(seen, lambda r: r["english"][language])
    assert found == [], f"{len(found)} English texts:\n" + "\n".join(found[:200])


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_no_serious_accessibility_violation(seen: dict[str, dict[str, Any]], language: str) -> None:
    found = _report(seen, lambda r: r["axe"][language])
    assert found == [], f"{len(found)} violations:\n" + "\n".join(found[:200])


def test_the_screenshots_of_every_home(browser: Any, site: demo_server.DemoSite) -> None:
    """The set that `make screenshots` leaves in var/screenshots: each persona's home in
    Uzbek at 1280 and 390 px (and the owner's in Russian)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    made = []
    for persona in LOGINS:
        for language in ("uz", "ru") if persona == "owner" else ("uz",):
            for width in WIDTHS:
                context = _context(
                    browser, site, persona, language, viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                assert page.goto(f"{site.base}/").status == 200
                path = SHOTS / f"home-{persona}-{language}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                made.append(path)
                context.close()
    assert all(p.stat().st_size > 10_000 for p in made)


def _tab_reaches(page: Any, selector: str, limit: int = 120) -> set[str]:
    """Press Tab from the top of the page; the names of the controls inside ``selector``
    that took the focus."""
    page.locator("body").focus()
    reached: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "(sel) => { const e = document.activeElement; const f = document.querySelector(sel);"
            " return f && f.contains(e) ? (e.name || e.type || e.tagName) : null; }",
            selector,
        )
        if name:
            reached.add(name)
    return reached


def _controls(page: Any, selector: str) -> set[str]:
    return set(
        page.eval_on_selector_all(
            f"{selector} input:not([type=hidden]), {selector} select, "
            f"{selector} textarea, {selector} button",
            "els => els.filter(e => e.getClientRects().length && !e.disabled)"
            ".map(e => e.name || e.type || e.tagName)",
        )
    )


@pytest.mark.parametrize(
    ("persona", "path", "form"),
    [
        ("owner", "/dispatch/", "#ticket-form"),
        ("mc_dispatcher", "/dispatch/", "#call-form"),
    ],
)
def test_a_form_is_usable_by_keyboard_alone(
    browser: Any, site: demo_server.DemoSite, persona: str, path: str, form: str
) -> None:
    context = _context(browser, site, persona, "uz")
    page = context.new_page()
    page.goto(f"{site.base}{path}")
    wanted = _controls(page, form)
    assert wanted, form
    assert _tab_reaches(page, form) >= wanted
    context.close()


def test_the_payment_and_ballot_forms_are_usable_by_keyboard_alone(
    browser: Any, site: demo_server.DemoSite
) -> None:
    """The owner pays flat 12's bill and votes in building A's open meeting with the
    keyboard: every control takes the focus by Tab, a radio group is chosen with the
    arrow keys, and Enter submits."""
    context = _context(browser, site, "owner", "uz")
    page = context.new_page()
    page.goto(f"{site.base}/billing/")
    page.locator("a[href*='/billing/apartments/']").first.click()
    pay_form = "form[action*='#pay']"
    assert _tab_reaches(page, pay_form) >= _controls(page, pay_form)
    page.goto(f"{site.base}/")
    page.locator("#votes a[href*='/voting/meetings/']").first.click()  # an open one
    ballot = "form[action*='/ballot/']"
    wanted = _controls(page, ballot)
    radios = {n for n in wanted if n.startswith("q")}
    assert radios, "the open meeting has questions"
    reached = _tab_reaches(page, ballot)
    assert reached >= wanted
    page.locator("body").focus()
    for _ in range(120):  # to the first question's radio group, then choose by arrows
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    for _ in radios:
        page.keyboard.press("ArrowDown")  # moves the choice (and the focus) in the group
        page.keyboard.press("Tab")
        while page.evaluate("document.activeElement.type") not in ("radio", "submit"):
            page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".message.success, .message").count() >= 1
    context.close()
