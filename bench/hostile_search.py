"""Hostile search requests: the slowest a single request can be made, on both backends.

    .venv/bin/python bench/hostile_search.py --documents 10000 [--keep DIR] [--no-postgres]

Builds the corpus of search_bench.py (real manual-page text, 14 CoPs, 10% private) into a Whoosh
index and into a throwaway PostgreSQL database (postgres on localhost, as the tests reach it), then
times each hostile query as an anonymous visitor with highlights and facets on, as the search page
asks: an over-long word, hundreds of random words (every one a "did you mean" candidate), many ORs,
deep parentheses, wildcards and unbalanced quotes, and last four of the slowest at once. With
--keep DIR the Whoosh index and the database name are kept there and reused by the next run.
Results go to docs/benchmarks.md ("Hostile search requests") by hand."""
from __future__ import annotations

import argparse
import random
import shutil
import string
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus  # noqa: E402
from search_bench import query_classes, timed_build  # noqa: E402
from search_bench_postgres import run_sql  # noqa: E402

from globe.search import PostgresBackend, SearchBackend, SearchQuery, WhooshBackend  # noqa: E402

POSTGRES_SERVER = "postgresql+psycopg://postgres@localhost/postgres"
CONCURRENT = 4


def random_word(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def hostile_queries(corpus: Corpus) -> dict[str, str]:
    """Each kind of input that once made (or could make) one request slow, by name."""
    rng = random.Random(3)
    common = query_classes(corpus)["common word"]
    typos = [word[0] + word[2] + word[1] + word[3:] for word in common[:40]]
    return {
        "one 10,000-char word": random_word(rng, 10_000),
        "10,000 times the letter a": "a" * 10_000,
        "200 random words": " ".join(random_word(rng, rng.randint(5, 14)) for _ in range(200)),
        "200 random 30-letter words": " ".join(random_word(rng, 30) for _ in range(200)),
        "40 typos of common words": " ".join(typos),
        "200 common words OR'd": " OR ".join(rng.choice(common) for _ in range(200)),
        "200 random words OR'd": " OR ".join(random_word(rng, 8) for _ in range(200)),
        "200 nested parentheses": "(" * 200 + " ".join(common[:3]) + ")" * 200,
        "200 two-letter wildcards": " OR ".join(f"{random_word(rng, 2)}*" for _ in range(200)),
        "wildcards inside words": " ".join(f"*{random_word(rng, 3)}*{random_word(rng, 3)}*" for _ in range(50)),
        "unbalanced quotes": " ".join(f'"{w}' for w in common[:100]),
        "one long unclosed phrase": '"' + " ".join(common[:150]),
        "negations of common words": " ".join(f"-{w}" for w in common[:100]),
        "reference: a typo": typos[0],
        "reference: a common word": common[0],
    }


def timed(backend: SearchBackend, text: str) -> tuple[float, int, str]:
    """Seconds, results, and the suggestion or else the first notice."""
    started = time.perf_counter()
    found = backend.search(SearchQuery(text=text, principals=("public",), highlight=True, facets=True))
    said = f"did you mean: {found.suggestion}" if found.suggestion else (found.notices or [""])[0]
    return time.perf_counter() - started, found.total, said


def at_once(backend: SearchBackend, text: str) -> float:
    """Wall time of CONCURRENT identical requests started together (the slowest one's end)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENT) as pool:
        list(pool.map(lambda _: timed(backend, text), range(CONCURRENT)))
    return time.perf_counter() - started


def measure(name: str, backend: SearchBackend, queries: dict[str, str]) -> dict[str, float]:
    """Each query twice: first as it comes (its words maybe not yet read from disk), then again."""
    timed(backend, "warm up")
    print(f"\n{name}: {backend.stats()['documents']} documents\n")
    print("| hostile query | chars | ms, first | ms, again | results | suggestion, or first notice |")
    print("|---|---:|---:|---:|---:|---|")
    figures = {}
    for label, text in queries.items():
        seconds, total, said = timed(backend, text)
        again = timed(backend, text)[0]
        figures[label] = max(seconds, again)
        print(f"| {label} | {len(text):,} | {seconds * 1000:.0f} | {again * 1000:.0f} | {total} | {said[:60]} |",
              flush=True)
    slowest = max(figures, key=figures.get)
    wall = at_once(backend, queries[slowest])
    print(f"\nslowest: {slowest} ({figures[slowest] * 1000:.0f} ms); "
          f"{CONCURRENT} of it at once: {wall * 1000:.0f} ms wall")
    return figures


def whoosh_run(corpus: Corpus, documents: int, keep: Path | None) -> None:
    folder = keep / "whoosh" if keep else Path(f"/tmp/globe-hostile-{uuid.uuid4().hex[:8]}")
    backend = WhooshBackend(folder)
    if backend.stats()["documents"] == 0:
        seconds = timed_build(backend, corpus, documents * 9 // 10, documents // 10, folder)
        print(f"whoosh build: {seconds:.0f} s")
    try:
        measure("Whoosh", backend, hostile_queries(corpus))
    finally:
        backend.close()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def postgres_run(corpus: Corpus, documents: int, keep: Path | None) -> None:
    name_file = keep / "postgres-database" if keep else None
    name = name_file.read_text().strip() if name_file and name_file.exists() else None
    if name is None:
        name = f"globe_hostile_{uuid.uuid4().hex[:8]}"
        run_sql(POSTGRES_SERVER, f'CREATE DATABASE "{name}"')
    backend = PostgresBackend(POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}")
    try:
        if backend.stats()["documents"] == 0:
            seconds = timed_build(backend, corpus, documents * 9 // 10, documents // 10, f"database {name}")
            print(f"postgres build: {seconds:.0f} s")
            if name_file:
                name_file.write_text(name)
        measure("PostgreSQL", backend, hostile_queries(corpus))
    finally:
        backend.close()
        if not name_file:
            run_sql(POSTGRES_SERVER, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the built indexes in this folder")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-whoosh", action="store_true")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(paragraphs=20000)
    if not args.no_whoosh:
        whoosh_run(corpus, args.documents, args.keep)
    if not args.no_postgres:
        postgres_run(corpus, args.documents, args.keep)


if __name__ == "__main__":
    main()
