"""Answering one query on an open Whoosh searcher: match, count, rank, snippet and suggest."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from whoosh.searching import Searcher

from globe.search import query_syntax as qs
from globe.search.base import PreparedQuery, SearchHit, SearchResults, fold
from globe.search.whoosh_cache import IndexCache, SegmentCache, union
from globe.search.whoosh_queries import (
    AnyTerm,
    Plan,
    Planner,
    SegmentMatcher,
    highlight_terms,
    scored_terms,
)
from globe.search.whoosh_ranking import ranked
from globe.search.whoosh_results import MatchSet, SegmentMatch, make_hit
from globe.search.whoosh_schema import analyze, stored_body
from globe.search.whoosh_snippets import snippet_html, surface_word

SUGGESTION_CANDIDATES = 8


class _Segment(NamedTuple):
    searcher: Searcher
    offset: int
    cache: SegmentCache
    visible: int            # live documents the viewer may see
    filtered: int           # ... that the query's filters also accept


class Scope:
    """What one viewer may see in every segment: the ground every count, word and score stands on."""

    def __init__(self, searcher: Searcher, cache: IndexCache, principals: Iterable[str],
                 filters: Mapping[str, tuple[str, ...]]):
        self.searcher = searcher
        self._segments: list[_Segment] = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.doc_count_all() == 0:
                continue
            segment = cache.for_reader(reader)
            visible = segment.live(reader) & union(segment.term(reader, "principals", p) for p in principals)
            filtered = visible
            for facet, values in filters.items():
                filtered &= union(map(segment.facet(reader, facet).bits, values))
            self._segments.append(_Segment(leaf, offset, segment, visible, filtered))

    def match(self, plan: Plan | None, *, filtered: bool = True) -> MatchSet:
        """Visible documents matching `plan` (and the filters, unless filtered=False)."""
        matches = []
        for leaf, offset, segment, visible, filtered_bits in self._segments:
            allowed = filtered_bits if filtered else visible
            bits = SegmentMatcher(leaf, segment, allowed).bits(plan) if allowed else 0
            matches.append(SegmentMatch(leaf, offset, segment, bits, visible))
        return MatchSet(matches)

    def holds(self, field: str, term: str) -> bool:
        """Whether a document the viewer may see holds `term` in `field`."""
        return any(segment.cache.term(segment.searcher.reader(), field, term) & segment.visible
                   for segment in self._segments)


def answer(searcher: Searcher, cache: IndexCache, request: PreparedQuery,
           common: frozenset[str] = frozenset()) -> SearchResults:
    scope = Scope(searcher, cache, request.principals, request.filters)
    planner = Planner(searcher.reader(), scope.holds, common)
    plan = planner.plan(request.parsed.node)
    matches = scope.match(plan)
    hits = _page(searcher, matches, plan, request) if request.start < matches.total else []
    suggestion = None
    if matches.total == 0 and request.parsed.node is not None:
        suggestion = suggest(scope, planner, request.parsed.node)
    return SearchResults(
        total=matches.total, page=request.page, per_page=request.per_page, hits=hits,
        facets=matches.facet_counts() if request.facets else {},
        suggestion=suggestion,
        notices=list(dict.fromkeys((*request.parsed.notices, *request.notices, *planner.notices))),
    )


def _page(searcher: Searcher, matches: MatchSet, plan: Plan | None,
          request: PreparedQuery) -> list[SearchHit]:
    start, stop = request.start, request.start + request.per_page
    terms = scored_terms(plan)
    if request.sort == "newest" or not terms:
        ordered = [(docnum, 0.0) for docnum in matches.newest(start, stop)]
    else:
        ordered = ranked(matches, terms, start, stop)
    marked = highlight_terms(plan) if request.highlight else frozenset()
    # A match through its title alone has nothing to mark in its body: don't read all of it.
    with_marks = matches.holding([docnum for docnum, _ in ordered], "body", marked) if marked else set()
    hits = []
    for docnum, score in ordered:
        stored = searcher.stored_fields(docnum)
        snippet = snippet_html(stored_body(stored), marked) if docnum in with_marks else ""
        hits.append(make_hit(stored, score, snippet))
    return hits


def suggest(scope: Scope, planner: Planner, node: qs.Node) -> str | None:
    """A corrected query, offered only if it finds something THIS viewer may see.

    Whoosh's corrector proposes indexed terms, private documents' included; a candidate is only
    used if a visible document holds it, and its spelling is copied from that document.
    """
    replacements: dict[qs.Word, qs.Word] = {}
    for word in qs.plain_words(node):
        if not scope.match(planner.plan(word), filtered=False).total:
            correction = _correction(scope, word)
            if correction:
                replacements[word] = correction
    if not replacements:
        return None
    corrected = qs.replace_words(node, replacements)
    return qs.render(corrected) if scope.match(planner.plan(corrected)).total else None


def _correction(scope: Scope, word: qs.Word) -> qs.Word | None:
    """The nearest indexed word that a visible document contains, as that document writes it."""
    stems = analyze(word.text)
    if len(stems) != 1:
        return None
    probes = {"spelling": fold(word.text), "body": stems[0]}
    reader = scope.searcher.reader()
    for maxdist in (1, 2):
        for field, probe in probes.items():
            for candidate in reader.corrector(field).suggest(probe, limit=SUGGESTION_CANDIDATES,
                                                             maxdist=maxdist, prefix=1):
                if not scope.holds(field, candidate):
                    continue
                if field == "spelling":
                    return qs.Word(candidate, word.field)
                holder = scope.match(AnyTerm(((field, candidate),)), filtered=False).first()
                text = stored_body(scope.searcher.stored_fields(holder))
                written = surface_word(text, candidate)
                return qs.Word(written, word.field) if written else None
    return None
