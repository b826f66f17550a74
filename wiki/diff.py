"""Line diffs between two revisions of a page: unified text, table rows, and accessible HTML."""
from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape

from wiki.links import collapse_whitespace, split_lines

DEFAULT_CONTEXT = 3
# difflib's line matching grows with the product of the two sides' lengths; past this many changed
# lines (once the common start and end are set aside) the lines are not matched: the change is one
# removal and one addition, and the HTML views show a notice instead of every line.
MAX_COMPARED_LINES = 4_000
TOO_LARGE_NOTICE = ("These revisions differ in too many lines to compare line by line: "
                    "only the numbers of lines added and removed are shown.")
# Word-level highlighting compares tokens pairwise; longer lines are marked as a whole.
MAX_HIGHLIGHTED_LINE_LENGTH = 4_000
_TOKENS_RE = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff. `kind` is "equal", "insert", "delete" or "replace", or
    "skip" for a run of `skipped` unchanged lines left out. The `*_html` fields hold the escaped
    text with removed words in `<del>` and added words in `<ins>`."""

    kind: str
    old_no: int | None
    old_text: str
    new_no: int | None
    new_text: str
    old_html: str = ""
    new_html: str = ""
    skipped: int = 0


def unified_diff(
    old: str, new: str, *, old_label: str, new_label: str, context: int = DEFAULT_CONTEXT
) -> str:
    """A classic unified diff; empty when the texts have the same lines."""
    lines = difflib.unified_diff(
        split_lines(old), split_lines(new),
        fromfile=collapse_whitespace(old_label), tofile=collapse_whitespace(new_label),
        lineterm="", n=context,
    )
    return "".join(line + "\n" for line in lines)


def diff_stats(old: str, new: str) -> tuple[int, int]:
    """(lines added, lines removed)."""
    added = removed = 0
    for tag, old_start, old_end, new_start, new_end in _opcodes(
            split_lines(old), split_lines(new)):
        if tag != "equal":
            added += new_end - new_start
            removed += old_end - old_start
    return added, removed


def diff_rows(old: str, new: str, *, context: int | None = None) -> list[DiffRow]:
    """Rows for a side-by-side table. With `context`, unchanged runs keep only that many lines
    next to each change and the rest becomes one "skip" row."""
    rows = list(_all_rows(split_lines(old), split_lines(new)))
    return rows if context is None else _collapse(rows, context)


def side_by_side_html(
    old: str, new: str, *, context: int = DEFAULT_CONTEXT,
    old_label: str = "Before", new_label: str = "After", caption: str = "Changes",
) -> str:
    """A two-column table: the old text on the left, the new text on the right."""
    head = (f'<th scope="col" colspan="2">{escape(old_label)}</th>'
            f'<th scope="col" colspan="2">{escape(new_label)}</th>')
    notice = _notice_if_too_large(old, new, columns=4)
    if notice:
        return _table("diff-side-by-side", caption, head, notice)
    body = []
    for row in diff_rows(old, new, context=context):
        if row.kind == "skip":
            body.append(_skip_row(row, columns=4))
        else:
            cells = _cells(row.old_no, row.old_html) + _cells(row.new_no, row.new_html)
            body.append(f'<tr class="diff-{row.kind}">{cells}</tr>')
    return _table("diff-side-by-side", caption, head, body)


def inline_html(
    old: str, new: str, *, context: int = DEFAULT_CONTEXT,
    old_label: str = "Before", new_label: str = "After", caption: str = "Changes",
) -> str:
    """A one-column table: each change block lists its removed lines, then its added lines."""
    head = (f'<th scope="col">{escape(old_label)}</th><th scope="col">{escape(new_label)}</th>'
            '<th scope="col">Text</th>')
    notice = _notice_if_too_large(old, new, columns=3)
    if notice:
        return _table("diff-inline", caption, head, notice)
    body = []
    rows = diff_rows(old, new, context=context)
    for is_change, group in itertools.groupby(rows, key=_is_change):
        block = list(group)
        body.extend(_inline_change(block) if is_change else map(_inline_unchanged, block))
    return _table("diff-inline", caption, head, body)


def _notice_if_too_large(old: str, new: str, *, columns: int) -> list[str] | None:
    """The table's only row when the revisions are too different to list line by line."""
    if not is_too_large_to_compare(old, new):
        return None
    return [f'<tr class="diff-notice"><td colspan="{columns}">{escape(TOO_LARGE_NOTICE)}</td></tr>']


def _is_change(row: DiffRow) -> bool:
    return row.kind not in ("equal", "skip")


Opcode = tuple[str, int, int, int, int]


def _opcodes(old_lines: list[str], new_lines: list[str]) -> list[Opcode]:
    return BoundedLineMatcher(None, old_lines, new_lines).get_opcodes()


class BoundedLineMatcher(difflib.SequenceMatcher):
    """difflib's matcher in bounded time, for lines: the common start and end match directly and
    only the changed middle is searched, unless it is longer than MAX_COMPARED_LINES; then
    nothing in it matches (one replacement). Also used by the three-way merge."""

    def get_matching_blocks(self) -> list[difflib.Match]:
        if self.matching_blocks is None:
            self.matching_blocks = self._bounded_matching_blocks()
        return self.matching_blocks

    def _bounded_matching_blocks(self) -> list[difflib.Match]:
        old, new = self.a, self.b
        start, old_end, new_end = _changed_middle(old, new)
        blocks = [difflib.Match(0, 0, start)] if start else []
        if not _is_too_large(start, old_end, new_end):
            inner = difflib.SequenceMatcher(None, old[start:old_end], new[start:new_end])
            blocks += [difflib.Match(start + old_at, start + new_at, size)
                       for old_at, new_at, size in inner.get_matching_blocks() if size]
        if old_end < len(old):
            blocks.append(difflib.Match(old_end, new_end, len(old) - old_end))
        return [*blocks, difflib.Match(len(old), len(new), 0)]


def _changed_middle(old_lines: Sequence[str], new_lines: Sequence[str]) -> tuple[int, int, int]:
    """(first changed line, end of the change in the old lines, end of it in the new lines)."""
    start = _common_prefix(old_lines, new_lines)
    end = _common_prefix(old_lines[start:][::-1], new_lines[start:][::-1])
    return start, len(old_lines) - end, len(new_lines) - end


def _common_prefix(old_lines: Sequence[str], new_lines: Sequence[str]) -> int:
    count = 0
    for old_line, new_line in zip(old_lines, new_lines, strict=False):
        if old_line != new_line:
            break
        count += 1
    return count


def _is_too_large(start: int, old_end: int, new_end: int) -> bool:
    return (old_end - start) + (new_end - start) > MAX_COMPARED_LINES


def is_too_large_to_compare(old: str, new: str) -> bool:
    """True when the changed part of these texts is shown as removed, then added (see _opcodes)."""
    return _is_too_large(*_changed_middle(split_lines(old), split_lines(new)))


def _all_rows(old_lines: list[str], new_lines: list[str]) -> Iterator[DiffRow]:
    for tag, old_start, old_end, new_start, new_end in _opcodes(old_lines, new_lines):
        old_numbers = range(old_start, old_end)
        new_numbers = range(new_start, new_end)
        for old_index, new_index in itertools.zip_longest(old_numbers, new_numbers):
            old_text = old_lines[old_index] if old_index is not None else ""
            new_text = new_lines[new_index] if new_index is not None else ""
            kind = _row_kind(tag, old_index, new_index)
            old_html, new_html = _highlight(kind, old_text, new_text)
            yield DiffRow(
                kind=kind,
                old_no=None if old_index is None else old_index + 1, old_text=old_text,
                new_no=None if new_index is None else new_index + 1, new_text=new_text,
                old_html=old_html, new_html=new_html,
            )


def _row_kind(tag: str, old_index: int | None, new_index: int | None) -> str:
    if tag in ("equal", "insert", "delete"):
        return tag
    # A replaced block with more lines on one side ends in plain deletions or insertions.
    if new_index is None:
        return "delete"
    return "insert" if old_index is None else "replace"


def _highlight(kind: str, old_text: str, new_text: str) -> tuple[str, str]:
    if kind == "equal":
        return escape(old_text), escape(new_text)
    if kind == "delete":
        return _wrap("del", old_text), ""
    if kind == "insert":
        return "", _wrap("ins", new_text)
    if max(len(old_text), len(new_text)) > MAX_HIGHLIGHTED_LINE_LENGTH:
        return _wrap("del", old_text), _wrap("ins", new_text)
    return _highlight_words(old_text, new_text)


def _highlight_words(old_text: str, new_text: str) -> tuple[str, str]:
    old_tokens, new_tokens = _TOKENS_RE.findall(old_text), _TOKENS_RE.findall(new_text)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_parts, new_parts = [], []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        old_piece = "".join(old_tokens[old_start:old_end])
        new_piece = "".join(new_tokens[new_start:new_end])
        if tag == "equal":
            old_parts.append(escape(old_piece))
            new_parts.append(escape(new_piece))
        else:
            old_parts.append(_wrap("del", old_piece) if old_piece else "")
            new_parts.append(_wrap("ins", new_piece) if new_piece else "")
    return "".join(old_parts), "".join(new_parts)


def _wrap(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>"


def _collapse(rows: list[DiffRow], context: int) -> list[DiffRow]:
    collapsed: list[DiffRow] = []
    position = 0
    for is_equal, run in itertools.groupby(rows, key=lambda row: row.kind == "equal"):
        run_rows = list(run)
        if not is_equal:
            collapsed.extend(run_rows)
        else:
            at_start, at_end = position == 0, position + len(run_rows) == len(rows)
            collapsed.extend(_collapse_unchanged(run_rows, context, at_start, at_end))
        position += len(run_rows)
    return collapsed


def _collapse_unchanged(
    run: list[DiffRow], context: int, at_start: bool, at_end: bool
) -> list[DiffRow]:
    keep_before = 0 if at_start else context  # lines after the previous change
    keep_after = 0 if at_end else context  # lines before the next change
    if len(run) <= keep_before + keep_after + 1:  # hiding one line would not save a row
        return run
    hidden = run[keep_before:len(run) - keep_after]
    first = hidden[0]
    skip = DiffRow(kind="skip", old_no=first.old_no, old_text="", new_no=first.new_no,
                   new_text="", skipped=len(hidden))
    return [*run[:keep_before], skip, *run[len(run) - keep_after:]]


def _cells(number: int | None, content: str) -> str:
    if number is None:
        return '<td class="diff-line-number"></td><td class="diff-text diff-empty"></td>'
    return f'<td class="diff-line-number">{number}</td><td class="diff-text">{content}</td>'


def _skip_row(row: DiffRow, columns: int) -> str:
    noun = "line" if row.skipped == 1 else "lines"
    return (f'<tr class="diff-skip"><td colspan="{columns}">'
            f"… {row.skipped} unchanged {noun}</td></tr>")


def _inline_unchanged(row: DiffRow) -> str:
    if row.kind == "skip":
        return _skip_row(row, columns=3)
    return (f'<tr class="diff-equal"><td class="diff-line-number">{row.old_no}</td>'
            f'<td class="diff-line-number">{row.new_no}</td>'
            f'<td class="diff-text">{row.old_html}</td></tr>')


def _inline_change(block: list[DiffRow]) -> Iterable[str]:
    removed = [(row.old_no, row.old_html) for row in block if row.old_no is not None]
    added = [(row.new_no, row.new_html) for row in block if row.new_no is not None]
    for number, content in removed:
        yield (f'<tr class="diff-delete"><td class="diff-line-number">{number}</td>'
               f'<td class="diff-line-number"></td><td class="diff-text">{content}</td></tr>')
    for number, content in added:
        yield (f'<tr class="diff-insert"><td class="diff-line-number"></td>'
               f'<td class="diff-line-number">{number}</td>'
               f'<td class="diff-text">{content}</td></tr>')


def _table(kind_class: str, caption: str, head: str, body: list[str]) -> str:
    rows = "\n".join(body)
    return (f'<table class="diff {kind_class}">\n<caption>{escape(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>")
