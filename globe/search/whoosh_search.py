"""Answering one query on an open Whoosh searcher: match, count, rank, snippet and suggest."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from whoosh.searching import Searcher

from globe.search.base import PreparedQuery, SearchHit, SearchResults
from globe.search.whoosh_cache import IndexCache, SegmentCache, union
from globe.search.whoosh_queries import (
    Plan,
    Planner,
    SegmentMatcher,
    highlight_terms,
    scored_terms,
)
from globe.search.whoosh_ranking import ranked
from globe.search.whoosh_results import MatchSet, SegmentMatch, make_hit
from globe.search.whoosh_schema import stored_body
from globe.search.whoosh_snippets import snippet_html
from globe.search.whoosh_spelling import suggest


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
