"""The Whoosh index layout: text analysis, fields, and conversion between documents and stored fields."""
from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import STOP_WORDS, Analyzer, Filter, Token
from whoosh.codec.whoosh3 import W3Codec
from whoosh.lang import stemmer_for_language

from globe.search.base import FACETS, SearchDocument, fold

# Bump when build_schema() or document_fields() change: stats() then reports needs_rebuild.
SCHEMA_VERSION = 5               # 5: a description before the body; one kind per document
TEXT_FIELDS: tuple[str, ...] = ("title", "tags_text", "body")
PAIRS_FIELD = "body_pairs"
# Common words are chosen on a sample of the documents when the index is rebuilt (see common_words).
COMMON_SAMPLE = 2_000
COMMON_SAMPLE_MIN = 500
COMMON_SHARE = 0.02
COMMON_LIMIT = 2_000
# Where each text field's word positions are, for phrases.
POSITIONS_FIELD = {"title": "title", "tags_text": "tags_text", "body": "body_phrases"}


@cache
def word_char() -> str:
    """A regex class: word characters plus every combining mark, so "كِتَاب" or "हिन्दी" stay one word."""
    marks, start = [], None
    for code in range(0x10000):     # the marks of living scripts are all in the Basic Multilingual Plane
        is_mark = unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            marks.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return "[\\w" + "".join(marks) + "]"


@cache
def word_pattern() -> str:
    """One word: word characters, possibly joined by dots ("e.g", "v2.1")."""
    word = word_char()
    return f"{word}+(?:\\.{word}+)*"


class TermAnalyzer(Analyzer):
    """Words to index terms in one pass: tokenize, fold case and accents (`base.fold`), drop English
    stop words and one-letter words, and stem when `stem` is set.

    Whoosh's RegexTokenizer | StopFilter | StemFilter chain gives the same terms, but passes every
    word through a chain of generators; here each distinct word is worked out once and remembered,
    which made building the index about twice as fast.

    Whoosh pickles the schema, this class included, into the index: moving or renaming it makes
    existing indexes unreadable (bump SCHEMA_VERSION and rebuild).
    """

    def __init__(self, *, stem: bool):
        self.stem = stem

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 start_pos: int = 0, start_char: int = 0, mode: str = "", **kwargs):
        token = Token(positions, chars, mode=mode, **kwargs)
        term_of = stemmed_term if self.stem else plain_term
        position = start_pos
        for match in word_regex().finditer(value):
            term = term_of(match.group())
            if term is None:
                continue
            token.text, token.boost, token.stopped = term, 1.0, False
            if positions:
                token.pos = position
            if chars:
                token.startchar, token.endchar = start_char + match.start(), start_char + match.end()
            position += 1
            yield token


class FoldFilter(Filter):
    """`base.fold` as a Whoosh filter: indexes built before SCHEMA_VERSION 3 pickled it in their
    analyzers, so it stays importable for them to open (they report needs_rebuild)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


@cache
def word_regex() -> re.Pattern[str]:
    return re.compile(word_pattern())


@lru_cache(maxsize=200_000)
def plain_term(word: str) -> str | None:
    """A word's folded form, or None for a stop word."""
    folded = fold(word)
    return None if len(folded) < 2 or folded in STOP_WORDS else folded


@lru_cache(maxsize=200_000)
def stemmed_term(word: str) -> str | None:
    """A word's folded and stemmed form, or None for a stop word."""
    folded = plain_term(word)
    return None if folded is None else english_stem()(folded)


@cache
def english_stem() -> Callable[[str], str]:
    return stemmer_for_language("en")


@cache
def word_analyzer() -> TermAnalyzer:
    """Words as written (folded), for spelling suggestions."""
    return TermAnalyzer(stem=False)


@cache
def text_analyzer() -> TermAnalyzer:
    """Stemmed words, for searching."""
    return TermAnalyzer(stem=True)


def analyze(text: str) -> list[str]:
    """The index terms of a piece of text, in order."""
    return [term for term in map(stemmed_term, word_regex().findall(text)) if term is not None]


class GlobeCodec(W3Codec):
    """Whoosh's codec with larger postings blocks and without per-block length statistics.

    Writing them read back every posting's document length from disk (a third of the time
    spent building an index), and only Whoosh's own scorer uses them: whoosh_ranking scores
    with `body_len` instead. Pickled into the index like TermAnalyzer: keep its name and place.
    """

    length_stats = False

    def __init__(self) -> None:
        # Blocks of 1,024 postings instead of 128: reading a common word's postings, which every
        # query on it does first, pays the per-block cost (a read, zlib, unpickling) 8 times less.
        super().__init__(blocklimit=1024)


def build_schema() -> fields.Schema:
    analyzer = text_analyzer()
    # scorable=True only adds a one-byte length column, but spares Whoosh an os.stat() per posting
    # while writing (it looks for that column on every posting of a field without one).
    facet_fields = {name: fields.KEYWORD(stored=True, commas=True, scorable=True) for name in FACETS}
    return fields.Schema(
        # Columns make snapshot() read two compact arrays instead of every stored document.
        doc_id=fields.ID(unique=True, stored=True, sortable=True),
        version=fields.COLUMN(columns.VarBytesColumn()),
        principals=fields.KEYWORD(commas=True, scorable=True),
        # No field_boost: it multiplies term frequencies, which BM25 then saturates (a 3x boost
        # ended up below 1.6x). whoosh_ranking multiplies scores by FIELD_BOOSTS instead.
        title=fields.TEXT(analyzer=analyzer, stored=True),
        tags_text=fields.TEXT(analyzer=analyzer),
        # The body is indexed twice: without positions for matching and ranking (a common word's
        # postings then read 4x faster: positions were 80% of each block to unpickle), and with
        # positions for phrases only. Indexing takes ~40% longer.
        body=fields.TEXT(analyzer=analyzer, phrase=False),
        body_phrases=fields.TEXT(analyzer=analyzer),
        # Adjacent pairs of common words ("also gcloud"), as Lucene's CommonGramsFilter: a phrase of
        # common words is then one short postings list instead of positions read for ~all documents.
        body_pairs=fields.KEYWORD(scorable=True),
        # Unstemmed words of titles and tags for spelling suggestions. Body words are corrected
        # through their stems instead: an unstemmed copy of every body made indexing 40% slower.
        spelling=fields.TEXT(analyzer=word_analyzer(), phrase=False),
        # The full body, compressed: highlights must reach words deep inside long extracted files.
        body_z=fields.STORED(),
        updated=fields.DATETIME(stored=True, sortable=True),
        # Words in the body, for BM25 length normalization in whoosh_ranking.
        body_len=fields.COLUMN(columns.NumericColumn("I")),
        created=fields.DATETIME(stored=True),
        object_id=fields.STORED(), url=fields.STORED(), summary=fields.STORED(),
        community_name=fields.STORED(),
        **facet_fields,
    )


def _naive_utc(moment: datetime) -> datetime:
    # Whoosh stores naive datetimes; an aware one is converted to UTC first.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def common_words(bodies: Iterable[list[str]]) -> frozenset[str]:
    """Terms in at least COMMON_SHARE of these analyzed bodies (at most COMMON_LIMIT of the most
    frequent): the words whose adjacent pairs are indexed. None from too small a sample."""
    bodies = list(bodies)
    if len(bodies) < COMMON_SAMPLE_MIN:
        return frozenset()
    frequency = Counter(term for terms in bodies for term in set(terms))
    threshold = COMMON_SHARE * len(bodies)
    return frozenset(term for term, count in frequency.most_common(COMMON_LIMIT) if count >= threshold)


def word_pairs(terms: list[str] | tuple[str, ...], common: frozenset[str]) -> list[str]:
    """The indexed pair terms of a sequence of terms: adjacent terms that are both common."""
    return [f"{first} {second}" for first, second in zip(terms, terms[1:], strict=False)
            if first in common and second in common]


def document_fields(doc: SearchDocument, common: frozenset[str] = frozenset()) -> dict[str, Any]:
    """What the Whoosh writer receives for one document; `common` words are paired (see body_pairs)."""
    facets = doc.facet_values()
    text = doc.text()
    body_terms = analyze(text)
    return {
        "doc_id": doc.doc_id,
        "principals": ",".join(p.replace(",", " ").strip() for p in doc.principals),
        "title": doc.title,
        "tags_text": " ".join(doc.tags),
        # Whoosh indexes a list as terms already analyzed: the body is analyzed once for both fields.
        "body": body_terms,
        "body_phrases": body_terms,
        "body_pairs": word_pairs(body_terms, common),
        "spelling": " ".join((doc.title, *doc.tags)),
        "body_z": zlib.compress(text.encode("utf-8")),
        "body_len": len(text.split()),
        "updated": _naive_utc(doc.updated),
        "created": _naive_utc(doc.created),
        "object_id": doc.object_id,
        "url": doc.url,
        "summary": doc.summary,
        "version": doc.version.encode("utf-8"),
        "community_name": doc.community_name,
        **{name: ",".join(values) for name, values in facets.items()},
    }


def stored_body(stored: dict[str, Any]) -> str:
    return zlib.decompress(stored["body_z"]).decode("utf-8") if stored.get("body_z") else ""


def stored_facets(stored: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {name: tuple(v for v in (stored.get(name) or "").split(",") if v) for name in FACETS}


def stored_updated(stored: dict[str, Any]) -> datetime:
    return stored["updated"].replace(tzinfo=UTC)
