"""The Whoosh index layout: text analysis, fields, and conversion between documents and stored fields."""
from __future__ import annotations

import unicodedata
import zlib
from datetime import datetime, timezone
from functools import cache
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import Filter, RegexTokenizer, StemFilter, StopFilter

from globe.search.base import FACETS, SearchDocument, fold

# Bump when build_schema() or document_fields() change: stats() then reports needs_rebuild.
SCHEMA_VERSION = 2
TEXT_FIELDS: tuple[str, ...] = ("title", "tags_text", "body")
# Where each text field's word positions are, for phrases.
POSITIONS_FIELD = {"title": "title", "tags_text": "tags_text", "body": "body_phrases"}


@cache
def word_pattern() -> str:
    """Word characters plus every combining mark, so "كِتَاب" or "हिन्दी" stay one word."""
    marks, start = [], None
    for code in range(0x10000):     # the marks of living scripts are all in the Basic Multilingual Plane
        is_mark = unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            marks.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    word = "[\\w" + "".join(marks) + "]"
    return f"{word}+(?:\\.{word}+)*"


class FoldFilter(Filter):
    """Case and accent folding with `base.fold`, so every backend folds the same way.

    Whoosh pickles the schema, this class included, into the index: moving or renaming it makes
    existing indexes unreadable (bump SCHEMA_VERSION and rebuild).
    """

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


@cache
def word_analyzer():
    """Tokenize, fold and drop English stop words: words as written, for spelling suggestions."""
    return RegexTokenizer(word_pattern()) | FoldFilter() | StopFilter()


@cache
def text_analyzer():
    """`word_analyzer` plus English stemming, for searching."""
    return word_analyzer() | StemFilter(lang="en", cachesize=100_000)


def analyze(text: str) -> list[str]:
    """The index terms of a piece of query text, in order."""
    return [token.text for token in text_analyzer()(text)]


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
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def document_fields(doc: SearchDocument) -> dict[str, Any]:
    """What the Whoosh writer receives for one document."""
    facets = doc.facet_values()
    return {
        "doc_id": doc.doc_id,
        "principals": ",".join(p.replace(",", " ").strip() for p in doc.principals),
        "title": doc.title,
        "tags_text": " ".join(doc.tags),
        "body": doc.body,
        "body_phrases": doc.body,
        "spelling": " ".join((doc.title, *doc.tags)),
        "body_z": zlib.compress(doc.body.encode("utf-8")),
        "body_len": len(doc.body.split()),
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
    return stored["updated"].replace(tzinfo=timezone.utc)
