"""The visible matches of one query: their count, facet counts, date order, and display hits."""
from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from whoosh.searching import Searcher

from globe.search.base import FACETS, SearchHit
from globe.search.whoosh_cache import SegmentCache, iter_bits, membership, union
from globe.search.whoosh_schema import stored_facets, stored_updated

FACET_VALUE_LIMIT = 50
SMALL_MATCH = 2_000          # below this many matches, sorting them beats scanning the date order


@dataclass
class SegmentMatch:
    """The matches inside one segment; `offset` turns its document numbers into global ones."""
    searcher: Searcher
    offset: int
    cache: SegmentCache
    bits: int           # visible documents that match the query and the filters
    visible: int        # every document the viewer may see


class MatchSet:
    """Every visible match of one query, split by segment."""

    def __init__(self, segments: list[SegmentMatch]):
        self.segments = segments
        self.total = sum(segment.bits.bit_count() for segment in segments)

    def facet_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
        for segment in self.segments:
            if not segment.bits:
                continue
            reader = segment.searcher.reader()
            for facet in FACETS:
                counts[facet].update(dict(segment.cache.facet(reader, facet).counts(segment.bits)))
        return {facet: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUE_LIMIT])
                for facet, c in counts.items()}

    def holding(self, docnums: Iterable[int], field: str, terms: Iterable[str]) -> set[int]:
        """Those of `docnums` (global numbers) whose `field` holds at least one of `terms`."""
        found: set[int] = set()
        wanted = sorted(docnums)
        for segment in self.segments:
            local = [d - segment.offset for d in wanted if 0 <= d - segment.offset < segment.cache.size]
            if local:
                reader = segment.searcher.reader()
                bits = union(segment.cache.term(reader, field, term) for term in terms)
                found.update(segment.offset + d for d in local if bits >> d & 1)
        return found

    def first(self) -> int | None:
        """Any one match's global document number."""
        for segment in self.segments:
            if segment.bits:
                return segment.offset + (segment.bits & -segment.bits).bit_length() - 1
        return None

    def newest(self, start: int, stop: int) -> list[int]:
        """Global document numbers of matches start..stop, newest first."""
        return list(islice(self.iter_newest(), start, stop))

    def iter_newest(self) -> Iterator[int]:
        streams = [self._segment_newest(segment) for segment in self.segments if segment.bits]
        return (docnum for _, docnum in heapq.merge(*streams))

    @staticmethod
    def _segment_newest(segment: SegmentMatch):
        reader = segment.searcher.reader()
        stamps = segment.cache.column(reader, "updated")
        if segment.bits.bit_count() <= SMALL_MATCH:
            local = sorted(iter_bits(segment.bits), key=lambda d: -stamps[d])
        else:
            members = membership(segment.bits, segment.cache.size)
            order = segment.cache.once("newest-first", lambda: array("I", sorted(
                range(segment.cache.size), key=stamps.__getitem__, reverse=True)))
            local = (d for d in order if members[d >> 3] >> (d & 7) & 1)
        return ((-stamps[d], segment.offset + d) for d in local)


def make_hit(stored: dict[str, Any], score: float, snippet_html: str) -> SearchHit:
    facets = stored_facets(stored)
    return SearchHit(
        doc_id=stored["doc_id"],
        kind=facets["kind"][0] if facets["kind"] else "",
        object_id=stored.get("object_id") or 0,
        title=stored.get("title") or "",
        url=stored.get("url") or "",
        community_slug=facets["community"][0] if facets["community"] else None,
        community_name=stored.get("community_name"),
        updated=stored_updated(stored),
        snippet_html=snippet_html,
        summary=stored.get("summary") or "",
        score=score,
        fields=facets,
    )
