"""What every extractor shares: the result type, the failure exception, and a capped text collector."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

DONE, FAILED, UNSUPPORTED = "done", "failed", "unsupported"

# Only runs that need changing match: re.sub builds one object per match, and a match per single
# space would cost hundreds of megabytes on a large text.
_TAB_RUN = re.compile(r"[^\S\n]+\t[^\S\n]*|\t[^\S\n]+")
_SPACE_RUN = re.compile(r"[^\S\n\t]{2,}|[^\S\n\t ]")
_BLANK_LINES = re.compile(r"\n{3,}")
# NUL and friends break PostgreSQL text and search indexes; lone surrogates break UTF-8.
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class ExtractionResult:
    """status is DONE, FAILED (error says why, in words for users) or UNSUPPORTED (no text kept)."""

    status: str
    text: str
    error: str | None
    page_count: int | None

    @classmethod
    def failed(cls, reason: str) -> ExtractionResult:
        return cls(FAILED, "", reason, None)

    @classmethod
    def unsupported(cls) -> ExtractionResult:
        return cls(UNSUPPORTED, "", None, None)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class ExtractionFailed(Exception):
    """Raised by an extractor with a reason a user can read ("The document is encrypted.")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TextCollector:
    """Gathers blocks of text (pages, paragraphs, table rows), tidied, until max_chars is reached.

    Extractors check `is_full` to stop reading early, so a huge document costs no more than needed.
    """

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self._blocks: list[str] = []
        self._length = 0

    @property
    def is_full(self) -> bool:
        return self._length >= self.max_chars

    @property
    def remaining(self) -> int:
        return max(self.max_chars - self._length, 0)

    def add(self, block: str) -> None:
        """Add one block; blocks are separated by a blank line in the result."""
        # Tidying rarely halves a text, so twice what is still wanted is all that can be kept.
        block = normalize_whitespace(block[: 2 * self.remaining])
        if block and not self.is_full:
            self._blocks.append(block)
            self._length += len(block) + 2

    def text(self) -> str:
        return "\n\n".join(self._blocks)[: self.max_chars]


def normalize_whitespace(text: str) -> str:
    """Drop control characters, collapse runs of spaces and tabs, keep at most one blank line."""
    lines = (
        _SPACE_RUN.sub(" ", _TAB_RUN.sub("\t", _UNWANTED.sub("", line))).strip()
        for line in text.splitlines()
    )
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clip(text: str, limit: int) -> str:
    """A short form of a library's error message for a user-facing reason."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def table_text(rows: Iterable[Iterable[str]], budget: int) -> str:
    """Rows as lines of tab-separated cells, stopping once about `budget` characters are gathered."""
    lines: list[str] = []
    length = 0
    for cells in rows:
        line = "\t".join(" ".join(cell.split()) for cell in cells).strip()
        if line:
            lines.append(line)
            length += len(line) + 1
            if length >= budget:
                break
    return "\n".join(lines)
