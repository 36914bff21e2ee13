"""What a person sees, page by page (issue 14): the crawl of every persona's reachable
pages on the demo site, the English left on an Uzbek or Russian page, and axe-core.

The site is `make run`'s demo (mening_uyim.demo_server) in a browser: each persona,
logged in, starts at the home page and follows every link of the site (breadth first),
one page per kind of address (``/lots/7/`` and ``/lots/9/`` are one kind), so that every
page of the persona's work is seen without opening all 400 buildings. The admin (the
inspection console) is followed too, its change lists and forms included, up to a limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polib

from mening_uyim.demo import PERSONAS

ROOT = Path(__file__).resolve().parents[2]
LOGINS: dict[str, str | None] = {
    "anonymous": None,
    **{p.key: p.email for p in PERSONAS},
    "admin": "admin@demo.uz",
}
PAGES_PER_PERSONA = 60
ADMIN_PAGES_PER_PERSONA = 14
SKIP = re.compile(
    r"^/(accounts/logout|i18n/|api/|static/|media/|healthz|admin/logout|admin/jsi18n)"
    r"|\.(pdf|json|png|jpe?g|csv|xlsx?)$"
    r"|/(delete|history)/$"  # forms that destroy (the admin refuses them anyway) and logs
)


def kind_of(url: str) -> str:
    """The kind of an address: its path with numbers as ``N`` and its query's keys."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def followed(url: str, base: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return False
    return not SKIP.search(parts.path)


# The visible text of a page: its rendered text nodes (not scripts, styles, code or what
# is marked translate="no"), the options of its selects, and the texts that assistive
# technology reads out (placeholder, aria-label, title, alt, a button's value).
VISIBLE_TEXT_JS = """
() => {
  const out = [];
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "CODE", "PRE", "TEXTAREA", "TEMPLATE"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\\s+/g, " ").trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('[translate="no"]')) continue;
    let hidden = false;
    for (let e = el; e; e = e.parentElement) if (skip.has(e.tagName)) { hidden = true; break; }
    if (hidden) continue;
    if (el.tagName !== "OPTION" && !el.getClientRects().length) continue;
    out.push(text);
  }
  const attrs = ["placeholder", "aria-label", "title", "alt"];
  for (const el of document.querySelectorAll("[placeholder],[aria-label],[title],img[alt]")) {
    if (el.closest('[translate="no"]')) continue;
    for (const a of attrs) { const v = el.getAttribute(a); if (v && v.trim()) out.push(v.trim()); }
  }
  for (const el of document.querySelectorAll("input[type=submit],input[type=button]")) {
    if (el.value.trim()) out.push(el.value.trim());
  }
  out.push(document.title.replace(/ · Mening Uyim$/, "").trim());
  return out;
}
"""

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdifr]|%[sdif]|\{[a-z_0-9]*\}")


@dataclass(frozen=True)
class EnglishCatalogue:
    """The English msgids whose Uzbek (or Russian) translation differs: a text of the
    page equal to one of them is English that was not translated."""

    exact: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def english(self, text: str) -> str | None:
        candidate = " ".join(text.split()).strip().rstrip(":").strip()
        if len(candidate) < 3 or not re.search("[a-z]", candidate):
            return None
        if candidate in self.exact:
            return candidate
        for pattern in self.patterns:
            if pattern.fullmatch(candidate):
                return candidate
        return None


@cache
def english_catalogue(language: str) -> EnglishCatalogue:
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for entry in po:
        if entry.obsolete:
            continue
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            text = " ".join(msgid.replace("%%", "%").split())
            if not text or all(t == msgid for t in translations):
                continue  # the same word in both languages (Payme, Click, STIR …)
            literal = PLACEHOLDER.sub("\x00", text)
            if "\x00" in literal:
                parts = [re.escape(p) for p in literal.split("\x00")]
                if sum(len(p) for p in literal.split("\x00")) >= 6:
                    patterns.append(re.compile(".+?".join(parts)))
            else:
                exact.add(text)
    return EnglishCatalogue(frozenset(exact), tuple(patterns))


def english_texts(texts: Iterable[str], language: str) -> list[str]:
    catalogue = english_catalogue(language)
    found = []
    for text in texts:
        hit = catalogue.english(text)
        if hit is not None and hit not in found:
            found.append(hit)
    return found


# axe-core: the WCAG 2.1 A and AA rules; the bar is no serious or critical one.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ", ".join(str(n["target"][0]) for n in violation["nodes"][:3])
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@dataclass
class Seen:
    """One persona's crawl: the pages (url → status), and what was wrong where."""

    persona: str
    pages: dict[str, int] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)  # documents, not pages
    problems: list[str] = field(default_factory=list)


def crawl(
    context: Any, base: str, persona: str, on_page: Callable[[Any, str], None] | None = None
) -> Seen:
    """Open the persona's pages, breadth first from the home page, one per kind;
    ``on_page(page, url)`` looks at each page that opened, while it is open."""
    seen = Seen(persona)
    kinds: set[str] = set()
    queue = [f"{base}/"]
    admin_pages = 0
    page = context.new_page()
    while queue and len(seen.pages) < PAGES_PER_PERSONA:
        url = queue.pop(0)
        kind = kind_of(url)
        if kind in kinds:
            continue
        is_admin = urlsplit(url).path.startswith("/admin/")
        if is_admin and admin_pages >= ADMIN_PAGES_PER_PERSONA:
            continue
        kinds.add(kind)
        admin_pages += is_admin
        try:
            response = page.goto(url)
        except Exception as exc:  # a document (a PDF, a photo) downloads instead
            if "Download is starting" not in str(exc):
                raise
            seen.downloads.append(url)
            continue
        status = response.status if response is not None else 0
        seen.pages[url] = status
        if status >= 400 and not (status == 404 and persona == "anonymous"):
            seen.problems.append(f"{status} {url} (a link on this persona's pages)")
            continue
        if on_page is not None and status < 400:
            on_page(page, url)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            href = href.split("#", 1)[0]
            if href and followed(href, base) and kind_of(href) not in kinds:
                queue.append(href)
    page.close()
    return seen
