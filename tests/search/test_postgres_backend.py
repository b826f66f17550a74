"""What only the PostgreSQL backend needs to get right (the shared contract is test_search_contract.py)."""
from __future__ import annotations

import pytest
from search_corpus import make_doc, postgres_backend

from globe.search import PostgresBackend, SearchQuery, postgres_search


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
    assert tables == ["common_words", "documents", "words"]
    stats = backend.stats()
    assert stats["documents"] == 1 and stats["needs_rebuild"] is False and stats["rank_index"] == "gin"


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
    monkeypatch.setattr(postgres_search, "MATCH_LIMIT", 8)
    backend = postgres_backend(request)
    backend.apply(_many_docs(40, "drill"), [], wait=True)
    results = backend.search(SearchQuery(text="drill"))
    assert not results.total_is_exact and not results.facets_are_exact
    assert results.total >= 9
    # Facet counts come from the 9 matches read, scaled to the total: in proportion, and never zero.
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


def test_past_the_match_limit_title_and_tag_matches_come_first_then_the_newest(request, monkeypatch):
    backend = postgres_backend(request)
    body_only = [make_doc(f"resource:{n}", f"Sheet {n}", "a drill worksheet, drill after drill", day=n)
                 for n in range(1, 7)]
    in_title = [make_doc("resource:20", "Drill", "worksheet", day=0),
                make_doc("resource:21", "Listening", "worksheet", day=1, tags=("drill",)),
                make_doc("resource:22", "Drill and drill", "worksheet", day=2),
                make_doc("resource:23", "Drill", "worksheet on word stress", day=3)]
    backend.apply([*body_only, *in_title], [], wait=True)
    ranked = [hit.doc_id for hit in backend.search(SearchQuery(text="drill -stress")).hits]
    assert ranked[0] == "resource:22" and ranked[1:7] != [f"resource:{n}" for n in range(6, 0, -1)]

    monkeypatch.setattr(postgres_search, "MATCH_LIMIT", 3)
    results = backend.search(SearchQuery(text="drill -stress"))
    assert not results.total_is_exact
    ids = [hit.doc_id for hit in results.hits]
    assert ids == ["resource:22", "resource:21", "resource:20",        # title or tags match, newest first
                   *(f"resource:{n}" for n in range(6, 0, -1))]            # then the others, newest first
    across_tiers = backend.search(SearchQuery(text="drill -stress", page=2, per_page=2))
    assert [hit.doc_id for hit in across_tiers.hits] == ids[2:4]


def test_an_index_of_the_previous_layout_keeps_answering_and_taking_writes_until_rebuilt(request, monkeypatch):
    backend = postgres_backend(request)
    monkeypatch.setattr(postgres_search, "MATCH_LIMIT", 1)       # the order that reads head_tsv
    backend.apply(_many_docs(3, "drill"), [], wait=True)
    with backend.engine.begin() as connection:                    # as version 1 left it
        connection.exec_driver_sql(f'ALTER TABLE "{backend.schema}".documents DROP COLUMN head_tsv')
        connection.exec_driver_sql(f"""COMMENT ON TABLE "{backend.schema}".documents IS 'globe-search 1'""")
    upgraded = PostgresBackend(backend.engine, schema=backend.schema)
    assert upgraded.stats()["needs_rebuild"] is True
    assert upgraded.apply([make_doc("resource:9", "Drill", "worksheet", day=9)], [], wait=True)
    assert [hit.doc_id for hit in upgraded.search(SearchQuery(text="drill")).hits][:2] == \
        ["resource:9", "resource:1"]       # its title matches; the others have no head yet
    upgraded.rebuild([make_doc("resource:1", "Drill", "text")])
    assert upgraded.stats()["needs_rebuild"] is False


def test_phrases_of_common_words_match_exactly_through_their_pairs(request):
    backend = postgres_backend(request)
    # 600 documents: "also", "gcloud", "deploy" and "quickly" are in every one, so all are common.
    filler = [make_doc(f"resource:{n}", f"Sheet {n}", "gcloud quickly also deploy") for n in range(1, 601)]
    phrased = [make_doc("resource:1001", "Guide", "you also gcloud deploy quickly"),
               make_doc("resource:1002", "Guide", "gcloud also, then deploy quickly also"),
               make_doc("resource:1003", "Guide", "also the gcloud deploy")]      # a stop word between
    backend.rebuild([*filler, *phrased])
    # Written after the rebuild: it must get its pairs from the same common words.
    assert backend.apply([make_doc("resource:1004", "Later", "we also gcloud deploy")], [], wait=True)

    def found(phrase: str) -> set[str]:
        results = backend.search(SearchQuery(text=f'"{phrase}"', per_page=50))
        return {hit.doc_id for hit in results.hits} if results.total_is_exact else {"inexact"}

    assert found("also gcloud") == {"resource:1001", "resource:1004"}
    assert found("gcloud also") == {"resource:1002"}
    assert found("also gcloud deploy") == {"resource:1001", "resource:1004"}
    assert found("gcloud deploy also") == set()
    assert found("deploy quickly also") == {"resource:1002"}
    assert found("also the gcloud") == {"resource:1003"}
