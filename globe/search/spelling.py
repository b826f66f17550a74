"""The bounds of "did you mean", the same for every backend: which words it tries, how many, how long.

A search that finds nothing is exactly the one a hostile request makes (a 10,000-letter word, 200
random words), so the suggestion step must cost little whatever the input: only words of a length
a typo has are corrected, at most MAX_CORRECTED_WORDS of them, and none after BUDGET_SECONDS (which
each backend's search for nearby words also watches).
"""
from __future__ import annotations

import time
from collections.abc import Callable

from globe.search import query_syntax as qs

MIN_WORD_CHARS = 3              # "teh" -> "the"; shorter words have too many neighbours to guess
MAX_WORD_CHARS = 30             # longer than any word a teacher misspells
MAX_DISTANCE = 2                # edits between a word and its correction
MAX_CORRECTED_WORDS = 4         # unknown words one suggestion tries to correct
BUDGET_SECONDS = 0.5            # no further word is tried once this is spent


def is_correctable(word: qs.Word) -> bool:
    """Whether `word` is worth looking up nearby words for."""
    return MIN_WORD_CHARS <= len(word.text) <= MAX_WORD_CHARS


def is_past(deadline: float) -> bool:
    """Whether the time.monotonic() `deadline` has passed."""
    return time.monotonic() > deadline


def suggestion(node: qs.Node, *, is_known: Callable[[qs.Word], bool],
               correct: Callable[[qs.Word, float], qs.Word | None],
               finds_anything: Callable[[qs.Node], bool]) -> str | None:
    """The query with its unknown words corrected, if that finds something (else None).

    `is_known(word)` tells whether the viewer's documents hold a word, `correct(word, deadline)`
    proposes a nearby word they hold (giving up at time.monotonic() `deadline`), and
    `finds_anything(tree)` checks the corrected query with its filters.
    """
    deadline = time.monotonic() + BUDGET_SECONDS
    replacements: dict[qs.Word, qs.Word] = {}
    tried = 0
    for word in dict.fromkeys(qs.plain_words(node)):
        if tried == MAX_CORRECTED_WORDS or is_past(deadline):
            break
        if not is_correctable(word) or is_known(word):
            continue
        tried += 1
        correction = correct(word, deadline)
        if correction is not None:
            replacements[word] = correction
    if not replacements:
        return None
    corrected = qs.replace_words(node, replacements)
    return qs.render(corrected) if finds_anything(corrected) else None
