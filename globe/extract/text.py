"""Text of plain text, Markdown, CSV, HTML (visible text only) and RTF files, whatever their encoding."""
from __future__ import annotations

import codecs
from html.parser import HTMLParser
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from globe.extract.base import TextCollector

MAX_MARKUP_BYTES = 64 * 2**20
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption dd div dl dt figcaption footer form h1 h2 h3 h4 h5 h6"
    " header hr li main nav ol p pre section table title tr ul".split()
)


def extract_plain(path: Path, collector: TextCollector) -> None:
    # UTF-8 takes at most 4 bytes a character, and tidying whitespace rarely halves a text.
    collector.add(decode_text(_read(path, 8 * collector.max_chars)))


def extract_html(path: Path, collector: TextCollector) -> None:
    parser = _VisibleText()
    parser.feed(decode_text(_read(path, MAX_MARKUP_BYTES)))
    parser.close()
    collector.add("".join(parser.parts))


def extract_rtf(path: Path, collector: TextCollector) -> None:
    collector.add(rtf_to_text(decode_text(_read(path, MAX_MARKUP_BYTES)), errors="replace"))


def decode_text(data: bytes) -> str:
    """Decode by BOM, else as UTF-8, else as Windows-1252, else Latin-1 (which never fails)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    for encoding in ("utf-8", "cp1252"):
        text = decode_prefix(data, encoding)
        if text is not None:
            return text
    return data.decode("latin-1")


def decode_prefix(data: bytes, encoding: str) -> str | None:
    """Decode data that may end in the middle of a character, or None if it is not in encoding."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except UnicodeDecodeError:
        return None


def _read(path: Path, max_bytes: int) -> bytes:
    with open(path, "rb") as file:
        return file.read(max_bytes)


class _VisibleText(HTMLParser):
    """Collects the text a browser would show: no scripts, styles or comments; entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth = max(self._hidden_depth - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)
