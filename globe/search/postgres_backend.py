"""The PostgreSQL full-text search backend: documents in a table with a weighted tsvector.

Matching uses a GIN index on the tsvector, which also holds pairs of adjacent common words (so a
phrase of common words is one index lookup); how much work one search does is bounded as
postgres_search explains. Writers take a shared advisory lock and rebuild() an exclusive
one, so no change lands in a table that a rebuild is about to replace; the rebuilt table is
swapped in by renaming, in one transaction, while searches go on.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from globe.search.base import PreparedQuery, SearchDocument, SearchQuery, SearchResults
from globe.search.postgres_schema import (
    COMMON_SAMPLE,
    COMMON_TABLE,
    CONFIG,
    LIVE_TABLE,
    SCHEMA_VERSION,
    WORDS_TABLE,
    Features,
    check_identifier,
    choose_common_words,
    create_indexes,
    create_tables,
    install,
    layout_version,
    row,
    upsert_sql,
    words_sql,
)
from globe.search.postgres_search import Tables, answer

BATCH = 500
SEARCH_WORK_MEM = "64MB"        # exact bitmaps for common words (the default 4 MB goes lossy)


def engine_for(url: str) -> Engine:
    """An engine on psycopg 3 (a bare postgresql:// URL would ask SQLAlchemy for psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)


class PostgresBackend:
    """SearchBackend over tables in `schema` of the PostgreSQL database at `url` (created on first use)."""

    name = "postgres"

    def __init__(self, url: str | Engine, *, schema: str = "globe_search", lock_timeout: float = 30.0):
        self.engine = url if isinstance(url, Engine) else engine_for(url)
        self.schema = check_identifier(schema)
        self.lock_timeout = lock_timeout
        self._features: Features | None = None

    # -- writing ---------------------------------------------------------------------------------

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str], *,
              wait: bool = False) -> bool:
        """Write one atomic batch (deletes first, then upserts); False, writing nothing, while a
        rebuild or clear holds the lock (past `lock_timeout` when wait=True)."""
        latest = {doc.doc_id: doc for doc in upserts}      # one batch never indexes a document twice
        if not latest and not deletes:
            return True
        self._ready()
        with self.engine.begin() as connection:
            if not self._lock(connection, shared=True, wait=wait):
                return False
            if deletes:
                connection.execute(text(f'DELETE FROM "{self.schema}".{LIVE_TABLE} WHERE doc_id = ANY(:ids)'),
                                   {"ids": list(deletes)})
            self._write(connection, (LIVE_TABLE, WORDS_TABLE, COMMON_TABLE), list(latest.values()))
        return True

    def rebuild(self, documents: Iterable[SearchDocument], *,
                progress: Callable[[int], None] | None = None) -> int:
        """Fill new tables beside the live ones, then swap them in; searches use the old ones meanwhile.

        The exclusive lock is held on its own connection throughout, so concurrent apply() calls
        wait or return False and their changes stay queued instead of landing in the old table.
        """
        self._ready()
        suffix = secrets.token_hex(4)
        staged = (f"{LIVE_TABLE}_{suffix}", f"{WORDS_TABLE}_{suffix}", f"{COMMON_TABLE}_{suffix}")
        with self.engine.connect() as lock_connection, lock_connection.begin():
            if not self._lock(lock_connection, shared=False, wait=True):
                raise TimeoutError(f"The search tables in {self.schema} stayed locked by another writer.")
            try:
                count = self._fill(staged, documents, progress)
                self._swap(lock_connection, staged)
            except BaseException:
                self._drop_staged(staged)
                raise
        return count

    def clear(self) -> None:
        self._ready()
        with self.engine.begin() as connection:
            if not self._lock(connection, shared=False, wait=True):
                raise TimeoutError(f"The search tables in {self.schema} stayed locked by another writer.")
            connection.execute(text(f'TRUNCATE "{self.schema}".{LIVE_TABLE}, "{self.schema}".{WORDS_TABLE}'))

    def _fill(self, staged: tuple[str, str, str], documents: Iterable[SearchDocument],
              progress: Callable[[int], None] | None) -> int:
        """Write the documents into the staged tables; the common words are chosen once the first
        COMMON_SAMPLE are in (or all of them, if fewer), and every later document gets its pairs."""
        table, words, common = staged
        with self.engine.begin() as connection:
            create_tables(connection, self.schema, table, words, common)
        seen: set[str] = set()
        unique = (doc for doc in documents if doc.doc_id not in seen and not seen.add(doc.doc_id))
        chosen = False
        for batch in _batches(unique, BATCH):
            with self.engine.begin() as connection:
                self._write(connection, staged, batch)
                if not chosen and len(seen) >= COMMON_SAMPLE:
                    choose_common_words(connection, self.schema, table, common)
                    chosen = True
            if progress:
                progress(len(seen))
        with self.engine.begin() as connection:
            if not chosen:
                choose_common_words(connection, self.schema, table, common)
            create_indexes(connection, self.schema, table)
        # Statistics for the planner, and a visibility map so counts can skip reading rows.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'VACUUM (ANALYZE) "{self.schema}".{table}'))
        if progress:
            progress(len(seen))
        return len(seen)

    def _swap(self, connection: Connection, staged_tables: tuple[str, str, str]) -> None:
        """Rename the filled tables into place and drop the old ones, in the lock's transaction."""
        schema = self.schema
        for live, staged in zip((LIVE_TABLE, WORDS_TABLE, COMMON_TABLE), staged_tables, strict=True):
            connection.execute(text(f'DROP TABLE IF EXISTS "{schema}".{live}_old'))
            connection.execute(text(f'ALTER TABLE "{schema}".{live} RENAME TO {live}_old'))
            connection.execute(text(f'ALTER TABLE "{schema}".{staged} RENAME TO {live}'))
            connection.execute(text(f'DROP TABLE "{schema}".{live}_old'))

    def _drop_staged(self, staged: tuple[str, str, str]) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS " + ", ".join(f'"{self.schema}".{t}' for t in staged)))

    def _write(self, connection: Connection, tables: tuple[str, str, str], documents: list[SearchDocument]) -> None:
        """Upsert documents into (documents, words, common words) tables."""
        if not documents:
            return
        table, words, common = tables
        connection.execute(text(upsert_sql(self.schema, table, common)), [row(doc) for doc in documents])
        connection.execute(text(words_sql(self.schema, table, words)),
                           {"doc_ids": [doc.doc_id for doc in documents]})

    def _lock(self, connection: Connection, *, shared: bool, wait: bool) -> bool:
        """Take this schema's writer lock for the connection's transaction."""
        key = {"key": f"globe-search:{self.schema}"}
        kind = "_shared" if shared else ""
        if not wait:
            return bool(connection.scalar(text(f"SELECT pg_try_advisory_xact_lock{kind}(hashtext(:key))"), key))
        connection.execute(text(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'"))
        savepoint = connection.begin_nested()
        try:
            connection.execute(text(f"SELECT pg_advisory_xact_lock{kind}(hashtext(:key))"), key)
        except OperationalError:           # lock_timeout: the lock stayed taken
            savepoint.rollback()
            return False
        savepoint.commit()
        connection.execute(text("SET LOCAL lock_timeout = 0"))
        return True

    # -- reading ---------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        request = PreparedQuery.from_query(query)
        features = self._ready()
        tables = Tables(documents=f'"{self.schema}".{LIVE_TABLE}', words=f'"{self.schema}".{WORDS_TABLE}',
                        common=f'"{self.schema}".{COMMON_TABLE}', config=f'"{self.schema}".{CONFIG}',
                        fuzzy=features.fuzzy)
        with self._reading() as connection:
            return answer(connection, tables, request)

    def snapshot(self) -> dict[str, str]:
        self._ready()
        with self._reading() as connection:
            return dict(connection.execute(text(f'SELECT doc_id, version FROM "{self.schema}".{LIVE_TABLE}')).all())

    def stats(self) -> dict[str, Any]:
        self._ready()
        live = f'"{self.schema}".{LIVE_TABLE}'
        with self._reading() as connection:
            return {
                "backend": self.name,
                "documents": connection.scalar(text(f"SELECT count(*) FROM {live}")),
                "size_bytes": connection.scalar(text("SELECT pg_total_relation_size(to_regclass(:t))"), {"t": live}),
                "schema": self.schema,
                "rank_index": connection.scalar(text(
                    "SELECT a.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = CAST(:t AS regclass) "
                    "AND a.amname IN ('gin', 'rum') AND pg_get_indexdef(i.indexrelid) LIKE '%(tsv%' LIMIT 1"),
                    {"t": live}),
                "needs_rebuild": layout_version(connection, self.schema) != SCHEMA_VERSION,
            }

    def close(self) -> None:
        """Close the pooled connections (tests, shutdown)."""
        self.engine.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One consistent snapshot for every statement of an answer."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                connection.execute(text(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'"))
                # Parallel workers cost more than they save on small servers running several requests.
                connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
                # psycopg prepares a statement run 5 times, and PostgreSQL then may plan it once for any
                # parameters; how many rows a tsquery matches decides the plan, so plan every time.
                connection.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
                yield connection

    def _ready(self) -> Features:
        if self._features is None:
            with self.engine.begin() as connection:
                self._features = install(connection, self.schema)
        return self._features


def _batches(items: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
