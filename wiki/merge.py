"""Three-way merge of page texts, for when someone saved the page while you were editing it."""
from __future__ import annotations

from dataclasses import dataclass

from merge3 import Merge3

from wiki.diff import BoundedLineMatcher
from wiki.links import collapse_whitespace, normalize_newlines, split_lines


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
