"""Translating a parsed query into index terms, and evaluating it to an exact bitset per segment."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from globe.search import query_syntax as qs
from globe.search.base import fold, normalize_facet_value
from globe.search.whoosh_cache import SegmentCache, bits_from_ids, phrase_ids, union
from globe.search.whoosh_schema import (
    PAIRS_FIELD,
    POSITIONS_FIELD,
    TEXT_FIELDS,
    analyze,
    word_pairs,
)

MAX_PREFIX_TERMS = 64
MAX_PREFIX_SCAN = 1_000        # index words looked at per prefix and field


@dataclass(frozen=True)
class AnyTerm:
    """Matches documents holding any of these (field, term) pairs."""
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AnyPhrase:
    """Matches documents holding any of these (field, consecutive terms) phrases; `pairs` are the
    phrase's indexed pairs of common words (PAIRS_FIELD), which only the body has."""
    phrases: tuple[tuple[str, tuple[str, ...]], ...]
    pairs: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetTerm:
    facet: str
    value: str


Leaf = AnyTerm | AnyPhrase | FacetTerm
Plan = Leaf | qs.Not | qs.And | qs.Or


class Planner:
    """Analyzes the words of a parsed query once, before any segment is visited.

    `holds(field, term)` tells whether the viewer may see a document holding the term: prefixes
    only expand to such terms, so a private document's words neither match nor crowd out the
    viewer's own words from the limited expansion.
    """

    def __init__(self, reader: IndexReader, holds: Callable[[str, str], bool],
                 common: frozenset[str] = frozenset()):
        self.reader = reader
        self.holds = holds
        self.common = common
        self.notices: list[str] = []

    def plan(self, node: qs.Node | None) -> Plan | None:
        if isinstance(node, qs.Not):
            inner = self.plan(node.node)
            return qs.Not(inner) if inner is not None else None
        if isinstance(node, (qs.And, qs.Or)):
            children = tuple(c for c in map(self.plan, node.nodes) if c is not None)
            if not children:
                return None
            return children[0] if len(children) == 1 else type(node)(children)
        if isinstance(node, qs.FacetValue):
            return FacetTerm(node.facet, normalize_facet_value(node.value))
        if isinstance(node, qs.Prefix):
            return self._prefix(node)
        if isinstance(node, (qs.Word, qs.Phrase)):
            return self._words(node)
        return None

    def _words(self, node: qs.Word | qs.Phrase) -> Plan | None:
        fields = (node.field,) if node.field else TEXT_FIELDS
        terms = tuple(analyze(node.text))
        if not terms:               # only stop words: they constrain nothing
            return None
        if len(terms) == 1:
            return AnyTerm(tuple((field, terms[0]) for field in fields))
        pairs = tuple(word_pairs(terms, self.common)) if "body" in fields else ()
        return AnyPhrase(tuple((field, terms) for field in fields), pairs)

    def _prefix(self, node: qs.Prefix) -> Plan | None:
        stem = fold(node.text)
        pairs: list[tuple[str, str]] = []
        for field in (node.field,) if node.field else TEXT_FIELDS:
            candidates = (t.decode("utf-8") if isinstance(t, bytes) else t
                          for t in islice(self.reader.expand_prefix(field, stem), MAX_PREFIX_SCAN))
            visible = list(islice((t for t in candidates if self.holds(field, t)), MAX_PREFIX_TERMS + 1))
            if len(visible) > MAX_PREFIX_TERMS:
                self.notices.append(f"“{node.text}*” matches too many words; only the first "
                                    f"{MAX_PREFIX_TERMS} were searched.")
            pairs.extend((field, term) for term in visible[:MAX_PREFIX_TERMS])
        return AnyTerm(tuple(pairs))


class SegmentMatcher:
    """Evaluates a plan to a bitset inside one segment."""

    def __init__(self, searcher: Searcher, cache: SegmentCache, live: int):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.cache = cache
        self.live = live

    def bits(self, plan: Plan | None) -> int:
        """Matching live documents; a missing plan matches every live document."""
        return self.live if plan is None else self._eval(plan) & self.live

    def _eval(self, plan: Plan) -> int:
        if isinstance(plan, AnyTerm):
            return union(self.cache.term(self.reader, f, t) for f, t in plan.pairs)
        if isinstance(plan, AnyPhrase):
            return union(self._phrase(field, terms, plan.pairs if field == "body" else ())
                         for field, terms in plan.phrases)
        if isinstance(plan, FacetTerm):
            return self.cache.facet(self.reader, plan.facet).bits(plan.value)
        if isinstance(plan, qs.Not):
            return self.live & ~self._eval(plan.node)
        if isinstance(plan, qs.Or):
            return union(map(self._eval, plan.nodes))
        result = self.live
        for child in plan.nodes:
            result &= self._eval(child)
            if not result:
                break
        return result

    def _phrase(self, field: str, terms: tuple[str, ...], pairs: tuple[str, ...]) -> int:
        """Documents holding the phrase. Indexed pairs of common words stand in for both their words
        (a two-word pair is the phrase itself); positions are read only for what remains."""
        def compute() -> int:
            paired = {word for pair in pairs for word in pair.split(" ")}
            candidates = self.cache.all
            for pair in pairs:
                candidates &= self.cache.term(self.reader, PAIRS_FIELD, pair)
            for term in terms:
                if term not in paired:
                    candidates &= self.cache.term(self.reader, field, term)
            if not candidates or len(terms) == 2 and pairs:
                return candidates
            docs = phrase_ids(self.reader, POSITIONS_FIELD[field], terms, candidates)
            return bits_from_ids(docs, self.cache.size)
        return self.cache.remember(("phrase", field, *terms), compute)


def positive_leaves(plan: Plan | None) -> Iterator[AnyTerm | AnyPhrase]:
    """Text leaves a match contains (not under a negation)."""
    if isinstance(plan, (AnyTerm, AnyPhrase)):
        yield plan
    elif isinstance(plan, (qs.And, qs.Or)):
        for child in plan.nodes:
            yield from positive_leaves(child)


def scored_terms(plan: Plan | None) -> list[tuple[str, str]]:
    """(field, term) pairs that rank a match: every word not under a negation."""
    pairs: list[tuple[str, str]] = []
    for leaf in positive_leaves(plan):
        if isinstance(leaf, AnyTerm):
            pairs.extend(leaf.pairs)
        else:
            pairs.extend((field, term) for field, phrase in leaf.phrases for term in phrase)
    return pairs


def highlight_terms(plan: Plan | None, field: str = "body") -> frozenset[str]:
    """Terms of `field` worth marking in a snippet."""
    return frozenset(term for f, term in scored_terms(plan) if f == field)
