"""What only the PostgreSQL backend needs to get right (the shared contract is test_search_contract.py)."""
from __future__ import annotations

import pytest
from conftest import make_doc, postgres_backend

from globe.search import SearchQuery, postgres_search


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


def _many_docs(count: int, word: str) -> list:
    return [make_doc(f"resource:{n}", f"Sheet {n}", f"a {word} worksheet", levels=("b1",) if n % 4 else ("a2",))
            for n in range(1, count + 1)]


def test_small_result_sets_are_counted_exactly(request):
    backend = postgres_backend(request)
    backend.apply(_many_docs(12, "drill"), [], wait=True)
    results = backend.search(SearchQuery(text="drill"))
    assert (results.total, results.total_is_exact, results.facets_are_exact) == (12, True, True)
    assert results.facets["level"] == {"b1": 9, "a2": 3}


def test_past_the_count_limit_the_total_is_an_estimate_never_below_what_was_counted(request, monkeypatch):
    monkeypatch.setattr(postgres_search, "COUNT_LIMIT", 10)
    monkeypatch.setattr(postgres_search, "FACET_SAMPLE", 8)
    backend = postgres_backend(request)
    backend.apply(_many_docs(40, "drill"), [], wait=True)
    results = backend.search(SearchQuery(text="drill"))
    assert not results.total_is_exact and not results.facets_are_exact
    assert results.total >= 11
    # Facet counts come from 8 matches, scaled to the total: in proportion, and never zero.
    level = results.facets["level"]
    assert set(level) <= {"a2", "b1"} and all(count >= 1 for count in level.values())
    assert sum(level.values()) == pytest.approx(results.total, rel=0.2)
    assert len(results.hits) == 20


def test_estimates_have_two_significant_digits():
    assert [postgres_search.round_estimate(n) for n in (7, 94, 10_001, 94_449, 1_249_999)] == \
        [7, 94, 10_000, 94_000, 1_200_000]


def test_snippet_window_finds_an_accented_word_deep_inside_a_long_text(request):
    backend = postgres_backend(request)
    filler = "Plain words about teaching. " * 400
    backend.apply([make_doc("resource:1", "Stories", f"{filler} Un gran Éxito en clase. {filler}")], [], wait=True)
    snippet = backend.search(SearchQuery(text="exito")).hits[0].snippet_html
    assert "<mark>Éxito</mark>" in snippet and len(snippet) < 600


def test_snippet_window_starts_and_ends_on_whole_words(request):
    backend = postgres_backend(request)
    body = " ".join(f"word{n}" for n in range(300)) + " pronunciation " + " ".join(f"more{n}" for n in range(300))
    backend.apply([make_doc("resource:1", "Drills", body)], [], wait=True)
    snippet = backend.search(SearchQuery(text="pronunciation")).hits[0].snippet_html
    words = snippet.replace("<mark>", "").replace("</mark>", "").split()
    assert "pronunciation" in words
    assert all(w == "pronunciation" or w[:4] in ("word", "more") and w[4:].isdigit() for w in words)
