"""Fixtures for the search tests: a `backend` per registered implementation, and a shared corpus."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from databases import is_reachable, postgres_server_url, throwaway_database
from search_corpus import CORPUS, make_doc, postgres_backend
from services_required import skip_unless_available

from globe.search import SearchBackend, SearchDocument, SearchQuery, SearchResults, WhooshBackend


@pytest.fixture(scope="session")
def search_database() -> Iterator[str]:
    """One throwaway PostgreSQL database per test process; each test gets its own schema in it."""
    server = postgres_server_url()
    skip_unless_available(is_reachable(server), f"PostgreSQL is not reachable at {server!r}")
    with throwaway_database(server) as url:
        yield url.render_as_string(hide_password=False)


# Every backend must pass test_search_contract.py.
BACKEND_FACTORIES: dict[str, Callable[[pytest.FixtureRequest], SearchBackend]] = {
    "whoosh": lambda request: WhooshBackend(request.getfixturevalue("tmp_path") / "whoosh-index"),
    "postgres": postgres_backend,
}



@pytest.fixture(params=sorted(BACKEND_FACTORIES))
def backend(request: pytest.FixtureRequest) -> Iterator[SearchBackend]:
    instance = BACKEND_FACTORIES[request.param](request)
    yield instance
    if hasattr(instance, "close"):
        instance.close()


@pytest.fixture
def doc() -> Callable[..., SearchDocument]:
    return make_doc


@pytest.fixture
def find(backend: SearchBackend) -> Callable[..., SearchResults]:
    """find("text", principals=..., **query fields) -> SearchResults."""
    def run(text: str = "", **query_fields) -> SearchResults:
        return backend.search(SearchQuery(text=text, **query_fields))
    return run


@pytest.fixture
def ids(find: Callable[..., SearchResults]) -> Callable[..., list[str]]:
    """ids("text", ...) -> doc_ids of the first page, in order."""
    def run(text: str = "", **query_fields) -> list[str]:
        return [hit.doc_id for hit in find(text, **query_fields).hits]
    return run


@pytest.fixture
def corpus(backend: SearchBackend) -> SearchBackend:
    """The backend holding CORPUS: five public documents, one for community 7, one for user 5."""
    assert backend.apply(CORPUS, [], wait=True)
    return backend
