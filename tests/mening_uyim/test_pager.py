"""The shared pager (templates/_pager.html): links keep the given query, and a single
page shows no pager at all."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation


def test_the_pager_links_both_ways_and_keeps_the_query() -> None:
    page = Paginator(range(120), 50).get_page(2)
    with translation.override("en"):
        html = render_to_string("_pager.html", {"page": page, "query": "status=open&"})
    assert 'href="?status=open&amp;page=1"' in html
    assert 'href="?status=open&amp;page=3"' in html
    assert "page 2 of 3" in html


def test_one_page_has_no_pager() -> None:
    html = render_to_string("_pager.html", {"page": Paginator(range(10), 50).get_page(1)})
    assert "pager" not in html
