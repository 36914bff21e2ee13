"""The document attached to a revenue record: a PDF, JPEG or PNG of at most 10 MB.

The type is read from the file's first bytes, not only from its name, so that a renamed
file of another kind is refused; the name's extension must agree with what it is.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# what a file starts with → its type, and the extensions a file of that type may have
SIGNATURES = (
    (b"%PDF-", "pdf", (".pdf",)),
    (b"\xff\xd8\xff", "jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "png", (".png",)),
)
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

MSG_TOO_LARGE = _("The document is larger than 10 MB.")
MSG_EMPTY = _("The document is empty.")
MSG_TYPE = _("The document must be a PDF, JPG or PNG file.")


def document_type(head: bytes, name: str) -> str | None:
    """``"pdf"``, ``"jpeg"`` or ``"png"`` when the bytes and the name agree, else None."""
    lowered = name.lower()
    for magic, kind, extensions in SIGNATURES:
        if head.startswith(magic) and lowered.endswith(extensions):
            return kind
    return None


def _head(value: Any, n: int = 8) -> bytes:
    source = getattr(value, "file", value)
    position = source.tell() if hasattr(source, "tell") else 0
    source.seek(0)
    head = source.read(n)
    source.seek(position)
    return bytes(head)


def validate_document(value: Any) -> None:
    """Size first (a large file is not read), then the type."""
    size = getattr(value, "size", None) or 0
    if size > DOCUMENT_MAX_BYTES:
        raise ValidationError(MSG_TOO_LARGE, code="too_large")
    if size == 0:
        raise ValidationError(MSG_EMPTY, code="empty")
    if document_type(_head(value), getattr(value, "name", "") or "") is None:
        raise ValidationError(MSG_TYPE, code="type")
