"""What only the PostgreSQL backend needs to get right (the shared contract is test_search_contract.py)."""
from __future__ import annotations

from conftest import make_doc, postgres_backend
from globe.search import SearchQuery


def test_a_body_too_varied_for_one_tsvector_is_still_indexed(request):
    backend = postgres_backend(request)
    codes = " ".join(f"code{n:07d}x{n * 7919 % 1000003:07d}" for n in range(60_000))   # > 1 MB of lexemes
    assert backend.apply([make_doc("resource:1", "Stock list", f"warehouse {codes}")], [], wait=True)
    assert [hit.doc_id for hit in backend.search(SearchQuery(text="warehouse")).hits] == ["resource:1"]
    assert backend.search(SearchQuery(text="stock")).total == 1


def test_rebuild_leaves_no_staged_tables_and_reports_its_layout(request):
    backend = postgres_backend(request)
    backend.rebuild([make_doc("resource:1", "One", "text")])
    backend.rebuild([make_doc("resource:2", "Two", "text")])
    with backend.engine.connect() as connection:
        tables = sorted(connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (backend.schema,)).scalars())
    assert tables == ["documents", "words"]
    stats = backend.stats()
    assert stats["documents"] == 1 and stats["needs_rebuild"] is False and stats["rank_index"] in ("rum", "gin")
