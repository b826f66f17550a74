"""Spelling suggestions ("did you mean") on a Whoosh index: nearby indexed words that a
document the viewer may see holds.

Whoosh's own corrector measures the edit distance to every indexed word with the same first letter,
in Python and whatever their length (6 s for one 500-letter word on 5,000 documents); here only
words of a length within reach are measured, with a distance that gives up once out of reach, and
at most MAX_SCANNED_TERMS words are looked at per probe, none past the suggestion's deadline.
"""
from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from whoosh.reading import IndexReader
from whoosh.support.levenshtein import damerau_levenshtein

from globe.search import query_syntax as qs
from globe.search import spelling
from globe.search.base import fold
from globe.search.whoosh_queries import AnyTerm, Planner
from globe.search.whoosh_schema import analyze, stored_body
from globe.search.whoosh_snippets import surface_word

if TYPE_CHECKING:
    from globe.search.whoosh_search import Scope

SUGGESTION_CANDIDATES = 8       # nearest words checked for visibility, per distance and field
MAX_SCANNED_TERMS = 20_000      # index words with the probe's first letter looked at
DEADLINE_EVERY = 256            # words read between two looks at the clock
MAX_RANKED = 1_000              # nearby words ranked by frequency, per distance


def suggest(scope: Scope, planner: Planner, node: qs.Node) -> str | None:
    """A corrected query, offered only if it finds something THIS viewer may see."""
    return spelling.suggestion(
        node,
        is_known=lambda word: bool(scope.match(planner.plan(word), filtered=False).total),
        correct=lambda word, deadline: _correction(scope, word, deadline),
        finds_anything=lambda corrected: bool(scope.match(planner.plan(corrected)).total))


def _correction(scope: Scope, word: qs.Word, deadline: float) -> qs.Word | None:
    """The nearest indexed word that a visible document contains, as that document writes it.

    Candidates come from every indexed word, private documents' included: one is used only if a
    visible document holds it, and its spelling is copied from that document.
    """
    stems = analyze(word.text)
    if len(stems) != 1:
        return None
    reader = scope.searcher.reader()
    probes = (("spelling", fold(word.text)), ("body", stems[0]))
    nearby: dict[str, list[list[str]]] = {}     # the body's many words are read only if needed
    for distance in range(spelling.MAX_DISTANCE):
        for field, probe in probes:
            if field not in nearby:
                nearby[field] = nearby_terms(reader, field, probe, deadline)
            for candidate in nearby[field][distance]:
                if scope.holds(field, candidate):
                    return _as_written(scope, word, field, candidate)
    return None


def nearby_terms(reader: IndexReader, field: str, probe: str, deadline: float) -> list[list[str]]:
    """Indexed words of `field` at distance 1, 2, ... of `probe` (same first letter), each list
    the SUGGESTION_CANDIDATES most frequent, among those read by `deadline`."""
    limit = spelling.MAX_DISTANCE
    found: list[list[str]] = [[] for _ in range(limit)]
    scanned = islice(reader.expand_prefix(field, probe[:1]), MAX_SCANNED_TERMS)
    for count, raw in enumerate(scanned):
        if count % DEADLINE_EVERY == 0 and spelling.is_past(deadline):
            break
        term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if term == probe or abs(len(term) - len(probe)) > limit:
            continue
        distance = damerau_levenshtein(term, probe, limit)
        if distance <= limit and len(found[distance - 1]) < MAX_RANKED:
            found[distance - 1].append(term)
    return [sorted(terms, key=lambda term: (-reader.frequency(field, term), term))[:SUGGESTION_CANDIDATES]
            for terms in found]


def _as_written(scope: Scope, word: qs.Word, field: str, candidate: str) -> qs.Word | None:
    if field == "spelling":
        return qs.Word(candidate, word.field)
    holder = scope.match(AnyTerm(((field, candidate),)), filtered=False).first()
    written = surface_word(stored_body(scope.searcher.stored_fields(holder)), candidate)
    return qs.Word(written, word.field) if written else None
