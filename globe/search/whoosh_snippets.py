"""Snippets: an escaped window of a document's text from its first match on, matches in <mark>.

Matches are found by scanning the stored text with the index's own tokenizer, and stemming only
words that start like a query term (stemming costs ~35 microseconds a word, the rest ~0.3), up to
the end of the window. Reading character offsets from Whoosh's postings instead cost more as the
index grew, and made the index 15% larger.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain, takewhile

from globe.search.base import other_forms_of
from globe.search.whoosh_schema import analyze, word_char

SNIPPET_CHARS = 240
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


def iter_matches(text: str, terms: frozenset[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of every word of `text` that the analyzer turns into one of `terms`."""
    # English stemming only changes endings, so a word can only become a term with its initial.
    for found in _words_starting_with(frozenset(term[:1] for term in terms)).finditer(text):
        if _term(found.group()) in terms:
            yield found.span()


def surface_word(text: str, term: str) -> str | None:
    """How `text` writes a word that the analyzer turns into `term`."""
    span = next(iter_matches(text, frozenset({term})), None)
    return text[span[0]:span[1]].lower() if span else None


def snippet_html(text: str, terms: frozenset[str]) -> str:
    """A window from just before the first match, or "" when the text holds none."""
    matches = iter_matches(text, terms)
    first = next(matches, None)
    if first is None:
        return ""
    start, stop = _window(text, first[0])
    pieces, cursor = [], start
    for match_start, match_end in chain([first], takewhile(lambda span: span[1] <= stop, matches)):
        pieces += [_escape(text[cursor:match_start]), f"<mark>{_escape(text[match_start:match_end])}</mark>"]
        cursor = match_end
    pieces.append(_escape(text[cursor:stop]))
    return ("…" if start else "") + "".join(pieces).strip() + ("…" if stop < len(text) else "")


def _window(text: str, anchor: int) -> tuple[int, int]:
    """SNIPPET_CHARS around `anchor`, widened or narrowed to whole words."""
    start = max(0, anchor - SNIPPET_CHARS // 4)
    if start:
        start = text.rfind(" ", 0, start) + 1
    stop = min(len(text), start + SNIPPET_CHARS)
    if stop < len(text) and " " in text[stop - 30:stop]:
        stop = text.rfind(" ", stop - 30, stop)
    return start, stop


def _escape(text: str) -> str:
    return html.escape(_WHITESPACE.sub(" ", text))
