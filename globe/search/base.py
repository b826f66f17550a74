"""The search contract every backend honours: documents in, queries and results out.

Plain Python only (no Flask, no SQLAlchemy), so the app, the CLI and the tests share it.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, Protocol, runtime_checkable

from globe.search.query_syntax import ParsedQuery, parse

# Facet names, shared by `SearchQuery.filters`, the query language, facet counts and the API.
FACETS: tuple[str, ...] = (
    "kind", "community", "level", "skill", "type", "license", "file_type", "language", "tag",
    "age_group",
)
MAX_PER_PAGE = 100
# Ends a document's description where its stored text goes on with its body: a snippet never
# crosses it. A record separator: no text Globe indexes holds one (str.split() takes it for a space).
DESCRIPTION_END = "\x1e"

# Letters that Unicode does not decompose but that readers treat as the same letter.
_LETTER_FOLDS = str.maketrans({
    "ı": "i",        # Turkish dotless i: "ISTANBUL" and "istanbul" must meet
    "ـ": None,       # Arabic tatweel is decoration inside a word
    "ى": "ي",        # Arabic alef maksura is commonly typed as yeh
    "ة": "ه",        # Arabic teh marbuta is commonly typed as heh
    "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe",
})


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Case- and accent-insensitive form of `text`, identical on the indexing and the query side."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_LETTER_FOLDS)


@cache
def _other_forms() -> dict[str, str]:
    """Word characters that fold to a different letter ("É" to "e", "ı" to "i"), by that letter."""
    fold_uncached = fold.__wrapped__          # 65,536 single letters would flush fold's cache
    forms: dict[str, list[str]] = defaultdict(list)
    for code in range(0x10000):
        char = chr(code)
        if char.isalnum() or unicodedata.category(char).startswith("M"):
            initial = fold_uncached(char)[:1]
            if initial and initial != char:
                forms[initial].append(char)
    return {initial: "".join(chars) for initial, chars in forms.items()}


def other_forms_of(letter: str) -> str:
    """Every other character whose folded form starts with `letter` (for "É": "e"), for regexes."""
    return _other_forms().get(letter, "")


def normalize_facet_value(value: str) -> str:
    """The stored and compared form of a facet value: folded, single-spaced, never containing a comma."""
    return " ".join(fold(value).replace(",", " ").split())


@dataclass(frozen=True)
class SearchDocument:
    """One searchable thing, built by the app from its models."""

    doc_id: str                  # unique, e.g. "resource:12", "wiki:34", "project:7"
    kinds: tuple[str, ...]       # first is the display kind (Globe's documents have one each)
    object_id: int
    title: str
    body: str                    # main searchable text
    url: str
    updated: datetime            # timezone-aware UTC
    created: datetime
    principals: tuple[str, ...]  # who may see it: "public", "cop:12", "user:5", "role:admin", ...
    community_slug: str | None = None
    community_name: str | None = None
    tags: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    resource_type: str | None = None
    license: str | None = None
    file_types: tuple[str, ...] = ()
    language: str | None = None
    summary: str = ""
    # A resource's description, searched with its file's text (`body`) and shown as its summary: a
    # snippet shows one or the other, never the end of the description running into the file's text.
    description: str = ""
    version: str = ""            # opaque token compared by snapshot() for stale checks

    def text(self) -> str:
        """The text stored, searched and snippeted: the description, if any, then the body."""
        return f"{self.description}{DESCRIPTION_END}{self.body}" if self.description else self.body

    def facet_values(self) -> dict[str, tuple[str, ...]]:
        """Normalized values of every facet, keyed by facet name."""
        raw: dict[str, Iterable[str | None]] = {
            "kind": self.kinds, "community": (self.community_slug,), "level": self.levels,
            "skill": self.skills, "type": (self.resource_type,), "license": (self.license,),
            "file_type": self.file_types, "language": (self.language,), "tag": self.tags,
            "age_group": self.age_groups,
        }
        return {
            name: tuple(dict.fromkeys(v for v in map(normalize_facet_value, filter(None, values)) if v))
            for name, values in raw.items()
        }


@dataclass(frozen=True)
class SearchQuery:
    """What a viewer asked for; `principals` are the viewer's and always filter the results."""

    text: str = ""
    principals: tuple[str, ...] = ("public",)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # OR within a facet, AND across
    sort: str = "relevance"      # or "newest"
    page: int = 1
    per_page: int = 20
    highlight: bool = True
    facets: bool = True


@dataclass(frozen=True)
class SearchHit:
    """One visible result, with everything a result list shows."""

    doc_id: str
    kind: str
    object_id: int
    title: str
    url: str
    community_slug: str | None
    community_name: str | None
    updated: datetime
    snippet_html: str            # escaped text with <mark> around matches, or ""
    summary: str
    score: float
    fields: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class SearchResults:
    """One page of results; `total` and `facets` count only what the viewer may see."""

    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    notices: list[str]
    # A backend may stop counting a very common word's matches: `total` is then an estimate (at
    # least the number counted), and facet counts are estimated from a sample of the matches.
    total_is_exact: bool = True
    facets_are_exact: bool = True


@dataclass(frozen=True)
class PreparedQuery:
    """A SearchQuery made safe for any backend: parsed, clamped, normalized, never raising."""

    parsed: ParsedQuery
    principals: tuple[str, ...]
    filters: dict[str, tuple[str, ...]]
    sort: str
    page: int
    per_page: int
    highlight: bool
    facets: bool
    notices: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: SearchQuery) -> PreparedQuery:
        filters, notices = _clean_filters(query.filters)
        # Anything but a collection of strings grants nothing: a bad caller sees less, never more.
        principals = query.principals if isinstance(query.principals, (tuple, list, set, frozenset)) else ()
        return cls(
            parsed=parse(query.text if isinstance(query.text, str) else ""),
            principals=tuple(sorted({p.replace(",", " ").strip() for p in principals
                                     if isinstance(p, str) and p.strip()})),
            filters=filters,
            sort="newest" if query.sort == "newest" else "relevance",
            page=max(_as_int(query.page, 1), 1),
            per_page=min(max(_as_int(query.per_page, 20), 1), MAX_PER_PAGE),
            highlight=bool(query.highlight),
            facets=bool(query.facets),
            notices=notices,
        )

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page


def _clean_filters(filters: Any) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    cleaned: dict[str, tuple[str, ...]] = {}
    notices = []
    for facet, values in (filters.items() if isinstance(filters, Mapping) else ()):
        if facet not in FACETS:
            notices.append(f"Unknown filter “{facet}” was ignored.")
            continue
        values = (values,) if isinstance(values, str) else tuple(values or ())
        normalized = tuple(dict.fromkeys(filter(None, (normalize_facet_value(str(v)) for v in values))))
        if normalized:
            cleaned[facet] = normalized
    return cleaned, tuple(notices)


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


@runtime_checkable
class SearchBackend(Protocol):
    """What the app needs from a search engine; every backend passes tests/search/test_search_contract.py."""

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str], *, wait: bool = False) -> bool:
        """Write one atomic batch; False (nothing written) when another process holds the writer lock."""

    def search(self, query: SearchQuery) -> SearchResults:
        """Answer a query; never raises for bad user input."""

    def rebuild(self, documents: Iterable[SearchDocument], *,
                progress: Callable[[int], None] | None = None) -> int:
        """Build a complete new index beside the live one, swap it in atomically, return the count."""

    def snapshot(self) -> dict[str, str]:
        """doc_id -> version of every indexed document."""

    def stats(self) -> dict[str, Any]:
        """At least {"documents": n, "size_bytes": n, "backend": name}."""

    def clear(self) -> None:
        """Remove every document."""
