"""Snippets: an escaped window of a document's text from its first match on, matches in <mark>.

Matches are found by scanning the stored text with the index's own tokenizer, and stemming only
words that start like a query term (stemming costs ~35 microseconds a word, the rest ~0.3), up to
the end of the window. Word by word, the first match is looked for in the first SCAN_CHARS only;
past them, from the first place a term's letters appear at all (as postgres_search does), so one
hit costs a few milliseconds however long its text. Reading character offsets from Whoosh's postings
instead cost more as the index grew, and made the index 15% larger.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache

from globe.search.base import DESCRIPTION_END, other_forms_of
from globe.search.whoosh_schema import analyze, word_char

SNIPPET_CHARS = 240
SCAN_CHARS = 20_000             # of a text, searched word by word for its first match
DEEP_TERMS = 16                 # terms looked for as plain letters past SCAN_CHARS
_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=100_000)
def _term(word: str) -> str | None:
    terms = analyze(word)
    return terms[0] if len(terms) == 1 else None


@lru_cache(maxsize=512)
def _words_starting_with(initials: frozenset[str]) -> re.Pattern[str]:
    """Whole words, split as the tokenizer splits them, whose first letter folds to one of `initials`.

    Letting the regex engine skip every other word makes a snippet of a long text ~20x faster
    than looking at each word in Python.
    """
    chars = "".join(initial + other_forms_of(initial) for initial in sorted(initials))
    word = word_char()
    first = "[" + "".join(re.escape(char) for char in chars) + "]" if chars else "(?!)"
    # The first letter comes first so the engine only looks behind where such a letter stands.
    return re.compile(f"{first}(?<!{word}.)(?<!{word}\\..){word}*(?:\\.{word}+)*")


def iter_matches(text: str, terms: frozenset[str], start: int = 0,
                 stop: int = SCAN_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of every word of `text[start:stop]` that the analyzer turns into one of `terms`."""
    # English stemming only changes endings, so a word can only become a term with its initial.
    words = _words_starting_with(frozenset(term[:1] for term in terms))
    for found in words.finditer(text, start, min(stop, len(text))):
        if _term(found.group()) in terms:
            yield found.span()


def surface_word(text: str, term: str) -> str | None:
    """How `text` writes a word that the analyzer turns into `term` (within its first SCAN_CHARS)."""
    span = next(iter_matches(text, frozenset({term})), None)
    return text[span[0]:span[1]].lower() if span else None


def snippet_html(text: str, terms: frozenset[str]) -> str:
    """A window from just before the first match, or "" when the text holds none."""
    first = _first_match(text, terms)
    if first is None:
        return ""
    lower, upper = _part_around(text, first[0])
    start, stop = _window(text, first[0], lower, upper)
    pieces, cursor = [], start
    for match_start, match_end in iter_matches(text, terms, first[0], stop):
        pieces += [_escape(text[cursor:match_start]), f"<mark>{_escape(text[match_start:match_end])}</mark>"]
        cursor = match_end
    pieces.append(_escape(text[cursor:stop]))
    return ("…" if start > lower else "") + "".join(pieces).strip() + ("…" if stop < upper else "")


def _first_match(text: str, terms: frozenset[str]) -> tuple[int, int] | None:
    first = next(iter_matches(text, terms), None)
    if first is not None or len(text) <= SCAN_CHARS:
        return first
    lowered = text.lower()
    found = [at for at in (lowered.find(term, SCAN_CHARS) for term in sorted(terms)[:DEEP_TERMS]) if at >= 0]
    if not found:
        return None
    start = text.rfind(" ", 0, max(min(found) - 100, 0)) + 1   # lower() may have moved letters a little
    return next(iter_matches(text, terms, start, start + SCAN_CHARS), None)


def _part_around(text: str, anchor: int) -> tuple[int, int]:
    """The description or the body, whichever `anchor` is in (see base.DESCRIPTION_END)."""
    end = text.find(DESCRIPTION_END)
    if end < 0:
        return 0, len(text)
    return (0, end) if anchor < end else (end + 1, len(text))


def _window(text: str, anchor: int, lower: int, upper: int) -> tuple[int, int]:
    """SNIPPET_CHARS of text[lower:upper] around `anchor`, widened or narrowed to whole words."""
    start = max(lower, anchor - SNIPPET_CHARS // 4)
    if start > lower:
        start = max(text.rfind(" ", lower, start) + 1, lower)
    stop = min(upper, start + SNIPPET_CHARS)
    if stop < upper and " " in text[stop - 30:stop]:
        stop = text.rfind(" ", stop - 30, stop)
    return start, stop


def _escape(text: str) -> str:
    return html.escape(_WHITESPACE.sub(" ", text))
