"""The PostgreSQL search backend's own objects: extensions, text search configuration, tables, rows.

Everything lives in one schema (default `globe_search`) that the backend creates idempotently on
first use, as Whoosh creates its index folder. It is not an Alembic migration on purpose: it is a
derived index, rebuilt from the database at will (`flask globe reindex` builds a new table and
swaps it in), it exists only when GLOBE_SEARCH_BACKEND=postgres, and it may live in another
database (GLOBE_SEARCH_DATABASE_URL). Its own schema also keeps Alembic's autogenerate from ever
proposing to drop it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from globe.search.base import SearchDocument, fold

# Bump when the table layout or the text analysis change: stats() then reports needs_rebuild.
SCHEMA_VERSION = 4               # 4: a description before the body; one kind per document
LIVE_TABLE = "documents"
WORDS_TABLE = "words"
COMMON_TABLE = "common_words"
# Common lexemes (whose adjacent pairs are indexed, see pairs_tsvector) are chosen when the index is
# rebuilt, on the first COMMON_SAMPLE documents, as the Whoosh backend chooses its common words.
COMMON_SAMPLE = 2_000
COMMON_SAMPLE_MIN = 500
COMMON_SHARE = 0.02
COMMON_LIMIT = 2_000
PAIR_JOINER = "~"                   # the text parser splits words on it, so no indexed word holds it
CONFIG = "globe_english"
_SAFE_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")


@dataclass(frozen=True)
class Features:
    """What this PostgreSQL server offers."""
    unaccent: bool
    fuzzy: bool                 # fuzzystrmatch, for spelling suggestions


def check_identifier(name: str) -> str:
    """Schema and table names are put into SQL text, so only plain lower-case names are accepted."""
    if not _SAFE_IDENTIFIER.match(name):
        raise ValueError(f"Not a plain lower-case SQL name: {name!r}")
    return name


def install(connection: Connection, schema: str) -> Features:
    """Create the extensions, the schema, the text search configuration and the live tables."""
    # Two processes starting at once would race on CREATE ... IF NOT EXISTS: take turns.
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('globe-search-install'))"))
    features = Features(unaccent=_extension(connection, "unaccent"), fuzzy=_extension(connection, "fuzzystrmatch"))
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    if not connection.scalar(text("SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace "
                                  "WHERE n.nspname = :schema AND c.cfgname = :config"),
                             {"schema": schema, "config": CONFIG}):
        _create_config(connection, schema, features)
    if not connection.scalar(text("SELECT to_regprocedure(:name) IS NOT NULL"),
                             {"name": f'"{schema}".with_pairs(tsvector, text[])'}):
        _create_tsvector_functions(connection, schema)
    if not table_exists(connection, schema, LIVE_TABLE):
        create_tables(connection, schema, LIVE_TABLE, WORDS_TABLE, COMMON_TABLE)
        create_indexes(connection, schema, LIVE_TABLE)
    elif layout_version(connection, schema) < SCHEMA_VERSION:
        _keep_older_table_usable(connection, schema)
    return features


def _keep_older_table_usable(connection: Connection, schema: str) -> None:
    """Let a table of an older layout answer and take writes until `reindex` rebuilds it.

    Version 1 had no head_tsv: an empty one (added without rewriting the table) puts every match of
    a large result set in the second tier, newest first; documents written meanwhile get theirs.
    Versions 1 and 2 had no common words: an empty set means no pairs are written or looked for.
    """
    connection.execute(text(f'ALTER TABLE "{schema}".{LIVE_TABLE} '
                            f"ADD COLUMN IF NOT EXISTS head_tsv tsvector NOT NULL DEFAULT ''"))
    if not table_exists(connection, schema, COMMON_TABLE):
        _create_common_table(connection, schema, COMMON_TABLE)


def _extension(connection: Connection, name: str) -> bool:
    """Whether the extension is there, creating it if this role may (else a superuser must, once)."""
    if connection.scalar(text("SELECT 1 FROM pg_extension WHERE extname = :name"), {"name": name}):
        return True
    if not connection.scalar(text("SELECT 1 FROM pg_available_extensions WHERE name = :name"), {"name": name}):
        return False
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(f"CREATE EXTENSION IF NOT EXISTS {name}"))
    except DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _create_config(connection: Connection, schema: str, features: Features) -> None:
    """English stemming (like the Whoosh backend), with accents removed first when unaccent exists.

    Indexed and queried text is already folded in Python (base.fold); unaccent lets ts_headline
    find "Éxito" in the original text for "exito".
    """
    connection.execute(text(f'CREATE TEXT SEARCH CONFIGURATION "{schema}".{CONFIG} (COPY = pg_catalog.english)'))
    if features.unaccent:
        connection.execute(text(
            f'ALTER TEXT SEARCH CONFIGURATION "{schema}".{CONFIG} ALTER MAPPING FOR hword, hword_part, word, '
            f"asciiword, asciihword, hword_asciipart WITH unaccent, english_stem"))


def _create_tsvector_functions(connection: Connection, schema: str) -> None:
    """A document's weighted tsvectors: its head (title A, tags B), and the whole (head, body C).

    A body too varied for one tsvector (1 MB) is indexed in part: a million characters of distinct
    tokens (say, a spreadsheet of codes) exceed PostgreSQL's limit; halving the body until it fits
    keeps the document findable instead of failing the batch.
    """
    config = f"'\"{schema}\".{CONFIG}'::regconfig"
    connection.execute(text(f"""
        CREATE OR REPLACE FUNCTION "{schema}".head_tsvector(title text, tags text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
            SELECT setweight(to_tsvector({config}, title), 'A') || setweight(to_tsvector({config}, tags), 'B')
        $$"""))
    connection.execute(text(f"""
        CREATE OR REPLACE FUNCTION "{schema}".document_tsvector(title text, tags text, body text)
        RETURNS tsvector LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            LOOP
                BEGIN
                    RETURN "{schema}".head_tsvector(title, tags)
                        || setweight(to_tsvector({config}, body), 'C');
                EXCEPTION WHEN program_limit_exceeded THEN
                    body := left(body, length(body) / 2);
                END;
            END LOOP;
        END $$"""))
    # Pairs of adjacent common lexemes ("also~gcloud"), from the tsvector's own positions, so they
    # follow PostgreSQL's stemming and stop words exactly: 'also' <-> 'gcloud' holds in a document
    # if and only if it has the lexeme 'also~gcloud'. They carry no positions (ts_rank_cd and
    # phrases ignore them). ts_delete twice keeps the common lexemes only (a binary search each).
    connection.execute(text(f"""
        CREATE OR REPLACE FUNCTION "{schema}".pairs_tsvector(tsv tsvector, common text[]) RETURNS tsvector
        LANGUAGE sql IMMUTABLE AS $$
            WITH kept AS (SELECT ts_delete(tsv, tsvector_to_array(ts_delete(tsv, common))) AS t),
                 at AS (SELECT u.lexeme, p FROM kept, unnest(kept.t) u, unnest(u.positions) p)
            SELECT coalesce(array_to_tsvector(array_agg(DISTINCT a.lexeme || '{PAIR_JOINER}' || b.lexeme)),
                            ''::tsvector)
            FROM at a JOIN at b ON b.p = a.p + 1
        $$"""))
    # A tsvector at PostgreSQL's 1 MB limit keeps its words without pairs (its phrases of common
    # words are then not found) rather than failing the batch.
    connection.execute(text(f"""
        CREATE OR REPLACE FUNCTION "{schema}".with_pairs(tsv tsvector, common text[]) RETURNS tsvector
        LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
            IF cardinality(common) = 0 THEN
                RETURN tsv;
            END IF;
            RETURN tsv || "{schema}".pairs_tsvector(tsv, common);
        EXCEPTION WHEN program_limit_exceeded THEN
            RETURN tsv;
        END $$"""))


def table_exists(connection: Connection, schema: str, table: str) -> bool:
    return bool(connection.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": f'"{schema}".{table}'}))


def create_tables(connection: Connection, schema: str, table: str, words: str, common: str) -> None:
    connection.execute(text(f"""
        CREATE TABLE "{schema}".{table} (
            doc_id text PRIMARY KEY,
            object_id bigint NOT NULL,
            title text NOT NULL,
            body text NOT NULL,
            url text NOT NULL,
            summary text NOT NULL,
            community_name text,
            updated timestamptz NOT NULL,
            created timestamptz NOT NULL,
            version text NOT NULL,
            principals text[] NOT NULL,
            facets text[] NOT NULL,          -- "facet=value", in each facet's order
            tsv tsvector NOT NULL,           -- title A, tags B, body C; pairs of common words
            head_tsv tsvector NOT NULL       -- title A, tags B: what ranks very large result sets
        ) WITH (toast_tuple_target = 128)"""))
    # Rows of a few hundred bytes: the body and the tsvector go to TOAST (read for a page of hits, or
    # by a scan that checks a match), so that matching, facet counts and date order read ~20 rows per
    # 8 KB page, not ~3. STORAGE MAIN keeps what every matching row is checked for in the row itself.
    connection.execute(text(f'ALTER TABLE "{schema}".{table} ALTER COLUMN principals SET STORAGE MAIN, '
                            f"ALTER COLUMN facets SET STORAGE MAIN, ALTER COLUMN head_tsv SET STORAGE MAIN"))
    connection.execute(text(f"COMMENT ON TABLE \"{schema}\".{table} IS 'globe-search {SCHEMA_VERSION}'"))
    # Words (stems and, from titles and tags, spellings) for "did you mean"; never pruned, since a
    # suggestion is only offered after checking that a visible document holds it.
    connection.execute(text(f'CREATE TABLE "{schema}".{words} (word text COLLATE "C" PRIMARY KEY)'))
    _create_common_table(connection, schema, common)


def _create_common_table(connection: Connection, schema: str, common: str) -> None:
    """One row: the common lexemes of its generation of documents (empty until chosen: no pairs)."""
    connection.execute(text(f'CREATE TABLE "{schema}".{common} (lexemes text[] NOT NULL)'))
    connection.execute(text(f"INSERT INTO \"{schema}\".{common} VALUES ('{{}}')"))


def choose_common_words(connection: Connection, schema: str, table: str, common: str) -> None:
    """Record the lexemes in COMMON_SHARE of the documents written so far (a sample, at least
    COMMON_SAMPLE_MIN), at most COMMON_LIMIT, and add their pairs to those documents."""
    sample = connection.scalar(text(f'SELECT count(*) FROM "{schema}".{table}'))
    if sample < COMMON_SAMPLE_MIN:
        return
    connection.execute(text(
        f'UPDATE "{schema}".{common} SET lexemes = ARRAY(SELECT word FROM ts_stat(:documents) '
        f"WHERE ndoc >= :threshold ORDER BY ndoc DESC, word LIMIT {COMMON_LIMIT})"),
        {"documents": f'SELECT tsv FROM "{schema}".{table}', "threshold": COMMON_SHARE * sample})
    connection.execute(text(f'UPDATE "{schema}".{table} SET tsv = "{schema}".with_pairs(tsv, c.lexemes) '
                            f'FROM "{schema}".{common} c'))


def create_indexes(connection: Connection, schema: str, table: str) -> None:
    """After bulk filling, for speed; names carry the table's, so a rebuilt table's never collide.

    GIN, not RUM: ranking is ts_rank_cd over at most MATCH_LIMIT rows, so RUM's ordering inside the
    index is not used, and GIN reads several common words' documents several times faster; phrases
    of common words are found through their pairs, where RUM's stored positions were needed.
    """
    connection.execute(text(f'CREATE INDEX {table}_tsv ON "{schema}".{table} USING gin (tsv)'))
    connection.execute(text(f'CREATE INDEX {table}_head ON "{schema}".{table} USING gin (head_tsv)'))
    connection.execute(text(f'CREATE INDEX {table}_principals ON "{schema}".{table} USING gin (principals)'))
    connection.execute(text(f'CREATE INDEX {table}_facets ON "{schema}".{table} USING gin (facets)'))
    connection.execute(text(f'CREATE INDEX {table}_updated ON "{schema}".{table} (updated DESC, doc_id)'))


def layout_version(connection: Connection, schema: str) -> int:
    comment = connection.scalar(text("SELECT obj_description(to_regclass(:name), 'pg_class')"),
                                {"name": f'"{schema}".{LIVE_TABLE}'}) or ""
    return int(comment.rsplit(" ", 1)[-1]) if comment.startswith("globe-search ") else 0


def upsert_sql(schema: str, table: str, common: str) -> str:
    """The statement that writes one document (run with executemany), with the pairs of the common
    words of its table's generation."""
    tsv = (f'"{schema}".with_pairs("{schema}".document_tsvector(coalesce(:folded_title, :title), :folded_tags, '
           f'coalesce(:folded_body, :body)), (SELECT c.lexemes FROM "{schema}".{common} c))')
    head_tsv = f'"{schema}".head_tsvector(coalesce(:folded_title, :title), :folded_tags)'
    columns = ("doc_id, object_id, title, body, url, summary, community_name, updated, created, version, "
               "principals, facets")
    values = ", ".join(f":{c}" for c in columns.split(", "))
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*columns.split(", ")[1:], "tsv", "head_tsv"))
    return (f'INSERT INTO "{schema}".{table} ({columns}, tsv, head_tsv) '
            f"VALUES ({values}, {tsv}, {head_tsv}) "
            f"ON CONFLICT (doc_id) DO UPDATE SET {updates}")


def words_sql(schema: str, table: str, words: str) -> str:
    """The statement that records the words of the documents :doc_ids (once per batch).

    Index terms (stems) come from the stored tsvectors; words of titles and tags are also kept as
    spelled, as the Whoosh backend's spelling field does.
    """
    tags = "array_to_string(ARRAY(SELECT substr(f, 5) FROM unnest(d.facets) f WHERE f LIKE 'tag=%'), ' ')"
    return (f'INSERT INTO "{schema}".{words} (word) '
            f"SELECT DISTINCT w FROM \"{schema}\".{table} d, unnest(tsvector_to_array(d.tsv) || "
            f"tsvector_to_array(to_tsvector('simple', d.title || ' ' || {tags}))) AS w "
            f"WHERE d.doc_id = ANY(:doc_ids) AND length(w) < 64 AND strpos(w, '{PAIR_JOINER}') = 0 "
            f"ON CONFLICT DO NOTHING")


def row(doc: SearchDocument) -> dict[str, Any]:
    """Bound parameters for upsert_sql(); folded copies are sent only where folding changes the text."""
    facets = doc.facet_values()
    tags = " ".join(doc.tags)
    body = doc.text()
    return {
        "doc_id": doc.doc_id, "object_id": doc.object_id, "title": doc.title, "body": _clean(body),
        "url": doc.url, "summary": doc.summary, "community_name": doc.community_name,
        "updated": doc.updated, "created": doc.created, "version": doc.version,
        "principals": [p.replace(",", " ").strip() for p in doc.principals],
        "facets": [f"{name}={value}" for name, values in facets.items() for value in values],
        "folded_title": fold_text(doc.title), "folded_tags": fold(tags) if tags else "",
        "folded_body": fold_text(body),
    }


def fold_text(value: str) -> str | None:
    """base.fold without its cache (bodies are large), or None when PostgreSQL's lower-casing suffices."""
    return None if value.isascii() else _clean(fold.__wrapped__(value))


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL characters.
    return value.replace("\x00", " ") if "\x00" in value else value
