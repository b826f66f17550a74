"""Relevance order of an exact match set: BM25 with field weights, over cached postings.

Whoosh's own collector scores every match through several Python calls and a column read
(~8 microseconds each: 400 ms for a word in 50,000 documents), and its block-max skipping
rarely helps on ordinary text. Here one tight loop per query term scores only the visible
matches, with Whoosh's BM25 formula and boosted weights. Statistics (idf, the typical length)
never count documents the viewer cannot see: a score must not reveal that a private document
holds a word.
"""
from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import islice
from math import log

from globe.search.whoosh_cache import iter_bits, membership
from globe.search.whoosh_results import MatchSet, SegmentMatch

K1, B = 1.2, 0.75                      # whoosh.scoring.BM25F defaults
FIELD_BOOSTS = {"title": 3.0, "tags_text": 2.0, "body": 1.0}
LENGTH_NORMALIZED_FIELD = "body"       # titles and tags are short: their length says little
TYPICAL_BODY_WORDS = 400               # stands in for the corpus average, which private documents sway
LOOKUP_COST = 12                       # a binary search costs about as much as scanning 12 postings


def ranked(matches: MatchSet, terms: Iterable[tuple[str, str]], start: int,
           stop: int) -> list[tuple[int, float]]:
    """(global docnum, score) of matches start..stop: best first, unscored matches newest first."""
    weights = {pair: FIELD_BOOSTS[pair[0]] * _visible_idf(matches, *pair) * (K1 + 1)
               for pair in dict.fromkeys(terms)}
    best: list[tuple[float, int]] = []
    scored_count = 0
    for segment in matches.segments:
        if segment.bits:
            scores = _segment_scores(segment, weights)
            scored_count += len(scores)
            # Ties go to the lower document number, so pages never overlap or skip.
            offset = segment.offset
            best.extend(heapq.nlargest(stop, ((score, -(offset + d)) for d, score in scores.items())))
    best = heapq.nlargest(stop, best)
    page = [(-negated, score) for score, negated in best[start:stop]]
    if len(page) < stop - start and scored_count < matches.total:
        # Matches without a scored word (through `word OR level:b1`) follow, newest first.
        scored = {-negated for _, negated in best}
        rest = (d for d in matches.iter_newest() if d not in scored)
        page += [(d, 0.0) for d in islice(rest, max(0, start - len(best)), stop - len(best))]
    return page


def _visible_idf(matches: MatchSet, field: str, term: str) -> float:
    """Whoosh's idf, log(N / (df + 1)) + 1, over the documents the viewer may see."""
    visible = holding = 0
    for segment in matches.segments:
        visible += segment.visible.bit_count()
        term_bits = segment.cache.term(segment.searcher.reader(), field, term)
        holding += (term_bits & segment.visible).bit_count()
    return log(visible / (holding + 1)) + 1


def _segment_scores(segment: SegmentMatch, weights: dict[tuple[str, str], float]) -> dict[int, float]:
    reader = segment.searcher.reader()
    cache = segment.cache
    norms = cache.once("bm25-norms", lambda: array("d", (
        K1 * ((1 - B) + B * length / TYPICAL_BODY_WORDS)
        for length in cache.column(reader, "body_len"))))
    matched = segment.bits.bit_count()
    members = membership(segment.bits, cache.size)
    matched_ids: list[int] | None = None
    scores: dict[int, float] = {}
    for (field, term), weight in weights.items():
        ids, tfs = cache.postings(reader, field, term)
        if matched * LOOKUP_COST < len(ids):
            # Far fewer matches than postings (words ANDed together): look each match up.
            if matched_ids is None:
                matched_ids = list(iter_bits(segment.bits))
            pairs = _lookup(ids, tfs, matched_ids)
        else:
            pairs = ((d, tf) for d, tf in zip(ids, tfs, strict=True) if members[d >> 3] >> (d & 7) & 1)
        get = scores.get
        if field == LENGTH_NORMALIZED_FIELD:
            for d, tf in pairs:
                scores[d] = get(d, 0.0) + weight * tf / (tf + norms[d])
        else:
            for d, tf in pairs:
                scores[d] = get(d, 0.0) + weight * tf / (tf + K1)
    return scores


def _lookup(ids: array, tfs: array, wanted: list[int]) -> Iterator[tuple[int, float]]:
    """(docnum, term frequency) of the `wanted` documents that hold the term (ids are sorted)."""
    size = len(ids)
    for d in wanted:
        i = bisect_left(ids, d)
        if i < size and ids[i] == d:
            yield d, tfs[i]
