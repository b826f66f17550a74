"""Three-way merge of page texts, for when someone saved the page while you were editing it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from merge3 import Merge3

from wiki.diff import BoundedLineMatcher
from wiki.links import collapse_whitespace, normalize_newlines, split_lines

# The three marker lines merge3 writes (seven characters, then the side's label on the outer two).
_START, _MIDDLE, _END = re.compile(r"<{7}( |$)"), re.compile(r"={7}$"), re.compile(r">{7}( |$)")


@dataclass(frozen=True)
class ConflictBlock:
    """One unresolved conflict in a text: its marker lines (1-based) and the two sides' lines."""

    start_line: int
    end_line: int
    ours: list[str]
    theirs: list[str]


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: int
    clean: bool


def merge_texts(
    base: str,
    ours: str,
    theirs: str,
    *,
    ours_label: str = "your edit",
    theirs_label: str = "saved version",
) -> MergeResult:
    """Merge `ours` and `theirs`, both edited from `base`; overlapping edits become conflict
    blocks between `<<<<<<< ours_label`, `=======` and `>>>>>>> theirs_label` lines."""
    base, ours, theirs = (normalize_newlines(text) for text in (base, ours, theirs))
    # Bounded matching: two revisions too different to match line by line conflict as a whole.
    merger = Merge3(_lines(base), _lines(ours), _lines(theirs),
                    sequence_matcher=BoundedLineMatcher)
    # "reprocess" shrinks each conflict to the lines that really differ.
    regions = list(merger.reprocess_merge_regions(merger.merge_regions()))
    conflicts = sum(1 for region in regions if region[0] == "conflict")
    merged = "".join(merger.merge_lines(
        name_a=collapse_whitespace(ours_label),
        name_b=collapse_whitespace(theirs_label),
        reprocess=True,
    ))
    if not _ends_with_newline(base, ours, theirs):
        merged = merged.removesuffix("\n")
    return MergeResult(text=merged, conflicts=conflicts, clean=conflicts == 0)


def _lines(text: str) -> list[str]:
    # Every line ends with "\n" so that a missing newline at the end of one version
    # neither conflicts nor glues a conflict marker to the last line.
    return [line + "\n" for line in split_lines(text)]


def _ends_with_newline(base: str, ours: str, theirs: str) -> bool:
    """Merge the final newline like any other change: a side that changed it wins."""
    ours_ends, theirs_ends = ours.endswith("\n"), theirs.endswith("\n")
    return theirs_ends if ours_ends == base.endswith("\n") else ours_ends


def conflict_blocks(text: str) -> list[ConflictBlock]:
    """The complete conflict blocks (`<<<<<<<` ... `=======` ... `>>>>>>>`) still in `text`.

    A lone `=======` line is an ordinary Markdown heading underline; only a full block counts."""
    blocks, lines = [], split_lines(normalize_newlines(text))
    number = 0
    while number < len(lines):
        block = _block_at(lines, number)
        if block is None:
            number += 1
        else:
            blocks.append(block)
            number = block.end_line
    return blocks


def _block_at(lines: list[str], start: int) -> ConflictBlock | None:
    if not _START.match(lines[start]):
        return None
    middle = next((i for i in range(start + 1, len(lines)) if _MIDDLE.match(lines[i])
                   or _START.match(lines[i])), None)
    if middle is None or not _MIDDLE.match(lines[middle]):
        return None
    end = next((i for i in range(middle + 1, len(lines)) if _END.match(lines[i])
                or _START.match(lines[i]) or _MIDDLE.match(lines[i])), None)
    if end is None or not _END.match(lines[end]):
        return None
    return ConflictBlock(start + 1, end + 1, lines[start + 1:middle], lines[middle + 1:end])


def keep_one_side(text: str, side: str) -> str:
    """Resolve every conflict block by keeping one side: "ours" (the editor's) or "theirs"."""
    if side not in ("ours", "theirs"):
        raise ValueError(f"side must be 'ours' or 'theirs', not {side!r}")
    lines = split_lines(normalize_newlines(text))
    kept, position = [], 0
    for block in conflict_blocks(text):
        kept += lines[position:block.start_line - 1] + (block.ours if side == "ours" else block.theirs)
        position = block.end_line
    kept += lines[position:]
    return "\n".join(kept) + ("\n" if text.endswith("\n") else "")
