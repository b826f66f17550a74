"""Relevance order of an exact match set: BM25 with field weights, over cached postings.

Whoosh's own collector scores every match through several Python calls and a column read
(~8 microseconds each: 400 ms for a word in 50,000 documents), and its block-max skipping
rarely helps on ordinary text. Here one NumPy step per query term scores only the visible
matches, with Whoosh's BM25 formula and boosted weights. Statistics (idf, the typical length)
never count documents the viewer cannot see: a score must not reveal that a private document
holds a word.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from itertools import islice
from math import log

import numpy as np

from globe.search.whoosh_cache import membership
from globe.search.whoosh_results import MatchSet, SegmentMatch

K1, B = 1.2, 0.75                      # whoosh.scoring.BM25F defaults
FIELD_BOOSTS = {"title": 3.0, "tags_text": 2.0, "body": 1.0}
LENGTH_NORMALIZED_FIELD = "body"       # titles and tags are short: their length says little
TYPICAL_BODY_WORDS = 400               # stands in for the corpus average, which private documents sway


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
            scored = np.flatnonzero(scores)
            scored_count += len(scored)
            # Ties go to the lower document number, so pages never overlap or skip.
            top = _best(scored, scores[scored], stop)
            best.extend((float(scores[d]), -(segment.offset + int(d))) for d in top)
    best = heapq.nlargest(stop, best)
    page = [(-negated, score) for score, negated in best[start:stop]]
    if len(page) < stop - start and scored_count < matches.total:
        # Matches without a scored word (through `word OR level:b1`) follow, newest first.
        scored_docs = {-negated for _, negated in best}
        rest = (d for d in matches.iter_newest() if d not in scored_docs)
        page += [(d, 0.0) for d in islice(rest, max(0, start - len(best)), stop - len(best))]
    return page


def _best(docs: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The `count` best of `docs` by score, ties to the lower document number, best first."""
    if len(docs) > count:
        kth = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = scores >= kth                 # every tie at the cut stays in, for the order below
        docs, scores = docs[keep], scores[keep]
    return docs[np.lexsort((docs, -scores))][:count]


def _visible_idf(matches: MatchSet, field: str, term: str) -> float:
    """Whoosh's idf, log(N / (df + 1)) + 1, over the documents the viewer may see."""
    visible = holding = 0
    for segment in matches.segments:
        visible += segment.visible.bit_count()
        term_bits = segment.cache.term(segment.searcher.reader(), field, term)
        holding += (term_bits & segment.visible).bit_count()
    return log(visible / (holding + 1)) + 1


def _segment_scores(segment: SegmentMatch, weights: dict[tuple[str, str], float]) -> np.ndarray:
    """BM25 score of every document of the segment (0 where no scored word matched), vectorized:
    each term's postings are filtered by the match set and added in one NumPy step."""
    reader = segment.searcher.reader()
    cache = segment.cache
    norms = cache.once("bm25-norms", lambda: K1 * ((1 - B) + B * np.asarray(
        cache.column(reader, "body_len"), dtype=np.float64) / TYPICAL_BODY_WORDS))
    matched = np.unpackbits(np.frombuffer(membership(segment.bits, cache.size), dtype=np.uint8),
                            bitorder="little")[:cache.size].astype(bool)
    scores = np.zeros(cache.size)
    for (field, term), weight in weights.items():
        ids, tfs = cache.postings(reader, field, term)
        ids, tfs = np.asarray(ids), np.asarray(tfs)          # the cached arrays' memory, not a copy
        keep = matched[ids]
        docs, freqs = ids[keep], tfs[keep]
        saturation = norms[docs] if field == LENGTH_NORMALIZED_FIELD else K1
        scores[docs] += weight * freqs / (freqs + saturation)   # a term lists each document once
    return scores
