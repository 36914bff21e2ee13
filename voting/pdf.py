"""Protocols as PDF (WeasyPrint): a template rendered in the reader's language, with fonts
that carry Uzbek (oʻ gʻ ʼ) and Cyrillic letters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], name: str
) -> HttpResponse:
    from weasyprint import HTML  # imported here: loading it costs ~0.3 s

    html = render_to_string(template, context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
