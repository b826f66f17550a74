"""Copying every row of Globe's database into another one, e.g. an embedded SQLite install into PostgreSQL.

The target must already have the schema (`flask --app wsgi db upgrade` run against it) and no rows.
Tables are copied parents first, in batches, in one target transaction: a failure leaves it empty.
Ids are kept, so uploads (stored under their SHA-256) and the search index stay valid."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Connection, Engine, Table, bindparam, func, inspect, select, text, update

from ..errors import Conflict, InvalidInput
from ..extensions import db

BATCH = 1000


def copy_data(source: Engine, target: Engine, *, on_table: Callable[[str, int], object] = lambda name, rows: None,
              batch_size: int = BATCH) -> dict[str, int]:
    """Copy every table from source to target; returns the number of rows copied per table."""
    tables = db.metadata.sorted_tables
    _check_target(target, tables)
    counts: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        restore = []
        for table in tables:
            counts[table.name], later = _copy_table(reading, writing, table, batch_size)
            restore.append((table, later))
            on_table(table.name, counts[table.name])
        for table, later in restore:
            _restore_deferred(writing, table, later)
        if writing.dialect.name == "postgresql":
            _reset_sequences(writing, tables)
    return counts


def _check_target(target: Engine, tables: list[Table]) -> None:
    existing = set(inspect(target).get_table_names())
    missing = [table.name for table in tables if table.name not in existing]
    if missing:
        raise InvalidInput({"target": [f"The target database has no {missing[0]} table: run "
                                       "`flask --app wsgi db upgrade` against it first."]})
    with target.connect() as connection:
        filled = [table.name for table in tables if connection.scalar(select(func.count()).select_from(table))]
    if filled:
        raise Conflict(f"The target database is not empty ({', '.join(filled)} have rows): "
                       "copy only into a freshly migrated database.")


def _copy_table(reading: Connection, writing: Connection, table: Table, batch_size: int) -> tuple[int, list[dict]]:
    """Copy in primary-key order; returns the row count and the deferred values to restore."""
    rows = reading.execution_options(yield_per=batch_size).execute(
        select(table).order_by(*table.primary_key.columns))
    count, later = 0, []
    for batch in rows.partitions():
        values = [dict(row._mapping) for row in batch]
        later.extend(_take_deferred(values, table))
        writing.execute(table.insert(), values)
        count += len(values)
    return count, later


def _deferred_columns(table: Table) -> list[Column]:
    """Foreign keys that close a cycle (use_alter, such as a page's current revision) point to rows
    copied later, so they are written once every table is copied."""
    return [fk.parent for fk in table.foreign_keys if fk.constraint.use_alter]


def _take_deferred(values: list[dict], table: Table) -> list[dict]:
    """Blank the deferred columns in `values`; return the updates that restore them."""
    deferred, keys = _deferred_columns(table), list(table.primary_key.columns)
    updates = []
    for row in values:
        if any(row[column.name] is not None for column in deferred):
            updates.append({**{f"key_{c.name}": row[c.name] for c in keys},
                            **{f"set_{c.name}": row[c.name] for c in deferred}})
        for column in deferred:
            row[column.name] = None
    return updates


def _restore_deferred(writing: Connection, table: Table, updates: list[dict]) -> None:
    if not updates:
        return
    statement = update(table).where(*(c == bindparam(f"key_{c.name}") for c in table.primary_key.columns))
    writing.execute(statement.values({c.name: bindparam(f"set_{c.name}") for c in _deferred_columns(table)}),
                    updates)


def _reset_sequences(writing: Connection, tables: list[Table]) -> None:
    """Rows arrived with their ids, so move each id sequence past the highest one (tables whose
    key has no sequence give NULL, which setval ignores)."""
    quote = writing.dialect.identifier_preparer.quote
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) == 1:
            column, name = quote(keys[0].name), quote(table.name)
            writing.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                                 f"COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {name}"),
                            {"table": name, "column": keys[0].name})
