"""A bound on the work one Markdown parse may do, so that no page of any shape is costly to save
or view. markdown-it is linear but slow per step (about 10-25 µs for each block, inline rule
attempt or emphasis marker); once a page has used its budget, the rest is shown as typed.

Budgets count steps, not seconds, so a page renders the same on every machine and every time.
Figures and the reasons for these numbers: "Hostile Markdown" in docs/benchmarks.md."""
from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import table as markdown_it_table
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

MAX_LINES = 16_000  # lines with Markdown structure; later ones are shown as typed
MAX_BLOCKS = 8_000  # paragraphs, headings, list items, ... of one page
MAX_INLINE_STEPS = 110_000  # positions where inline rules were tried, over the whole page
MAX_TABLE_ROWS = 500  # rows of one table; later rows are shown as a paragraph of text
MAX_DELIMITER_RUN = 32  # a longer run of * _ or ~ cannot be emphasis anyone meant

_BUDGET = "globe_work_budget"  # key of the WorkBudget in markdown-it's per-parse `env`
_TAIL = "globe_unparsed_tail"  # the lines past MAX_LINES, kept aside during the block parse
_DELIMITER_RUN_RE = re.compile(r"\*+|_+|~+")


@dataclass
class WorkBudget:
    """What is left of one parse's budget."""

    blocks: int
    inline_steps: int


def bound_work(parser: MarkdownIt) -> None:
    """Install the budget rules on a parser (before every other rule, so they see all work)."""
    parser.core.ruler.before("block", "set_aside_long_tail", _set_aside_long_tail)
    parser.core.ruler.after("block", "show_long_tail_as_typed", _show_long_tail_as_typed)
    parser.block.ruler.before("table", "work_budget", _block_budget)
    parser.inline.ruler.before("text", "work_budget", _inline_budget)
    parser.inline.ruler.before("emphasis", "long_delimiter_run", _long_delimiter_run)
    _cap_table_rows(parser)


def _budget(env: dict) -> WorkBudget:
    budget = env.get(_BUDGET)
    if budget is None:
        budget = env[_BUDGET] = WorkBudget(blocks=MAX_BLOCKS, inline_steps=MAX_INLINE_STEPS)
    return budget


def _set_aside_long_tail(state: StateCore) -> None:
    # Block rules cost some microseconds per line (a paragraph checks at each line whether
    # another block starts), so only the first MAX_LINES lines are parsed as Markdown.
    cut = _nth_newline(state.src, MAX_LINES)
    if cut is not None:
        state.src, state.env[_TAIL] = state.src[:cut + 1], state.src[cut + 1:]


def _nth_newline(text: str, count: int) -> int | None:
    position = -1
    for _ in range(count):
        position = text.find("\n", position + 1)
        if position < 0:
            return None
    return position if position < len(text) - 1 else None


def _show_long_tail_as_typed(state: StateCore) -> None:
    tail = state.env.pop(_TAIL, None)
    if tail:
        state.tokens.append(Token("code_block", "code", 0, content=tail, block=True))


def _block_budget(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    budget = _budget(state.env)
    budget.blocks -= 1
    if budget.blocks >= 0 or silent:
        return False
    token = state.push("code_block", "code", 0)
    token.content = state.getLines(start_line, end_line, state.blkIndent, True)
    token.map = [start_line, end_line]
    state.line = end_line
    return True


def _inline_budget(state: StateInline, silent: bool) -> bool:
    budget = _budget(state.env)
    budget.inline_steps -= 1
    if budget.inline_steps >= 0:
        return False
    if not silent:
        state.pending += state.src[state.pos:state.posMax]
    state.pos = state.posMax
    return True


def _long_delimiter_run(state: StateInline, silent: bool) -> bool:
    match = _DELIMITER_RUN_RE.match(state.src, state.pos, state.posMax)
    if match is None or len(match.group()) <= MAX_DELIMITER_RUN:
        return False
    if not silent:
        state.pending += match.group()
    state.pos = match.end()
    return True


def _cap_table_rows(parser: MarkdownIt) -> None:
    def capped_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        last_line = start_line + 2 + MAX_TABLE_ROWS  # header, delimiter row, body rows
        return markdown_it_table(state, start_line, min(end_line, last_line), silent)

    parser.block.ruler.at("table", capped_table, {"alt": ["paragraph", "reference"]})
