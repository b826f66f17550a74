"""Search benchmark: a realistic corpus, then latency through the backend and /api/v1/search.

    .venv/bin/python bench/search_bench.py --resources 100000 --pages 20000

Documents are real manual-page text (several hundred words each) over 14 CoPs with teaching
metadata; 10% belong to members-only CoPs, so the permission filter always has work to do.
Prints: indexing throughput (a full rebuild), index size, per query class p50/p95 directly
against the backend and through HTTP (highlights and facets on), the HTTP/raw ratio, the server's
peak memory, and how long a small upload takes to become searchable. Results go to
docs/benchmarks.md by hand."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus  # noqa: E402
from load import free_port, start_gunicorn, summarize  # noqa: E402

from globe.search import SearchBackend, SearchDocument, SearchQuery, WhooshBackend  # noqa: E402

LEVELS = ("pre-a1", "a1", "a2", "b1", "b2", "c1", "c2")
SKILLS = ("speaking", "listening", "reading", "writing", "grammar", "vocabulary", "pronunciation")
TYPES = ("lesson-plan", "worksheet", "slides", "assessment", "article")
LICENSES = ("cc-by", "cc-by-sa", "cc-by-nc", "cc0")
FILE_TYPES = ("pdf", "docx", "pptx", "odt", "txt")
TAGS = ("games", "exam", "warmer", "homework", "project", "mixed-ability", "online", "large-classes")
QUERIES_PER_CLASS = 40
SERVER_WARMING_SECONDS = 15        # about 4 s per worker at 120,000 documents, both workers at once


def documents(corpus: Corpus, resources: int, pages: int):
    rng = random.Random(5)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(resources + pages):
        cop = n % 14
        is_page = n >= resources
        private = cop in (12, 13) and not is_page or (is_page and cop == 13)
        when = start + timedelta(minutes=n)
        yield SearchDocument(
            doc_id=f"{'wiki' if is_page else 'resource'}:{n}", kinds=("wiki",) if is_page else ("resource",),
            object_id=n, title=corpus.title(), body=corpus.text(rng.randint(250, 500)), url=f"/x/{n}",
            updated=when, created=when, principals=(f"cop:{cop}",) if private else ("public",),
            community_slug=f"cop-{cop}", community_name=f"CoP {cop}", tags=tuple(rng.sample(TAGS, 2)),
            levels=tuple(rng.sample(LEVELS, 2)) if not is_page else (), skills=(rng.choice(SKILLS),),
            resource_type=None if is_page else rng.choice(TYPES), license=rng.choice(LICENSES),
            file_types=() if is_page else (rng.choice(FILE_TYPES),), language="en", version=str(n))


def timed_build(backend: SearchBackend, corpus: Corpus, resources: int, pages: int, where: object) -> float:
    """Index the benchmark corpus with backend.rebuild() (as `flask globe reindex` does), in seconds."""
    print(f"Indexing {resources + pages} documents into {where} ...", flush=True)
    started = time.monotonic()
    backend.rebuild(documents(corpus, resources, pages),
                    progress=lambda n: print(f"  {n}", flush=True) if n % 20000 == 0 else None)
    return time.monotonic() - started


def query_classes(corpus: Corpus) -> dict[str, list[str]]:
    rng = random.Random(9)
    counts: dict[str, int] = {}
    for paragraph in corpus.paragraphs[:20000]:
        for word in paragraph.lower().split():
            if word.isalpha() and len(word) > 3:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=counts.get, reverse=True)
    common, rare = ranked[:200], [w for w in ranked if 3 <= counts[w] <= 6]
    phrases = []
    for paragraph in rng.sample(corpus.paragraphs, 400):
        words = [w for w in paragraph.split() if w.isalpha()]
        if len(words) > 3:
            i = rng.randrange(len(words) - 2)
            phrases.append(f'"{words[i]} {words[i + 1]}"')
    return {
        "common word": rng.sample(common, QUERIES_PER_CLASS),
        "rare word": rng.sample(rare, QUERIES_PER_CLASS),
        "2-3 words": [" ".join(rng.sample(common[:100], rng.choice((2, 3)))) for _ in range(QUERIES_PER_CLASS)],
        "phrase": phrases[:QUERIES_PER_CLASS],
        "filtered": [f"{rng.choice(common)} level:{rng.choice(LEVELS)} type:{rng.choice(TYPES)}"
                     for _ in range(QUERIES_PER_CLASS)],
    }


def wait_for_warming() -> None:
    """Let this process's backend finish reading its most frequent words (WhooshBackend._warm)."""
    for thread in threading.enumerate():
        if thread.name == "globe-search-warm":
            thread.join()


def measure_backend(backend: SearchBackend, queries: list[str], *, facets: bool = True) -> dict:
    """Latency of each query as an anonymous visitor, highlights on."""
    times = []
    for text in queries:
        started = time.perf_counter()
        backend.search(SearchQuery(text=text, principals=("public",), highlight=True, facets=facets))
        times.append(time.perf_counter() - started)
    return summarize(times, sum(times))


def measure_http(port: int, queries: list[str]) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for text in queries:
        started = time.perf_counter()
        connection.request("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": text}))
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        assert response.status == 200, response.status
    return summarize(times, sum(times))


def peak_rss_mb(server: subprocess.Popen) -> float:
    """The largest peak RSS among the gunicorn processes (VmHWM), in MB."""
    pids = [server.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                                          text=True).stdout.split()]
    peaks = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def time_to_searchable(port: int, env: dict, trials: int) -> dict:
    """Upload a small file through the API and poll the search API until its unique word is found."""
    run = lambda *args, check=True: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "flask", "--app", "wsgi", "globe", *args], cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, **env}, check=check, capture_output=True)
    run("create-user", "--email", "bench@example.org", "--password", "bench-password", "--admin", check=False)
    api = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    api.request("POST", "/api/v1/tokens", json.dumps({"email": "bench@example.org", "password": "bench-password"}),
                {"Content-Type": "application/json"})
    token = json.loads(api.getresponse().read())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    api.request("POST", "/api/v1/communities", json.dumps({"slug": "bench", "name": "Bench", "domain": "Bench"}),
                {**auth, "Content-Type": "application/json"})
    api.getresponse().read()
    delays = []
    run_id = "".join(random.choices("bcdfghjklmnpqrstvwxz", k=6))
    for n in range(trials):
        word = f"zqx{run_id}bench{n}word"  # unique per run, so a reused index cannot already hold it
        boundary = "globebench"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nUpload {n}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n{n}.txt\"\r\n"
                f"Content-Type: text/plain\r\n\r\nA short note about {word}.\r\n--{boundary}--\r\n").encode()
        started = time.perf_counter()
        api.request("POST", "/api/v1/communities/bench/resources", body,
                    {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
        api.getresponse().read()
        while True:
            api.request("GET", f"/api/v1/search?q={word}", headers=auth)
            if json.loads(api.getresponse().read())["total"]:
                break
            time.sleep(0.02)
        delays.append(time.perf_counter() - started)
    return summarize(delays, sum(delays))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--upload-trials", type=int, default=20)
    parser.add_argument("--reuse", type=Path, help="a folder from an earlier run: measure its index, don't build")
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="globe-search-bench-"))
    corpus = Corpus(paragraphs=40000)
    total = args.resources + args.pages
    backend = WhooshBackend(folder / "index")
    build_seconds = float("nan") if args.reuse else timed_build(backend, corpus, args.resources, args.pages, folder)
    size_mb = backend.stats()["size_bytes"] / 2**20
    classes = query_classes(corpus)
    for queries in classes.values():  # warm the searcher as a running server would be
        measure_backend(backend, queries[:5])
    wait_for_warming()
    raw = {name: measure_backend(backend, queries) for name, queries in classes.items()}
    env = {"GLOBE_INSTANCE_PATH": str(folder / "instance"), "GLOBE_DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
           "GLOBE_SEARCH_INDEX_DIR": str(folder / "index"), "GLOBE_UPLOAD_DIR": str(folder / "uploads"),
           "GLOBE_SECRET_KEY": "bench-" + "x" * 32, "GLOBE_LOGIN_RATE_LIMIT": "1000 per minute"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env={**os.environ, **env},
                   cwd=Path(__file__).resolve().parent.parent, check=True, capture_output=True)
    port = free_port()
    server = start_gunicorn(env, workers=args.workers, port=port)
    try:
        for queries in classes.values():
            measure_http(port, queries[:5])
        time.sleep(SERVER_WARMING_SECONDS)  # each worker reads its frequent words in the background
        http_figures = {name: measure_http(port, queries) for name, queries in classes.items()}
        upload = time_to_searchable(port, env, args.upload_trials)
        memory = peak_rss_mb(server)
    finally:
        server.terminate()
        server.wait()
    print(f"\n{total} documents ({args.resources} resources, {args.pages} wiki pages), 14 CoPs, highlights and "
          f"facets on, gunicorn -w {args.workers}\n")
    print(f"full index build: {build_seconds:.0f} s = {total / build_seconds:.0f} documents/s; "
          f"index size {size_mb:.0f} MB")
    print("\n| query class | backend p50 ms | backend p95 ms | HTTP p50 ms | HTTP p95 ms | HTTP/backend p50 |")
    print("|---|---|---|---|---|---|")
    for name in classes:
        r, h = raw[name], http_figures[name]
        print(f"| {name} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {h['p50_ms']:.0f} | {h['p95_ms']:.0f} | "
              f"{h['p50_ms'] / r['p50_ms']:.2f} |")
    print(f"\nupload -> searchable: p50 {upload['p50_ms']:.0f} ms, p95 {upload['p95_ms']:.0f} ms "
          f"({upload['requests']} uploads)")
    print(f"server peak memory (largest gunicorn process): {memory:.0f} MB")


if __name__ == "__main__":
    main()
