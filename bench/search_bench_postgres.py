"""PostgreSQL search benchmark: the same corpus and query classes as search_bench.py, on PostgresBackend.

    .venv/bin/python bench/search_bench_postgres.py --resources 280000 --pages 20000

Builds into a throwaway database on the server of --server (dropped at the end unless --keep),
then prints the build time, the size of the search tables, and per query class p50/p95 directly
against the backend with highlights, with and without facet counts. Results go to
docs/benchmarks.md ("PostgreSQL search") by hand."""
from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus  # noqa: E402
from search_bench import measure_backend, query_classes, timed_build  # noqa: E402

from globe.search import PostgresBackend  # noqa: E402


def run_sql(server_url: str, statement: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=280_000)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql",
                        help="an existing database on the server; the benchmark creates its own beside it")
    parser.add_argument("--database", help="reuse this database (built by an earlier --keep run) instead")
    parser.add_argument("--keep", action="store_true", help="keep the database for another run")
    args = parser.parse_args()
    server = make_url(args.server)
    name = args.database or f"globe_search_bench_{uuid.uuid4().hex[:8]}"
    if not args.database:
        run_sql(server.render_as_string(hide_password=False), f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    corpus = Corpus(paragraphs=40000)
    backend = PostgresBackend(url)
    total = args.resources + args.pages
    try:
        if not args.database:
            build_seconds = timed_build(backend, corpus, args.resources, args.pages, f"database {name}")
            print(f"full build: {build_seconds:.0f} s = {total / build_seconds:.0f} documents/s")
        stats = backend.stats()
        classes = query_classes(corpus)
        for queries in classes.values():      # warm the caches as a running server would be
            measure_backend(backend, queries[:5])
        with_facets = {name: measure_backend(backend, queries) for name, queries in classes.items()}
        without = {name: measure_backend(backend, queries, facets=False) for name, queries in classes.items()}
    finally:
        backend.close()
        if not args.keep:
            run_sql(server.render_as_string(hide_password=False), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"\n{stats['documents']} documents, ranking index {stats['rank_index']}, search tables "
          f"{stats['size_bytes'] / 2**20:.0f} MB, highlights on\n")
    print("| query class | p50 ms | p95 ms | p50 ms, no facets | p95 ms, no facets |")
    print("|---|---|---|---|---|")
    for label in classes:
        f, n = with_facets[label], without[label]
        print(f"| {label} | {f['p50_ms']:.0f} | {f['p95_ms']:.0f} | {n['p50_ms']:.0f} | {n['p95_ms']:.0f} |")
    if args.keep:
        print(f"\nkept database {name}: rerun with --database {name}")


if __name__ == "__main__":
    main()
