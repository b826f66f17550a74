"""Search test data shared by the search tests: documents with sensible defaults, a small corpus
in several languages, and a PostgreSQL backend in a schema of its own (dropped after the test).

A plain module, not conftest.py, so test files import it by a name no other test folder uses."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from globe.search import PostgresBackend, SearchDocument

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def postgres_backend(request: pytest.FixtureRequest) -> PostgresBackend:
    instance = PostgresBackend(request.getfixturevalue("search_database"),
                               schema=f"search_{uuid.uuid4().hex[:12]}")

    def drop_schema() -> None:
        with instance.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{instance.schema}" CASCADE'))
        instance.close()
    request.addfinalizer(drop_schema)
    return instance


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
