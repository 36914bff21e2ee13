"""Reading the server-rendered SVG charts (buildings.charts) back out of a page, for tests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # nosec B405 # our own markup, in tests

_SVG = re.compile(r'<svg class="chart[ "].*?</svg>', re.S)


def charts(html: str) -> list[ET.Element]:
    """Every chart of a page, parsed (the markup is well-formed XML by construction)."""
    return [ET.fromstring(svg) for svg in _SVG.findall(html)]  # noqa: S314 # nosec B314


def texts(svg: ET.Element, css: str) -> list[str]:
    """The text of every ``<text class="css">``, its ``<tspan>`` lines joined by a space."""
    found = []
    for node in svg.iter("text"):
        if css in (node.get("class") or "").split():
            spans = [s.text or "" for s in node.iter("tspan")]
            found.append(" ".join(spans) if spans else (node.text or ""))
    return found


def lines(svg: ET.Element, css: str) -> list[list[str]]:
    """The ``<tspan>`` lines of every ``<text class="css">``."""
    return [
        [s.text or "" for s in node.iter("tspan")]
        for node in svg.iter("text")
        if css in (node.get("class") or "").split()
    ]


def groups(svg: ET.Element, css: str) -> list[ET.Element]:
    return [g for g in svg.iter("g") if css in (g.get("class") or "").split()]


def title(svg: ET.Element) -> str:
    node = svg.find("title")
    return node.text or "" if node is not None else ""
