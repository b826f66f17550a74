"""PDF text via pypdf: every page's text, pages separated by blank lines."""
from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError

from globe.extract.base import ExtractionFailed, TextCollector


def extract_pdf(path: Path, collector: TextCollector) -> int:
    """Collect the text of each page and return the number of pages."""
    reader = PdfReader(path)
    if reader.is_encrypted:
        _unlock(reader)
    pages = reader.pages
    for page in pages:
        if collector.is_full:
            break
        collector.add(page.extract_text() or "")
    return len(pages)


def _unlock(reader: PdfReader) -> None:
    """Open PDFs that are only 'protected' (empty user password); refuse really encrypted ones."""
    try:
        unlocked = reader.decrypt("")
    except DependencyError:  # AES without the optional cryptography package
        unlocked = False
    if not unlocked:
        raise ExtractionFailed("The document is encrypted.")
