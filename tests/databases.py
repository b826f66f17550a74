"""PostgreSQL for the tests: which server, and databases that belong to one test run only.

GLOBE_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@localhost/globe_test) runs the whole
suite on PostgreSQL. The database it names must exist; it is only connected to, never changed: each
pytest process creates `<name>_<worker>` beside it and drops it at the end. Tests that need an
empty database (migrations, copying data) get a throwaway `<name>_<worker>_<random>` one.
GLOBE_TEST_POSTGRES_URL names the server for the `postgres`-marked tests when the suite itself runs
on SQLite (default: that variable, else GLOBE_TEST_DATABASE_URL, else postgres on localhost)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from globe.extensions import db

DATABASE_ENV = "GLOBE_TEST_DATABASE_URL"
POSTGRES_ENV = "GLOBE_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@localhost/postgres"


def suite_database_url() -> URL | None:
    """The database the whole suite runs on, when it is PostgreSQL; None for SQLite."""
    value = os.environ.get(DATABASE_ENV)
    return make_url(value) if value else None


def postgres_server_url() -> URL:
    """The server (and an existing database to connect to) for PostgreSQL-only tests."""
    return make_url(os.environ.get(POSTGRES_ENV) or os.environ.get(DATABASE_ENV) or DEFAULT_POSTGRES_URL)


def is_reachable(url: URL) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def worker_database_url(base: URL) -> URL:
    """This pytest process's own database beside `base`."""
    return base.set(database=f"{base.database[:50]}_{worker_name()}")


def create_database(server: URL, name: str) -> URL:
    """Create `name` on the server of `server` (dropping a leftover of a killed run of ours first)."""
    drop_database(server, name)
    _run(server, f'CREATE DATABASE "{name}"')
    return server.set(database=name)


def drop_database(server: URL, name: str) -> None:
    _run(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_database(server: URL) -> Iterator[URL]:
    """A new, empty database with a unique name, dropped afterwards whatever happens."""
    name = f"{server.database[:40]}_{worker_name()}_{uuid.uuid4().hex[:10]}"
    url = create_database(server, name)
    try:
        yield url
    finally:
        drop_database(server, name)


def _run(server: URL, statement: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def empty_all_tables(connection, tables: list[Table] | None = None) -> None:
    """Delete every row of Globe's tables (children first) and restart the id sequences, in one round
    trip. With the few rows a test writes, this takes a tenth of the time of TRUNCATE."""
    tables = db.metadata.sorted_tables if tables is None else tables
    quote = connection.dialect.identifier_preparer.quote
    sequences = connection.scalars(text("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences "
                                        "WHERE schemaname = current_schema()"))
    statements = [f"DELETE FROM {quote(table.name)}" for table in reversed(tables)]
    statements += [f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences]
    connection.exec_driver_sql("; ".join(statements))
