"""Search across every community: the backend-neutral contract, the default Whoosh backend and PostgreSQL."""
from globe.search.base import (
    FACETS,
    MAX_PER_PAGE,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from globe.search.postgres_backend import PostgresBackend
from globe.search.whoosh_backend import WhooshBackend

__all__ = [
    "FACETS", "MAX_PER_PAGE", "PostgresBackend", "SearchBackend", "SearchDocument", "SearchHit", "SearchQuery",
    "SearchResults", "WhooshBackend",
]
