"""File -> plain text for the search index: one extractor per family, run in a bounded child process.

extract_text() is what the app calls; extract_text_inline() does the same work in this process.
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path

from globe.extract.base import DONE, ExtractionFailed, ExtractionResult, TextCollector, clip
from globe.extract.runner import run_in_child
from globe.extract.safety import check_zip

__all__ = ["ExtractionResult", "extract_text", "extract_text_inline", "is_extractable", "preview_excerpt"]

DEFAULT_MAX_CHARS = 2_000_000
# family -> (module, function). Modules are imported on first use: each parser library takes up to a
# few hundred milliseconds to import, and a child process needs only its own family's.
_EXTRACTORS = {
    "pdf": ("pdf", "extract_pdf"),
    "word": ("office", "extract_docx"),
    "slides": ("office", "extract_pptx"),
    "sheet": ("office", "extract_xlsx"),
    "odf-text": ("odf", "extract_odf"),
    "odf-slides": ("odf", "extract_odf"),
    "odf-sheet": ("odf", "extract_odf"),
    "rtf": ("text", "extract_rtf"),
    "html": ("text", "extract_html"),
    "text": ("text", "extract_plain"),
    "markdown": ("text", "extract_plain"),
}
_PDF_DAMAGED = "The PDF is damaged or truncated"
_ZIP_FAMILIES = frozenset({"word", "slides", "sheet", "odf-text", "odf-slides", "odf-sheet"})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def is_extractable(family: str) -> bool:
    """Whether files of this family have text to extract (images, audio and video do not)."""
    return family in _EXTRACTORS


def extract_text(
    path: Path,
    family: str,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    timeout: float = 60,
    memory_bytes: int = 512 * 2**20,
) -> ExtractionResult:
    """The file's text, extracted in a child process that cannot outlive timeout or memory_bytes."""
    if not is_extractable(family):
        return ExtractionResult.unsupported()
    return run_in_child(Path(path), family, max_chars=max_chars, timeout=timeout, memory_bytes=memory_bytes)


def extract_text_inline(path: Path, family: str, max_chars: int = DEFAULT_MAX_CHARS) -> ExtractionResult:
    """The same as extract_text, in this process and without limits: for tests and the child itself."""
    if not is_extractable(family):
        return ExtractionResult.unsupported()
    collector = TextCollector(max_chars)
    try:
        if family in _ZIP_FAMILIES:
            check_zip(path)
        page_count = _extractor(family)(Path(path), collector)
    except ExtractionFailed as failure:
        return ExtractionResult.failed(failure.reason)
    except MemoryError:
        return ExtractionResult.failed("The file needs more memory to read than is allowed.")
    except RecursionError:
        return ExtractionResult.failed("The file is nested too deeply to read.")
    except Exception as error:  # parsers fed hostile files raise anything; the user still gets a reason
        damaged = _PDF_DAMAGED if family == "pdf" else "The file is damaged"
        detail = clip(str(error).replace(str(path), "the file"), 200)  # never show server paths
        return ExtractionResult.failed(f"{damaged}: {detail}")
    return ExtractionResult(DONE, collector.text(), None, page_count)


def _extractor(family: str) -> Callable[[Path, TextCollector], int | None]:
    module_name, function_name = _EXTRACTORS[family]
    return getattr(importlib.import_module(f"globe.extract.{module_name}"), function_name)


def preview_excerpt(text: str, max_chars: int = 600) -> str:
    """The first meaningful paragraphs of text, cut on a word boundary with "…" past max_chars."""
    paragraphs = (" ".join(block.split()) for block in _PARAGRAPH_BREAK.split(text[: max_chars * 20]))
    # Page numbers, rules and lone symbols are not worth showing.
    meaningful = [paragraph for paragraph in paragraphs if any(char.isalpha() for char in paragraph)]
    excerpt = "\n\n".join(meaningful)
    if len(excerpt) <= max_chars:
        return excerpt
    cut = excerpt[: max_chars - 1]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    if boundary > max_chars // 2:
        cut = cut[:boundary]
    return cut.rstrip(" \n,;:-–—") + "…"
