"""Index N synthetic documents into a Whoosh index and print build and query timings.

    .venv/bin/python bench/search_smoke.py --docs 20000 [--keep DIR] [--rounds 5]

With --keep, an index already holding --docs documents is reused, so a second run measures a
fresh process on an existing index (cold caches first, then warm).
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from globe.search import SearchDocument, SearchQuery, WhooshBackend

TEACHING_WORDS = ("lesson plan planning speaking listening pronunciation grammar vocabulary reading "
                  "writing games students teacher classroom activity worksheet homework feedback "
                  "assessment dialogue story songs phonics fluency warmer").split()
LEVELS = ("pre-a1", "a1", "a2", "b1", "b2", "c1", "c2")
SKILLS = ("speaking", "listening", "reading", "writing", "grammar", "vocabulary")
KINDS = ("resource", "wiki", "knowledge_base", "project")
VIEWER = ("public", "cop:3", "user:7")
QUERIES = (
    "lesson", "grammar", "pronunciation games", '"lesson plan"', "speak*", "grammar -homework",
    "vocabulary OR phonics", "level:b1 speaking", "tag:tag7", "", "zorblax", "students teacher feedback",
    "kind:wiki writing", "dialogue story songs", "warmer", "classroom activity worksheet",
    '"story songs" -grammar', "(reading OR writing) level:a2", "teach*", "fluency lang:ar", "assessment",
    "homework feedback students", "title:grammar", "cop:cop-3 lesson", "kalomi",
)


def synthetic_words(rng: random.Random, count: int) -> list[str]:
    """A vocabulary in Zipf rank order; teaching words sit at ranks 40-400 (in 5-50% of documents)."""
    syllables = ["ka", "lo", "mi", "ren", "ta", "vo", "shi", "pra", "den", "lu", "qui", "zo", "ber", "nat"]
    words = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(count)})
    rng.shuffle(words)
    for word in TEACHING_WORDS:
        words.insert(rng.randint(40, 400), word)
    return words


def documents(count: int, seed: int = 7) -> Iterator[SearchDocument]:
    rng = random.Random(seed)
    vocabulary = synthetic_words(rng, 30_000)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    audiences = (("public",), ("cop:{}",), ("user:{}",))
    for number in range(count):
        audience = rng.choices(audiences, (70, 20, 10))[0]
        updated = start + timedelta(minutes=rng.randint(0, 2_000_000))
        yield SearchDocument(
            doc_id=f"resource:{number}", kinds=(rng.choice(KINDS),), object_id=number,
            title=" ".join(rng.choices(vocabulary, weights, k=6)),
            body=" ".join(rng.choices(vocabulary, weights, k=rng.randint(250, 600))),
            url=f"/r/{number}", updated=updated, created=updated,
            principals=tuple(p.format(rng.randint(1, 40)) for p in audience),
            community_slug=f"cop-{rng.randint(1, 40)}", community_name="Community",
            tags=tuple({f"tag{int(rng.paretovariate(1.2))}" for _ in range(rng.randint(1, 4))}),
            levels=tuple(rng.sample(LEVELS, rng.randint(1, 3))), skills=tuple(rng.sample(SKILLS, 2)),
            resource_type=rng.choice(("lesson-plan", "worksheet", "game", "video")),
            license=rng.choice(("cc-by", "cc-by-sa", "all-rights-reserved")),
            file_types=(rng.choice(("pdf", "docx", "pptx")),), language=rng.choice(("en", "es", "ar", "tr")),
            version=updated.isoformat(),
        )


def timed_search(backend: WhooshBackend, text: str) -> tuple[float, int]:
    began = time.perf_counter()
    results = backend.search(SearchQuery(text=text, principals=VIEWER))
    return (time.perf_counter() - began) * 1000, results.total


def measure(backend: WhooshBackend, rounds: int) -> None:
    first = {text: timed_search(backend, text) for text in QUERIES}
    warm: dict[str, list[float]] = {text: [] for text in QUERIES}
    for _ in range(rounds):
        for text in QUERIES:
            warm[text].append(timed_search(backend, text)[0])
    for text in QUERIES:
        print(f"  {text!r:36} {first[text][1]:7} hits   first {first[text][0]:7.1f} ms   "
              f"warm median {statistics.median(warm[text]):6.1f} ms")
    report("first run (cold caches, the very first query included)", [ms for ms, _ in first.values()])
    report("warm", [ms for values in warm.values() for ms in values])
    print(f"process RSS {_resident_mb():.0f} MB")


def report(label: str, timings: list[float]) -> None:
    timings = sorted(timings)
    p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
    print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")


def _resident_mb() -> float:
    status = Path("/proc/self/status")
    if not status.exists():
        return float("nan")
    line = next(line for line in status.read_text().splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="index folder to create or reuse (default: temporary)")
    args = parser.parse_args()
    backend = WhooshBackend(args.keep or Path(tempfile.mkdtemp(prefix="globe-search-bench-")))
    if backend.stats()["documents"] != args.docs:
        began = time.perf_counter()
        backend.rebuild(documents(args.docs))
        print(f"rebuild of {args.docs} documents: {time.perf_counter() - began:.0f} s")
    stats = backend.stats()
    print(f"index: {stats['documents']} documents, {stats['size_bytes'] / 1e6:.0f} MB, "
          f"{stats['segments']} segment(s)")
    measure(backend, args.rounds)


if __name__ == "__main__":
    main()
