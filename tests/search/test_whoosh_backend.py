"""Whoosh specifics: the writer lock across processes, generations, and segment handling."""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from globe.search import SearchDocument, SearchQuery, WhooshBackend, whoosh_backend
from globe.search.whoosh_cache import read_numeric_column, read_postings

# fork: children start in milliseconds and need nothing re-imported.
FORK = multiprocessing.get_context("fork")


def _document(number: int, word: str = "shared", **fields) -> SearchDocument:
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    fields.setdefault("principals", ("public",))
    return SearchDocument(doc_id=f"resource:{number}", kinds=("resource",), object_id=number,
                          title=f"Item {number}", body=f"{word} text", url=f"/r/{number}",
                          updated=moment, created=moment, **fields)


def _apply_in_batches(folder: Path, numbers: range) -> None:
    backend = WhooshBackend(folder)
    for start in range(numbers.start, numbers.stop, 5):
        assert backend.apply([_document(n) for n in range(start, min(start + 5, numbers.stop))], [],
                             wait=True)


def _apply_without_waiting(folder: Path, results) -> None:
    results.put(WhooshBackend(folder).apply([_document(1)], [], wait=False))


def _total(backend: WhooshBackend, text: str = "") -> int:
    return backend.search(SearchQuery(text=text)).total


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    WhooshBackend(tmp_path).stats()         # create the index before the race
    workers = [FORK.Process(target=_apply_in_batches, args=(tmp_path, numbers))
               for numbers in (range(0, 60), range(100, 160))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    snapshot = WhooshBackend(tmp_path).snapshot()
    assert set(snapshot) == {f"resource:{n}" for n in [*range(0, 60), *range(100, 160)]}


def test_apply_without_waiting_gives_up_while_another_process_holds_the_lock(tmp_path):
    holder = WhooshBackend(tmp_path)
    results = FORK.Queue()
    with holder.writer_lock() as held:
        assert held
        child = FORK.Process(target=_apply_without_waiting, args=(tmp_path, results))
        child.start()
        assert results.get(timeout=60) is False
        child.join(timeout=60)
    assert _total(holder) == 0
    assert holder.apply([_document(1)], [], wait=False) is True
    assert _total(holder) == 1


def test_writes_during_a_rebuild_are_refused_not_lost(tmp_path):
    rebuilder, writer = WhooshBackend(tmp_path), WhooshBackend(tmp_path)
    refused = []
    rebuilder.rebuild([_document(n) for n in range(600)],
                      progress=lambda count: refused.append(writer.apply([_document(999)], [])))
    assert refused and not any(refused)
    assert writer.apply([_document(999)], []) is True
    assert _total(writer) == 601


def test_another_instance_sees_a_rebuild_and_the_old_generation_is_removed(tmp_path):
    reader, rebuilder = WhooshBackend(tmp_path), WhooshBackend(tmp_path)
    rebuilder.apply([_document(1, "before")], [], wait=True)
    assert _total(reader, "before") == 1
    rebuilder.rebuild([_document(2, "after")])
    assert (_total(reader, "before"), _total(reader, "after")) == (0, 1)
    assert len(list(tmp_path.glob("gen-*"))) == 1


def test_many_small_commits_never_duplicate_documents(tmp_path):
    # Whoosh merges small segments every few commits; a stale reader must never resurface them.
    backend = WhooshBackend(tmp_path)
    for number in range(1, 23):
        backend.apply([_document(number)], [], wait=True)
        assert _total(backend, "shared") == number
    backend.apply([_document(5, "changed")], ["resource:6"], wait=True)
    assert (_total(backend, "shared"), _total(backend, "changed")) == (20, 1)


@pytest.mark.parametrize("principals", [("public",), ("public", "cop:1", "user:2", "role:admin")])
def test_facet_and_total_caches_follow_deletions(tmp_path, principals):
    backend = WhooshBackend(tmp_path)
    backend.apply([_document(n) for n in range(10)], [], wait=True)
    assert backend.search(SearchQuery(principals=principals)).facets["kind"] == {"resource": 10}
    backend.apply([], ["resource:3", "resource:4"], wait=True)
    results = backend.search(SearchQuery(principals=principals))
    assert results.total == 8 and results.facets["kind"] == {"resource": 8}


def test_rare_facet_values_are_counted_and_filtered_like_common_ones(tmp_path):
    # In a segment of over 512 documents, values held by a handful are stored as lists, not bitsets.
    backend = WhooshBackend(tmp_path)
    rare = {7: ("public",), 700: ("public",), 701: ("cop:3",)}
    backend.rebuild(_document(n, tags=("common", "rare") if n in rare else ("common",),
                              principals=rare.get(n, ("public",))) for n in range(1100))
    outsider = backend.search(SearchQuery(text="tag:rare"))
    assert outsider.total == 2 and outsider.facets["tag"] == {"rare": 2, "common": 2}
    assert backend.search(SearchQuery(principals=("public", "cop:3"))).facets["tag"]["rare"] == 3
    assert backend.search(SearchQuery(filters={"tag": ("rare",)}, principals=("cop:3",))).total == 1


def test_fast_readers_agree_with_whoosh_public_api(tmp_path):
    # whoosh_cache reads postings blocks and numeric columns through Whoosh internals for speed;
    # this pins them to the public (slow) API so a Whoosh upgrade cannot silently change results.
    backend = WhooshBackend(tmp_path, build_processes=1)      # one segment, read through one reader
    backend.rebuild(_document(n, word="common" if n % 3 else "rare") for n in range(700))
    backend.apply([], ["resource:4", "resource:5"], wait=True)
    reader = backend._fresh_searcher().reader()
    for field, term in [("body", "common"), ("body", "rare"), ("principals", "public"), ("title", "item")]:
        ids, weights = read_postings(reader, field, term)
        public = list(reader.postings(field, term).child.items_as("weight"))
        assert list(zip(ids, weights, strict=True)) == public and len(public) > 128
    for field in ("updated", "body_len"):
        assert list(read_numeric_column(reader, field)) == list(reader.column_reader(field, translate=False))


def test_threads_can_search_while_another_thread_writes(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.apply([_document(n) for n in range(50)], [], wait=True)

    def search_repeatedly(_: int) -> set[int]:
        return {backend.search(SearchQuery(text="shared")).total for _ in range(20)}

    with ThreadPoolExecutor(max_workers=6) as pool:
        searches = [pool.submit(search_repeatedly, n) for n in range(6)]
        for start in range(50, 100, 10):
            assert backend.apply([_document(n) for n in range(start, start + 10)], [], wait=True)
        totals = set().union(*(future.result() for future in searches))
    assert totals <= set(range(50, 101, 10)) and _total(backend, "shared") == 100


def test_an_index_from_the_previous_schema_still_opens_and_asks_for_a_rebuild(tmp_path, monkeypatch):
    """An upgrade must not take search down before `flask globe reindex` runs."""
    from whoosh.analysis import RegexTokenizer, StemFilter, StopFilter

    from globe.search import whoosh_backend, whoosh_schema

    def schema_2():
        old_analyzer = (RegexTokenizer(whoosh_schema.word_pattern()) | whoosh_schema.FoldFilter() | StopFilter()
                        | StemFilter(lang="en"))
        schema = whoosh_schema.build_schema()
        for name in ("title", "tags_text", "body", "body_phrases"):
            schema[name].analyzer = old_analyzer
        return schema

    monkeypatch.setattr(whoosh_backend, "build_schema", schema_2)
    monkeypatch.setattr(whoosh_backend, "SCHEMA_VERSION", 2)
    WhooshBackend(tmp_path).apply([_document(1, "Planning")], [], wait=True)
    monkeypatch.undo()

    upgraded = WhooshBackend(tmp_path)
    assert upgraded.stats()["needs_rebuild"]
    assert _total(upgraded, "plans") == 1
    assert upgraded.apply([_document(2, "volcanoes")], [], wait=True)
    assert _total(upgraded, '"volcano text"') == 1


def test_a_build_shared_by_several_processes_finds_exactly_what_one_process_builds(tmp_path):
    documents = [_document(n, word="common" if n % 3 else "rare") for n in range(900)]
    single = WhooshBackend(tmp_path / "one", build_processes=1)
    several = WhooshBackend(tmp_path / "two", build_processes=2)
    assert single.rebuild(documents) == several.rebuild(documents) == 900
    assert several.stats()["segments"] >= 2 > single.stats()["segments"]
    for text in ("common", "rare", '"item 4"', "common -rare", "item*"):
        one, two = (backend.search(SearchQuery(text=text)) for backend in (single, several))
        assert one.total == two.total > 0 and one.facets == two.facets
        assert _all_hits(single, text) == _all_hits(several, text)


def _all_hits(backend: WhooshBackend, text: str) -> set[str]:
    pages = (backend.search(SearchQuery(text=text, page=page, per_page=100)).hits for page in range(1, 11))
    return {hit.doc_id for hits in pages for hit in hits}


def test_phrases_of_common_words_are_answered_by_their_pairs_exactly(tmp_path):
    bodies = ["alpha beta gamma", "beta alpha gamma", "alpha gamma beta", "gamma alpha beta delta"]
    documents = [_document(n, word=bodies[n % 4]) for n in range(800)]
    backend = WhooshBackend(tmp_path)
    backend.rebuild(documents)
    assert {"alpha", "beta", "gamma"} <= backend._common_words(backend._current_generation())
    expected = {
        '"alpha beta"': {0, 3}, '"beta alpha"': {1}, '"alpha beta gamma"': {0}, '"gamma alpha beta"': {3},
        '"beta gamma"': {0}, '"alpha beta delta"': {3}, '"gamma beta alpha"': set(),
    }
    for phrase, shapes in expected.items():
        found = _all_hits(backend, phrase)
        assert found == {f"resource:{n}" for n in range(800) if n % 4 in shapes}, phrase


def test_a_large_new_segment_has_its_most_frequent_words_read_in_the_background(tmp_path, monkeypatch):
    monkeypatch.setattr(whoosh_backend, "WARM_SEGMENT_DOCS", 100)
    backend = WhooshBackend(tmp_path, build_processes=1, warm_terms=2)
    backend.rebuild(_document(n, word="common" if n % 3 else "common rare") for n in range(300))
    assert _total(backend, "item") == 300            # the first search opens the searcher and starts warming
    for thread in threading.enumerate():
        if thread.name == "globe-search-warm":
            thread.join(timeout=30)
    reader = backend._searcher.reader()
    cached = backend._cache.for_reader(reader)._bitsets
    assert backend._cache.for_reader(reader).warmed
    assert ("term", "body", "common") in cached and ("term", "body", "text") in cached
    assert ("term", "body", "rare") not in cached          # only the two most frequent words


def test_a_build_that_spills_sorted_runs_to_disk_finds_the_same_as_one_that_does_not(tmp_path, monkeypatch):
    documents = [_document(n, word=f"common w{n % 7} w{n % 11}") for n in range(600)]
    in_memory = WhooshBackend(tmp_path / "memory", build_processes=1)
    in_memory.rebuild(documents)
    monkeypatch.setattr(whoosh_backend, "BUILD_POOL_MB", 0.05)    # about 300 postings a run
    spilled = WhooshBackend(tmp_path / "spilled", build_processes=1)
    spilled.rebuild(documents)
    for text in ("common", "w3", "w3 w5", '"w3 w5"', "item*", "-w1 common"):
        assert _all_hits(in_memory, text) == _all_hits(spilled, text) != set(), text
