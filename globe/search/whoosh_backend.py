"""The default search backend: a Whoosh index in a folder, shared safely by processes and threads.

The folder holds generations (`gen-*` directories) and a CURRENT file naming the live one, so a
rebuild happens beside the live index and is swapped in with one os.replace.
"""
from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from itertools import chain, islice
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, FileIndex, LockError
from whoosh.multiproc import MpWriter
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, SegmentWriter

from globe.search import whoosh_pool
from globe.search.base import PreparedQuery, SearchDocument, SearchQuery, SearchResults
from globe.search.whoosh_cache import IndexCache, SegmentCache
from globe.search.whoosh_schema import (
    COMMON_SAMPLE,
    SCHEMA_VERSION,
    GlobeCodec,
    analyze,
    build_schema,
    common_words,
    document_fields,
)
from globe.search.whoosh_search import answer

whoosh_pool.install()
POINTER_FILE = "CURRENT"
SCHEMA_FILE = "SCHEMA_VERSION"
COMMON_WORDS_FILE = "COMMON_WORDS"
INDEX_NAME = "MAIN"
PROGRESS_EVERY = 500
BUILD_POOL_MB = 256             # postings held in memory per build process before a sorted run spills
BUILD_BATCH = 200               # documents handed to a build process at a time
WARM_TERMS = 200                # most frequent body words read into memory when a large segment opens
WARM_SEGMENT_DOCS = 10_000      # smaller segments are quick to read anyway


class WhooshBackend:
    """SearchBackend over a Whoosh index in `index_dir` (created on first use)."""

    name = "whoosh"

    def __init__(self, index_dir: Path, *, lock_timeout: float = 30.0, build_processes: int | None = None,
                 warm_terms: int = WARM_TERMS):
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self.warm_terms = warm_terms
        self.build_processes = build_processes if build_processes is not None else min(os.cpu_count() or 1, 4)
        self._lock = threading.RLock()      # one searcher per process: Whoosh readers aren't thread-safe
        self._generation: str | None = None
        self._searcher: Searcher | None = None
        self._cache = IndexCache()
        self._common_by_generation: dict[str, frozenset[str]] = {}

    # -- writing ---------------------------------------------------------------------------------

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str], *,
              wait: bool = False) -> bool:
        """Write one atomic batch (deletes first, then upserts).

        False, writing nothing, when another writer holds the lock (wait=False) or kept it past
        `lock_timeout` (wait=True): the caller's queue keeps the changes for a later attempt.
        """
        latest = {doc.doc_id: doc for doc in upserts}      # one batch never indexes a document twice
        if not latest and not deletes:
            return True
        writer = self._acquire_writer(wait=wait)
        if writer is None:
            return False
        try:
            for doc_id in deletes:
                writer.delete_by_term("doc_id", doc_id)
            common = self._common_words(self._writer_generation(writer))
            for doc in latest.values():
                writer.update_document(**document_fields(doc, common))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return True

    def rebuild(self, documents: Iterable[SearchDocument], *,
                progress: Callable[[int], None] | None = None) -> int:
        """Index `documents` into a new generation and swap it in; searches use the old one meanwhile.

        The live writer lock is held throughout, so concurrent apply() calls wait or return False
        and their changes stay queued instead of landing in the generation about to be discarded.
        """
        with self.writer_lock(wait=True) as old_generation:
            if old_generation is None:
                raise TimeoutError(f"The search index at {self.index_dir} stayed locked by another writer.")
            generation = self._create_generation()
            try:
                count = self._fill(generation, documents, progress)
            except BaseException:
                shutil.rmtree(self.index_dir / generation, ignore_errors=True)
                raise
            self._point_to(generation)
            # Leftovers of crashed rebuilds can go now: no other rebuild runs while we hold the lock.
            for folder in self.index_dir.glob("gen-*"):
                if folder.name not in (generation, old_generation):
                    shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(self.index_dir / old_generation, ignore_errors=True)
        return count

    def clear(self) -> None:
        writer = self._acquire_writer(wait=True)
        if writer is None:
            raise TimeoutError(f"The search index at {self.index_dir} stayed locked by another writer.")
        writer.commit(mergetype=CLEAR)

    @contextmanager
    def writer_lock(self, *, wait: bool = True) -> Iterator[str | None]:
        """Hold the live index's writer lock, as apply() does.

        Yields the live generation's name, or None when the lock could not be taken.
        """
        writer = self._acquire_writer(wait=wait)
        try:
            yield self._writer_generation(writer) if writer is not None else None
        finally:
            if writer is not None:
                writer.cancel()

    def _acquire_writer(self, *, wait: bool) -> SegmentWriter | None:
        """A writer on the live generation, or None if another writer kept the lock."""
        deadline = time.monotonic() + (self.lock_timeout if wait else 0.0)
        while True:
            generation = self._current_generation()
            try:
                writer = self._open_index(generation).writer(
                    timeout=max(0.0, deadline - time.monotonic()), delay=0.05, codec=GlobeCodec())
            except LockError:
                return None
            except (EmptyIndexError, FileNotFoundError):
                if time.monotonic() > deadline + 1.0:   # the pointer kept naming a vanished generation
                    raise
                continue                                # a rebuild just removed this generation
            if self._current_generation() == generation:
                return writer
            writer.cancel()                             # a rebuild swapped generations while we waited

    @staticmethod
    def _writer_generation(writer: SegmentWriter) -> str:
        return Path(writer.storage.folder).name

    def _fill(self, generation: str, documents: Iterable[SearchDocument],
              progress: Callable[[int], None] | None) -> int:
        seen: set[str] = set()
        unique = (doc for doc in documents if doc.doc_id not in seen and not seen.add(doc.doc_id))
        sample = list(islice(unique, COMMON_SAMPLE))
        common = common_words(analyze(doc.body) for doc in sample)
        (self.index_dir / generation / COMMON_WORDS_FILE).write_text("\n".join(sorted(common)), encoding="utf-8")
        writer = self._build_writer(self._open_index(generation))
        try:
            for indexed, doc in enumerate(chain(sample, unique), start=1):
                writer.add_document(**document_fields(doc, common))
                if progress and indexed % PROGRESS_EVERY == 0:
                    progress(indexed)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if progress:
            progress(len(seen))
        return len(seen)

    def _build_writer(self, index: FileIndex) -> SegmentWriter:
        """A writer for a whole new index: on several cores, sub-processes each build a segment.

        Most of a build is Whoosh sorting postings (an external sort through pickled runs), which
        is single-threaded per writer; BUILD_PROCESSES writers share the documents instead.
        """
        if self.build_processes < 2:
            return index.writer(limitmb=BUILD_POOL_MB, codec=GlobeCodec())
        return MpWriter(index, procs=self.build_processes, batchsize=BUILD_BATCH, multisegment=True,
                        limitmb=BUILD_POOL_MB, codec=GlobeCodec())

    # -- reading ---------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        request = PreparedQuery.from_query(query)
        with self._lock:
            try:
                return self._answer(request)
            except (OSError, EmptyIndexError):
                # A rebuild in another process removed the files under our searcher: reopen once.
                self._close_searcher()
                return self._answer(request)

    def _answer(self, request: PreparedQuery) -> SearchResults:
        searcher = self._fresh_searcher()
        return answer(searcher, self._cache, request, self._common_words(self._generation))

    def snapshot(self) -> dict[str, str]:
        with self._lock:
            searcher = self._fresh_searcher()
            versions: dict[str, str] = {}
            for leaf, _ in searcher.leaf_searchers():
                reader = leaf.reader()
                if reader.doc_count_all() == 0:
                    continue
                ids, stamps = reader.column_reader("doc_id"), reader.column_reader("version")
                versions.update((ids[d], stamps[d].decode("utf-8")) for d in reader.all_doc_ids())
            return versions

    def stats(self) -> dict[str, Any]:
        with self._lock:
            searcher = self._fresh_searcher()
            folder = self.index_dir / self._generation
            return {
                "backend": self.name,
                "documents": searcher.doc_count(),
                "size_bytes": sum(f.stat().st_size for f in folder.iterdir() if f.is_file()),
                "segments": len(searcher.leaf_searchers()),
                "generation": self._generation,
                "index_dir": str(self.index_dir),
                "needs_rebuild": _schema_version(folder) != SCHEMA_VERSION,
            }

    def close(self) -> None:
        """Release the open files (tests, shutdown)."""
        with self._lock:
            self._close_searcher()

    def _fresh_searcher(self) -> Searcher:
        generation = self._current_generation()
        if self._searcher is not None and generation == self._generation and self._searcher.up_to_date():
            return self._searcher
        # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it re-adds segments that a merge (or
        # clear) removed, so documents come back twice. A new searcher costs about a millisecond.
        index = self._open_index(generation)
        self._close_searcher()
        self._searcher, self._generation = index.searcher(), generation
        self._cache.retain(leaf.reader() for leaf, _ in self._searcher.leaf_searchers()
                             if leaf.reader().doc_count_all())
        cold = self._cold_segments() if self.warm_terms else []
        if cold:
            threading.Thread(target=self._warm, args=(self._searcher, cold), name="globe-search-warm",
                             daemon=True).start()
        return self._searcher

    def _cold_segments(self) -> list[tuple[IndexReader, SegmentCache]]:
        """Large segments of the new searcher whose frequent words nobody has read yet (claimed here,
        under the lock, so that one thread reads each segment's)."""
        cold = []
        for leaf, _ in self._searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.doc_count_all() < WARM_SEGMENT_DOCS:
                continue
            cache = self._cache.for_reader(reader)
            if not cache.warmed:
                cache.warmed = True
                cold.append((reader, cache))
        return cold

    def _warm(self, searcher: Searcher, cold: list[tuple[IndexReader, SegmentCache]]) -> None:
        """Read the most frequent body words of large new segments while searches go on.

        The first query on a common word otherwise reads its postings from disk (tens of ms at
        100,000 documents). One term at a time under the lock: a search waits for one term at most.
        """
        pending = chain.from_iterable(cache.warm(reader, "body", self.warm_terms) for reader, cache in cold)
        finished = object()
        while True:
            with self._lock:
                if self._searcher is not searcher or next(pending, finished) is finished:
                    return

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            with suppress(OSError):            # its files may already be gone after a rebuild
                self._searcher.close()
        self._searcher, self._generation = None, None

    # -- generations -------------------------------------------------------------------------------

    def _storage(self, generation: str) -> FileStorage:
        # No mmap: at 100k documents mmap grew each process to gigabytes, plain reads stay at ~40 MB.
        return FileStorage(str(self.index_dir / generation), supports_mmap=False)

    def _open_index(self, generation: str) -> FileIndex:
        return self._storage(generation).open_index(INDEX_NAME)

    def _current_generation(self) -> str:
        pointer = self.index_dir / POINTER_FILE
        try:
            return pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        self.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileStorage(str(self.index_dir)).lock("GENERATION_LOCK")
        lock.acquire(blocking=True)         # two processes starting at once must agree on one generation
        try:
            if pointer.exists():
                return pointer.read_text(encoding="utf-8").strip()
            generation = self._create_generation()
            self._point_to(generation)
            return generation
        finally:
            lock.release()

    def _create_generation(self) -> str:
        generation = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
        self._storage(generation).create().create_index(build_schema(), indexname=INDEX_NAME)
        (self.index_dir / generation / SCHEMA_FILE).write_text(str(SCHEMA_VERSION), encoding="utf-8")
        return generation

    def _common_words(self, generation: str) -> frozenset[str]:
        """The common words of a generation, chosen when it was built (none for a first, empty one)."""
        if generation not in self._common_by_generation:
            try:
                text = (self.index_dir / generation / COMMON_WORDS_FILE).read_text(encoding="utf-8")
            except FileNotFoundError:
                text = ""
            self._common_by_generation = {generation: frozenset(text.split())}
        return self._common_by_generation[generation]

    def _point_to(self, generation: str) -> None:
        staged = self.index_dir / f"{POINTER_FILE}.{secrets.token_hex(4)}.tmp"
        staged.write_text(generation, encoding="utf-8")
        os.replace(staged, self.index_dir / POINTER_FILE)


def _schema_version(folder: Path) -> int:
    try:
        return int((folder / SCHEMA_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return 0
