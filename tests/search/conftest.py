"""Fixtures for the search tests: a `backend` per registered implementation, and a shared corpus."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from databases import is_reachable, postgres_server_url, throwaway_database
from services_required import skip_unless_available
from sqlalchemy import text

from globe.search import PostgresBackend, SearchBackend, SearchDocument, SearchQuery, SearchResults, WhooshBackend


@pytest.fixture(scope="session")
def search_database() -> Iterator[str]:
    """One throwaway PostgreSQL database per test process; each test gets its own schema in it."""
    server = postgres_server_url()
    skip_unless_available(is_reachable(server), f"PostgreSQL is not reachable at {server!r}")
    with throwaway_database(server) as url:
        yield url.render_as_string(hide_password=False)


def postgres_backend(request: pytest.FixtureRequest) -> PostgresBackend:
    instance = PostgresBackend(request.getfixturevalue("search_database"),
                               schema=f"search_{uuid.uuid4().hex[:12]}")

    def drop_schema() -> None:
        with instance.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{instance.schema}" CASCADE'))
        instance.close()
    request.addfinalizer(drop_schema)
    return instance


# Every backend must pass test_search_contract.py.
BACKEND_FACTORIES: dict[str, Callable[[pytest.FixtureRequest], SearchBackend]] = {
    "whoosh": lambda request: WhooshBackend(request.getfixturevalue("tmp_path") / "whoosh-index"),
    "postgres": postgres_backend,
}

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(params=sorted(BACKEND_FACTORIES))
def backend(request: pytest.FixtureRequest) -> Iterator[SearchBackend]:
    instance = BACKEND_FACTORIES[request.param](request)
    yield instance
    if hasattr(instance, "close"):
        instance.close()


def make_doc(doc_id: str, title: str = "Untitled", body: str = "", *, day: int = 0,
             principals: tuple[str, ...] = ("public",), kinds: tuple[str, ...] | None = None,
             **fields) -> SearchDocument:
    """A document with sensible defaults; `day` orders documents by `updated`."""
    kind, number = doc_id.split(":")
    moment = EPOCH + timedelta(days=day)
    return SearchDocument(
        doc_id=doc_id, kinds=kinds or (kind,), object_id=int(number), title=title, body=body,
        url=f"/{kind}/{number}", updated=moment, created=moment, principals=principals,
        version=fields.pop("version", moment.isoformat()), **fields,
    )


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


CORPUS = (
    make_doc("resource:1", "Lesson planning for beginners",
             "How to plan a speaking lesson with pronunciation drills and minimal pairs.",
             day=1, tags=("Pronunciation", "minimal pairs"), levels=("A1", "A2"), skills=("speaking",),
             resource_type="lesson-plan", license="cc-by", file_types=("pdf",), language="en",
             community_slug="young-learners", community_name="Young Learners", age_groups=("children",),
             summary="A first lesson plan."),
    make_doc("resource:2", "Past tense worksheet", "Grammar practice: regular and irregular verbs.",
             day=2, tags=("grammar",), levels=("B1",), skills=("writing",), resource_type="worksheet",
             license="cc-by-sa", file_types=("docx",), language="en", community_slug="exam-prep",
             community_name="Exam Prep"),
    make_doc("wiki:3", "Éxito en el aula", "El exito de la clase depende de la practica diaria.",
             day=3, levels=("B1",), language="es", community_slug="young-learners",
             community_name="Young Learners"),
    make_doc("wiki:4", "Arabic and Greek", "الكتاب المدرسي للمبتدئين. Ελληνικά μαθήματα για παιδιά.",
             day=4, kinds=("knowledge_base",), language="ar", community_slug="exam-prep"),
    make_doc("project:5", "School trip", "A class visit to İstanbul with a listening diary.",
             day=5, language="tr", skills=("listening",)),
    make_doc("project:6", "Podcast club", "Students record a quokkaplan episode every week.",
             day=6, principals=("cop:7",), tags=("secretpodcast",), levels=("C1",),
             community_slug="hidden-circle", community_name="Hidden Circle"),
    make_doc("resource:7", "Draft notes", "My wombatique draft about speaking games.",
             day=7, principals=("user:5",), levels=("C2",)),
)


@pytest.fixture
def corpus(backend: SearchBackend) -> SearchBackend:
    """The backend holding CORPUS: five public documents, one for community 7, one for user 5."""
    assert backend.apply(CORPUS, [], wait=True)
    return backend
