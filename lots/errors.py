"""The lots app's domain error; ``message`` is user-facing and translated."""

from __future__ import annotations


class LotError(Exception):
    def __init__(self, message: object) -> None:
        self.message = str(message)
        super().__init__(self.message)
