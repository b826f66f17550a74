"""Search across every community: the backend-neutral contract and the default Whoosh backend."""
from globe.search.base import (
    FACETS,
    MAX_PER_PAGE,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from globe.search.whoosh_backend import WhooshBackend

__all__ = [
    "FACETS", "MAX_PER_PAGE", "SearchBackend", "SearchDocument", "SearchHit", "SearchQuery",
    "SearchResults", "WhooshBackend",
]
