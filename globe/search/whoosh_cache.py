"""Per-segment caches that make exact counts, facets and ranking fast on a large Whoosh index.

Sets of documents are Python ints used as bitsets (bit n = document n): AND, OR and popcount run
in C, where Whoosh's matchers visit documents one by one in Python. Segments are immutable, so
everything here stays valid until Whoosh merges the segment away; deletions go through `live`.
The backend serializes searches, so nothing here takes a lock.
"""
from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, repeat
from pickle import loads
from struct import calcsize

from whoosh.formats import Format, Positions
from whoosh.matching import FilterMatcher
from whoosh.reading import IndexReader

BITSET_CACHE_ENTRIES = 1_000          # 15 KB each at 120,000 documents
POSTINGS_CACHE_SIZE = 4_000_000       # postings kept for ranking, 8 bytes each
_BIT = tuple(1 << i for i in range(8))

Postings = tuple[array, array]        # document numbers ("I"), weights ("f")


def bits_from_ids(ids: Iterable[int], size: int) -> int:
    marks = bytearray((size >> 3) + 1)
    for docnum in ids:
        marks[docnum >> 3] |= _BIT[docnum & 7]
    return int.from_bytes(marks, "little")


def membership(bits: int, size: int) -> bytes:
    """Bytes where `m[d >> 3] >> (d & 7) & 1` tells if d is in the set, in O(1)."""
    return bits.to_bytes((size >> 3) + 1, "little")


def union(bitsets: Iterable[int]) -> int:
    result = 0
    for bits in bitsets:
        result |= bits
    return result


def iter_bits(bits: int) -> Iterator[int]:
    """Set bit positions in ascending order."""
    for index, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) >> 3, "little")):
        if byte:
            base = index << 3
            for bit in range(8):
                if byte & _BIT[bit]:
                    yield base + bit


def _raw_matcher(reader: IndexReader, field: str, term: str | bytes):
    matcher = reader.postings(field, term)
    # postings() hides deleted documents behind a FilterMatcher; its child is the raw list, which
    # keeps what is cached here valid when later deletions arrive (`live` masks them).
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _blocks(matcher) -> Iterator[tuple[Iterable[int], object, object]] | None:
    """(ids, weights, values) per postings block, straight from Whoosh's W3LeafMatcher, or None.

    It unpickles whole blocks anyway; taking them at once, and delta-decoding ids with
    accumulate() (in C) instead of Whoosh's per-posting generator, reads a term three times
    faster than the public per-posting API.
    """
    if not all(hasattr(matcher, name) for name in ("_read_data", "_data", "_byteids", "_next_block")):
        return None

    def blocks() -> Iterator[tuple[Iterable[int], object, object]]:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            block_ids, block_weights, block_values = matcher._data[:3]
            yield (block_ids if matcher._byteids else accumulate(block_ids)), block_weights, block_values
            matcher._next_block()
    return blocks()


def read_postings(reader: IndexReader, field: str, term: str | bytes) -> Postings:
    """A term's document numbers and weights, deleted documents included."""
    ids, weights = array("I"), array("f")
    if (field, term) not in reader:
        return ids, weights
    matcher = _raw_matcher(reader, field, term)
    blocks = _blocks(matcher)
    if blocks is None:
        for docnum, weight in matcher.items_as("weight"):
            ids.append(docnum)
            weights.append(weight)
        return ids, weights
    for block_ids, block_weights, _ in blocks:
        before = len(ids)
        ids.extend(block_ids)
        if block_weights is None or isinstance(block_weights, float):   # all 1.0, or all equal
            weights.extend(repeat(1.0 if block_weights is None else block_weights, len(ids) - before))
        else:
            weights.extend(block_weights)
    return ids, weights


def read_positions(reader: IndexReader, field: str, term: str, wanted: Sequence[int]) -> dict[int, list[int]]:
    """Where `term` stands in each document of `wanted` (sorted document numbers) that holds it.

    Blocks whose documents all come before the next wanted one are skipped unread, so a common
    word costs little when the other words of a phrase are rare.
    """
    if (field, term) not in reader or not wanted:
        return {}
    matcher = _raw_matcher(reader, field, term)
    decode = _positions_decoder(reader.schema[field].format)
    if _blocks(matcher) is None:            # not Whoosh's usual block matcher: read every posting
        chosen = set(wanted)
        return {d: decode(v) for d, v in matcher.items() if d in chosen}
    found: dict[int, list[int]] = {}
    chosen, next_wanted = set(wanted), 0
    while matcher.is_active() and next_wanted < len(wanted):
        block_max = matcher.block_max_id()
        if block_max >= wanted[next_wanted]:
            if matcher._data is None:
                matcher._read_data()
            block_ids, _, values = matcher._data[:3]
            ids = block_ids if matcher._byteids else accumulate(block_ids)
            found.update((d, decode(v)) for d, v in zip(ids, values, strict=True) if d in chosen)
            next_wanted = bisect_right(wanted, block_max, next_wanted)
        matcher._next_block()
    return found


def _positions_decoder(format: Format) -> Callable[[bytes], list[int]]:
    """Whoosh's Positions.decode_positions, with the delta decoding done in C when the format is
    exactly Whoosh's (a count, then the pickled list of gaps)."""
    if type(format) is not Positions:
        return format.decode_positions
    header = calcsize("!i")
    return lambda value: list(accumulate(loads(value[header:] if value.endswith(b".") else value[header:] + b".")))


def phrase_ids(reader: IndexReader, field: str, terms: Sequence[str], candidates: int) -> Iterator[int]:
    """The `candidates` (documents holding every term) where the terms stand one after another.

    Whoosh's Phrase query spends ~30 microseconds on each candidate; reading the positions of
    every term block by block and comparing them as sets costs a few.
    """
    wanted = list(iter_bits(candidates))
    positions = [read_positions(reader, field, term, wanted) for term in terms]
    for docnum, first in positions[0].items():
        starts = set(first)
        for offset, later in enumerate(positions[1:], 1):
            starts.intersection_update(p - offset for p in later.get(docnum, ()))
            if not starts:
                break
        if starts:
            yield docnum


def read_numeric_column(reader: IndexReader, field: str) -> array:
    """Every document's value of a numeric column, as array("q")."""
    column = reader.column_reader(field, translate=False)
    try:
        # A NumericColumn stores its values as one big-endian run: one read instead of one per
        # document (1 s at 120,000 documents with mmap off).
        raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)
        values = array(column._typecode, raw)
    except AttributeError:                      # any other column reader: value by value
        return array("q", column)
    if sys.byteorder == "little":
        values.byteswap()
    values.extend([column._default] * (reader.doc_count_all() - len(values)))
    return array("q", values)


class _LRU(OrderedDict):
    def __init__(self, capacity: int, cost: Callable[[object], int]):
        super().__init__()
        self.capacity, self.cost, self.used = capacity, cost, 0

    def get_or_compute(self, key: tuple, compute: Callable[[], object]):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = compute()
        self.used += self.cost(value)
        while self.used > self.capacity and len(self) > 1:
            self.used -= self.cost(self.popitem(last=False)[1])
        return value


class FacetValues:
    """One facet's values in one segment: common ones as bitsets, rare ones as document lists.

    A bitset costs size/8 bytes however few documents it holds (15 KB at 120,000 documents), and
    free-form tags run into thousands of rare values.
    """

    def __init__(self, reader: IndexReader, facet: str, size: int):
        self.size = size
        self.dense: dict[str, int] = {}
        self.sparse: dict[str, array] = {}
        for term in reader.lexicon(facet):
            ids = read_postings(reader, facet, term)[0]
            if len(ids) > size >> 9:
                self.dense[term.decode("utf-8")] = bits_from_ids(ids, size)
            else:
                self.sparse[term.decode("utf-8")] = ids

    def bits(self, value: str) -> int:
        if value in self.dense:
            return self.dense[value]
        return bits_from_ids(self.sparse.get(value, ()), self.size)

    def counts(self, bits: int) -> Iterator[tuple[str, int]]:
        """(value, number of documents in `bits` holding it), for values held at least once."""
        for value, value_bits in self.dense.items():
            if count := (bits & value_bits).bit_count():
                yield value, count
        members = membership(bits, self.size) if self.sparse else b""
        for value, ids in self.sparse.items():
            if count := sum(members[d >> 3] >> (d & 7) & 1 for d in ids):
                yield value, count


class SegmentCache:
    """What one segment keeps in memory between searches."""

    def __init__(self, size: int):
        self.size = size
        self.all = (1 << size) - 1
        self._bitsets = _LRU(BITSET_CACHE_ENTRIES, lambda _: 1)
        self._postings = _LRU(POSTINGS_CACHE_SIZE, lambda p: len(p[0]))
        self._facets: dict[str, FacetValues] = {}
        self._live: tuple[int, int] | None = None
        self._derived: dict[str, object] = {}
        self.warmed = False     # claimed by WhooshBackend's warming thread

    def live(self, reader: IndexReader) -> int:
        """Documents not deleted. A segment only ever gains deletions, so their count is a version."""
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        if self._live is None or self._live[0] != len(deleted):
            self._live = (len(deleted), self.all & ~bits_from_ids(deleted, self.size))
        return self._live[1]

    def term(self, reader: IndexReader, field: str, text: str) -> int:
        """Documents holding `text` in `field` (deleted ones included)."""
        return self.remember(("term", field, text),
                             lambda: bits_from_ids(self.postings(reader, field, text)[0], self.size))

    def remember(self, key: tuple[str, ...], compute: Callable[[], int]) -> int:
        """Cache any bitset (a term's, a phrase's) in a small LRU."""
        return self._bitsets.get_or_compute(key, compute)

    def postings(self, reader: IndexReader, field: str, text: str) -> Postings:
        """A term's document numbers and weights, for ranking."""
        return self._postings.get_or_compute((field, text), lambda: read_postings(reader, field, text))

    def warm(self, reader: IndexReader, field: str, count: int) -> Iterator[None]:
        """Read the `count` most frequent terms of `field` into the caches, yielding after each one
        so that the caller can let searches in between (see WhooshBackend's warming thread)."""
        for _, term in reader.most_frequent_terms(field, count):
            self.term(reader, field, term.decode("utf-8") if isinstance(term, bytes) else term)
            yield

    def facet(self, reader: IndexReader, facet: str) -> FacetValues:
        if facet not in self._facets:
            self._facets[facet] = FacetValues(reader, facet, self.size)
        return self._facets[facet]

    def column(self, reader: IndexReader, field: str) -> array:
        """Every document's raw value of a numeric column field (`updated`, `body_len`)."""
        return self.once(f"column:{field}", lambda: read_numeric_column(reader, field))

    def once(self, name: str, compute: Callable[[], object]):
        """A value derived from the whole segment (an ordering, length norms), computed once."""
        if name not in self._derived:
            self._derived[name] = compute()
        return self._derived[name]


class IndexCache:
    """SegmentCaches of the current index, keyed by Whoosh's segment id."""

    def __init__(self) -> None:
        self._segments: dict[str, SegmentCache] = {}

    def for_reader(self, reader: IndexReader) -> SegmentCache:
        key = reader.segment().segment_id()
        if key not in self._segments:
            self._segments[key] = SegmentCache(reader.doc_count_all())
        return self._segments[key]

    def retain(self, readers: Iterable[IndexReader]) -> None:
        """Forget segments that no longer exist (merged away, or replaced by a rebuild)."""
        keep = {reader.segment().segment_id() for reader in readers}
        self._segments = {key: value for key, value in self._segments.items() if key in keep}
