"""Small checks services share; each collects messages into a field -> [message] dict."""
from __future__ import annotations

import re
import unicodedata

from ..errors import InvalidInput

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class Checker:
    """Collects field errors; `done()` raises them all at once so the user sees every problem."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(self, field: str, value: str | None, *, max_length: int, required: bool = False,
             label: str | None = None) -> str:
        """Trim a text value, strip control characters, and check its length."""
        cleaned = clean_text(value)
        label = label or field.replace("_", " ").capitalize()
        if required and not cleaned:
            self.add(field, f"{label} is required.")
        elif len(cleaned) > max_length:
            self.add(field, f"{label} must be at most {max_length} characters.")
        return cleaned

    def choice(self, field: str, value: str, choices, *, label: str | None = None) -> str:
        if value not in choices:
            label = label or field.replace("_", " ").capitalize()
            self.add(field, f"{label} must be one of: {', '.join(choices)}.")
        return value

    def done(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def clean_text(value: str | None, *, multiline: bool = True) -> str:
    """NFC-normalise, drop control and bidi-override characters, trim; keep newlines if multiline."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def shorten(text: str, limit: int = 200) -> str:
    """`text` on one line, cut at a word to at most `limit` characters with "…" (for quoting it in a notice)."""
    line = " ".join((text or "").split())
    if len(line) <= limit:
        return line
    return line[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def parse_tags(value: str | list[str] | tuple[str, ...] | None, *, max_tags: int = 30) -> list[str]:
    """Comma-separated or listed tags -> unique, lower-cased, trimmed, in order given."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    tags: list[str] = []
    for item in items:
        tag = " ".join(clean_text(str(item)).lower().split())[:50]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:max_tags]
