"""Text of OpenDocument files (odt, odp, ods): every paragraph and table row of content.xml."""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from globe.extract.base import ExtractionFailed, TextCollector, table_text
from globe.extract.safety import read_member

MAX_CONTENT_BYTES = 100 * 2**20

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_PARAGRAPHS = frozenset({_TEXT + "p", _TEXT + "h"})
_ROW_CONTAINERS = frozenset(
    {_TABLE + "table-header-rows", _TABLE + "table-rows", _TABLE + "table-row-group"}
)
_CELLS = frozenset({_TABLE + "table-cell", _TABLE + "covered-table-cell"})
_INLINE_MARKS = {_TEXT + "s": " ", _TEXT + "tab": "\t", _TEXT + "line-break": "\n"}
_SKIPPED = frozenset({_TEXT + "tracked-changes"})  # old versions of changed text


def extract_odf(path: Path, collector: TextCollector) -> int | None:
    """Collect the document's text; returns the slide count for presentations, else None."""
    with zipfile.ZipFile(path) as archive:
        content = read_member(archive, "content.xml", MAX_CONTENT_BYTES)
    try:
        body = fromstring(content).find(_OFFICE + "body")
    except DefusedXmlException:
        raise ExtractionFailed(
            "The document declares XML entities, which are refused for safety."
        ) from None
    if body is None:
        raise ExtractionFailed("The file is damaged: it has no document body.")
    _collect(body, collector)
    return sum(1 for _ in body.iter(_DRAW + "page")) or None


def _collect(element: Element, collector: TextCollector) -> None:
    for child in element:
        if collector.is_full:
            return
        if child.tag in _PARAGRAPHS:
            collector.add(_inline_text(child))
        elif child.tag == _TABLE + "table":
            collector.add(table_text(_row_cells(child), collector.remaining))
        elif child.tag not in _SKIPPED:
            _collect(child, collector)


def _row_cells(table: Element) -> Iterator[list[str]]:
    for child in table:
        if child.tag == _TABLE + "table-row":
            yield [_inline_text(cell) for cell in child if cell.tag in _CELLS]
        elif child.tag in _ROW_CONTAINERS:
            yield from _row_cells(child)


def _inline_text(element: Element) -> str:
    """The text inside element (a paragraph or a table cell), with ODF's space, tab and line-break
    marks turned back into characters and inner paragraphs (notes, cell lines) kept apart by spaces."""
    parts = [element.text or ""]
    for child in element:
        if child.tag in _INLINE_MARKS:
            parts.append(_INLINE_MARKS[child.tag])
        elif child.tag in _PARAGRAPHS:
            parts.append(" " + _inline_text(child) + " ")
        elif child.tag not in _SKIPPED:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
