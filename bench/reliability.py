"""Reliability proofs: concurrent uploads, SIGKILL mid-load, reindex under search, simultaneous wiki edits.

    .venv/bin/python bench/reliability.py                       # SQLite + Whoosh
    .venv/bin/python bench/reliability.py --postgres postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql

Each stack gets a throw-away instance (a temporary folder; with --postgres a database created
beside the given one and dropped at the end) served by gunicorn -w 4. Scenarios:
1. `--clients` threads upload `--documents` small text files through the API; after the search
   queue drains, every upload is stored once and its unique word (in the file's text) is found.
2. The same load, with gunicorn (master and workers) killed by SIGKILL half-way and restarted;
   clients retry every upload that got no answer, blindly, with the same Idempotency-Key. The
   restarted servers must finish the dead processes' indexing and extractions on their own.
   Afterwards the index holds exactly what the database holds, then `flask globe reindex` runs
   while a client keeps searching.
3. `--pairs` pairs of simultaneous edits of the same wiki pages from the same base revision:
   different lines must auto-merge, the same line must give one 409 with the conflict.
Prints a table; results go to docs/benchmarks.md ("Reliability") by hand. Exits 1 if a proof fails."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import ROOT, free_port, start_gunicorn

WORKERS = 4
DRAIN_TIMEOUT = 180  # seconds to wait for the queue and the extractions to finish
POLL = 0.5
EMAIL, PASSWORD = "reliability@example.org", "reliability-password"


class Api:
    """One keep-alive connection with the bench user's token; reconnects after a connection error."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token, self.connection = port, token, None

    def call(self, method: str, path: str, body=None, content_type: str = "application/json") -> tuple[int, dict]:
        status, _, answer = self.send(method, path, body, content_type)
        return status, answer

    def send(self, method: str, path: str, body=None, content_type: str = "application/json",
             extra_headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, dict]:
        """The status, headers and JSON body of one request."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra_headers or {})
        if body is not None:
            headers["Content-Type"] = content_type
            body = json.dumps(body) if content_type == "application/json" else body
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        return response.status, response.headers, json.loads(raw) if raw.startswith(b"{") else {}

    def call_when_up(self, method: str, path: str, body=None) -> tuple[int, dict]:
        """A read that waits out a restart."""
        deadline = time.monotonic() + 120
        while True:
            try:
                return self.call(method, path, body)
            except (OSError, http.client.HTTPException):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


class Instance:
    """A throw-away Globe instance and the gunicorn serving it."""

    def __init__(self, env: dict):
        self.env, self.port, self.server = env, free_port(), None

    def flask(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, check=True,
                              env={**os.environ, **self.env}, capture_output=True, text=True).stdout

    def start(self) -> None:
        self.server = start_gunicorn(self.env, workers=WORKERS, port=self.port, own_group=True)

    def kill(self) -> None:
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait()

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.terminate()
            self.server.wait()

    def search_status(self) -> dict:
        lines = (line.split(": ", 1) for line in self.flask("globe", "search-status").splitlines() if ": " in line)
        return {key: value for key, value in lines}

    def extraction_statuses(self) -> dict[str, int]:
        """Read from the database: the API shows a claimed ("running") extraction as pending."""
        engine = create_engine(self.env["GLOBE_DATABASE_URL"])
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT extraction_status, count(*) FROM resource_versions GROUP BY 1"))
            statuses = dict(rows.all())
        engine.dispose()
        return statuses

    def setup(self) -> Api:
        self.flask("db", "upgrade")
        self.flask("globe", "create-user", "--email", EMAIL, "--password", PASSWORD, "--admin")
        self.start()
        status, body = Api(self.port).call("POST", "/api/v1/tokens", {"email": EMAIL, "password": PASSWORD})
        assert status in (200, 201), (status, body)
        return Api(self.port, body["token"])


# --- uploads ---------------------------------------------------------------------------------

def word_for(label: str, n: int) -> str:
    return f"zq{label}{n}w"


def multipart(n: int, word: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    fields = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
              for name, value in (("title", f"Reliability {word}"), ("tags", word))]
    file = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="note-{n}.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\nA short note about {word}b.\r\n--{boundary}--\r\n")
    return ("".join(fields) + file).encode(), f"multipart/form-data; boundary={boundary}"


class Uploads:
    """Counters shared by the upload clients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.created: dict[int, int] = {}  # upload number -> resource id
        self.server_errors = self.refused = self.ambiguous = self.replayed = 0

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)


def upload_one(api: Api, slug: str, label: str, n: int, tally: Uploads) -> None:
    """POST until stored, always with the same Idempotency-Key: a request cut off by the crash is
    simply sent again, and if the first one had been stored the server answers with that resource."""
    body, content_type = multipart(n, word_for(label, n))
    key = {"Idempotency-Key": str(uuid.uuid4())}
    while True:
        try:
            status, headers, answer = api.send("POST", f"/api/v1/communities/{slug}/resources", body, content_type, key)
        except ConnectionRefusedError:
            tally.add("refused")
            time.sleep(0.1)
            continue
        except (OSError, http.client.HTTPException):
            tally.add("ambiguous")
            continue
        if status >= 500:
            tally.add("server_errors")
            continue
        assert status == 201, (status, answer)
        if headers.get("Idempotent-Replayed") == "true":
            tally.add("replayed")
        with tally.lock:
            tally.created[n] = answer["id"]
        return


def run_uploads(port: int, token: str, slug: str, label: str, documents: int, clients: int,
                on_progress=None) -> Uploads:
    tally, todo = Uploads(), queue.Queue()
    for n in range(documents):
        todo.put(n)

    def client() -> None:
        api = Api(port, token)
        while True:
            try:
                n = todo.get_nowait()
            except queue.Empty:
                return
            upload_one(api, slug, label, n, tally)
            if on_progress:
                on_progress(len(tally.created))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def all_resources(api: Api, slug: str) -> list[dict]:
    items, page = [], 1
    while True:
        status, body = api.call_when_up("GET", f"/api/v1/communities/{slug}/resources?per_page=100&page={page}")
        assert status == 200, (status, body)
        items += body["items"]
        if page * 100 >= body["total"]:
            return items
        page += 1


def wait_until_indexed(instance: Instance) -> float:
    """Poll until no extraction is waiting or running and the search queue is empty. After the crash
    this is left to the restarted servers alone: they take over the dead processes' drain lease and
    extraction claims at once (same machine), so nothing here runs the index worker."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_TIMEOUT:
        busy = sum(count for status, count in instance.extraction_statuses().items()
                   if status in ("pending", "running"))
        if not busy and instance.search_status()["queue_length"] == "0":
            return time.monotonic() - started
        time.sleep(POLL)
    raise SystemExit(f"the queue did not drain within {DRAIN_TIMEOUT} s: {instance.search_status()}, "
                     f"extractions {instance.extraction_statuses()}")


def search_ids(api: Api, word: str) -> set[int]:
    status, body = api.call_when_up("GET", f"/api/v1/search?q={word}&kind=resource")
    assert status == 200, (status, body)
    return {hit["id"] for hit in body["results"]}


def check_uploads(api: Api, slug: str, label: str, tally: Uploads, documents: int) -> dict:
    """Stored once, and found by search by the word in the file's text (so its extraction finished, even
    one the crash interrupted)."""
    stored = all_resources(api, slug)
    titles = [r["title"] for r in stored]
    acknowledged_missing = set(tally.created.values()) - {r["id"] for r in stored}
    missing_search = sum(tally.created.get(n) not in search_ids(api, word_for(label, n) + "b")
                         for n in range(documents))
    return {"documents": len(stored), "lost": len(acknowledged_missing) + documents - len(tally.created),
            "duplicates": len(titles) - len(set(titles)), "5xx": tally.server_errors,
            "not found by search": missing_search}


# --- scenarios -------------------------------------------------------------------------------

def create_community(api: Api, slug: str) -> None:
    status, body = api.call("POST", "/api/v1/communities", {"slug": slug, "name": slug.title(), "domain": "Bench"})
    assert status == 201, (status, body)


def concurrent_uploads(instance: Instance, api: Api, args) -> dict:
    create_community(api, "uploads")
    started = time.monotonic()
    tally = run_uploads(instance.port, api.token, "uploads", "up", args.documents, args.clients)
    upload_seconds = time.monotonic() - started
    drain_seconds = wait_until_indexed(instance)
    figures = check_uploads(api, "uploads", "up", tally, args.documents)
    return {**figures, "time s": f"{upload_seconds:.1f} + {drain_seconds:.1f} drain"}


def kill_mid_load(instance: Instance, api: Api, args) -> tuple[dict, dict]:
    create_community(api, "killed")
    half, killed = args.documents // 2, threading.Event()

    def kill_at_half(done: int) -> None:
        if done >= half and not killed.is_set():
            killed.set()
            threading.Thread(target=restart).start()

    restarted = []

    def restart() -> None:
        instance.kill()
        began = time.monotonic()
        instance.start()
        restarted.append(time.monotonic() - began)

    started = time.monotonic()
    tally = run_uploads(instance.port, api.token, "killed", "kill", args.documents, args.clients, kill_at_half)
    deadline = time.monotonic() + 120
    while not restarted and time.monotonic() < deadline:
        time.sleep(POLL)
    if not restarted:
        raise SystemExit("gunicorn did not come back after the SIGKILL")
    upload_seconds = time.monotonic() - started
    drain_seconds = wait_until_indexed(instance)
    figures = check_uploads(api, "killed", "kill", tally, args.documents)
    figures.update(index_vs_database(instance, api))
    figures["time s"] = f"{upload_seconds:.1f} + {drain_seconds:.1f} drain"
    figures["notes"] = (f"restart {restarted[0]:.1f} s; {tally.refused} refused + {tally.ambiguous} cut-off "
                        f"requests retried with their key ({tally.replayed} had been stored: answered from the key)")
    return figures, reindex_under_search(instance, api, args.documents)


def index_vs_database(instance: Instance, api: Api) -> dict:
    """Missing: a stored resource its own title word does not find. Stale: indexed documents
    beyond those the database holds (the index count is the backend's own)."""
    stored = [r for slug in ("uploads", "killed") for r in all_resources(api, slug)]
    missing = sum(r["id"] not in search_ids(api, r["title"].split()[-1]) for r in stored)
    indexed = int(instance.search_status()["documents"])
    return {"missing": missing, "stale": indexed - (len(stored) - missing), "indexed": indexed}


def reindex_under_search(instance: Instance, api: Api, documents: int) -> dict:
    stop, counts = threading.Event(), {"searches": 0, "failed": 0, "missed": 0}

    def searcher() -> None:
        client, n = Api(instance.port, api.token), 0
        while not stop.is_set():
            word = word_for("kill", n % documents)
            try:
                status, body = client.call("GET", f"/api/v1/search?q={word}")
            except (OSError, http.client.HTTPException):
                status, body = 0, {}
            counts["searches"] += 1
            counts["failed"] += status != 200
            counts["missed"] += status == 200 and not body["total"]
            n += 7

    thread = threading.Thread(target=searcher)
    thread.start()
    started = time.monotonic()
    try:
        output = instance.flask("globe", "reindex")
    finally:
        stop.set()
        thread.join()
    return {**counts, "time s": f"{time.monotonic() - started:.1f}", "output": output.strip().splitlines()[-1]}


def wiki_pairs(instance: Instance, api: Api, args) -> dict:
    """Pair k edits page k % pages; the pairs of one round run at once, one per page. Every edit
    writes a line of its own, so whatever a 200/201 accepted must be in the final page."""
    create_community(api, "wiki")
    pages, rounds = 10, -(-args.pairs // 10)
    for p in range(pages):
        body = "\n".join(f"line {i:02d} of page {p}" for i in range(8 * rounds))
        status, answer = api.call("PUT", f"/api/v1/communities/wiki/wiki/page-{p}", {"body": body})
        assert status == 201, (status, answer)
    accepted, conflicts, tally = [], [], {"200/201": 0, "merged": 0, "409": 0, "409 without conflict": 0, "5xx": 0}
    lock = threading.Lock()

    def edit(page: int, base: dict, line: int, marker: str, barrier: threading.Barrier) -> None:
        lines = base["body"].split("\n")
        lines[line] = marker
        client = Api(instance.port, api.token)
        barrier.wait()
        status, answer = client.call("PUT", f"/api/v1/communities/wiki/wiki/page-{page}",
                                     {"body": "\n".join(lines), "base_revision": base["revision"]})
        with lock:
            if status in (200, 201):
                tally["200/201"] += 1
                tally["merged"] += bool(answer.get("merged"))
                accepted.append((page, marker))
            elif status == 409:
                tally["409"] += 1
                returned = answer.get("conflict", {}).get("merged_text_with_markers", "")
                tally["409 without conflict"] += marker not in returned
                conflicts.append((page, marker))
            else:
                key = "5xx" if status >= 500 else f"other {status}"
                tally[key] = tally.get(key, 0) + 1

    started = time.monotonic()
    for round_ in range(rounds):
        threads = []
        for k in range(round_ * pages, min(args.pairs, (round_ + 1) * pages)):
            page, same_line = k % pages, k % 5 == 4
            _, base = api.call("GET", f"/api/v1/communities/wiki/wiki/page-{page}")
            first = 8 * round_
            lines = (first + 2, first + 2) if same_line else (first, first + 5)
            barrier = threading.Barrier(2)
            threads += [threading.Thread(target=edit, args=(page, base, line, f"pair {k} edit {side}", barrier))
                        for side, line in zip("ab", lines, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finals = {p: api.call("GET", f"/api/v1/communities/wiki/wiki/page-{p}")[1]["body"].split("\n")
              for p in range(pages)}
    lost = sum(marker not in finals[page] for page, marker in accepted)
    return {**tally, "lost": lost, "time s": f"{time.monotonic() - started:.1f}"}


# --- stacks ----------------------------------------------------------------------------------

def run_stack(name: str, env: dict, args) -> list[tuple[str, str, dict]]:
    instance = Instance(env)
    try:
        api = instance.setup()
        print(f"[{name}] 1. concurrent uploads ...", flush=True)
        results = [(name, "concurrent uploads", concurrent_uploads(instance, api, args))]
        print(f"[{name}] 2. SIGKILL mid-load ...", flush=True)
        killed, reindex = kill_mid_load(instance, api, args)
        results += [(name, "SIGKILL mid-load", killed), (name, "reindex while searching", reindex)]
        print(f"[{name}] 3. wiki edit pairs ...", flush=True)
        results.append((name, f"{args.pairs} wiki edit pairs", wiki_pairs(instance, api, args)))
    finally:
        instance.stop()
    return results


def base_env(folder: Path) -> dict:
    return {"GLOBE_INSTANCE_PATH": str(folder / "instance"), "GLOBE_DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "GLOBE_SEARCH_INDEX_DIR": str(folder / "index"), "GLOBE_UPLOAD_DIR": str(folder / "uploads"),
            "GLOBE_SECRET_KEY": "bench-" + "x" * 32, "GLOBE_LOGIN_RATE_LIMIT": "1000 per minute"}


def run_postgres(server_url: str, args) -> list:
    from search_bench_postgres import run_sql
    server = make_url(server_url)
    name = f"globe_reliability_{uuid.uuid4().hex[:8]}"
    admin_url = server.render_as_string(hide_password=False)
    run_sql(admin_url, f'CREATE DATABASE "{name}"')
    try:
        env = {**base_env(Path(tempfile.mkdtemp(prefix="globe-reliability-pg-"))), "GLOBE_SEARCH_BACKEND": "postgres",
               "GLOBE_DATABASE_URL": server.set(database=name).render_as_string(hide_password=False)}
        return run_stack("PostgreSQL", env, args)
    finally:
        run_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def failed(figures: dict) -> bool:
    return any(figures.get(key) for key in ("lost", "duplicates", "5xx", "not found by search", "missing", "stale",
                                            "failed", "missed", "409 without conflict"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL (an existing database on the server; "
                        "a throw-away one is created beside it), e.g. postgresql+psycopg://postgres@/postgres?host=/var/run/postgresql")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    results = []
    if not args.skip_sqlite:
        results += run_stack("SQLite + Whoosh", base_env(Path(tempfile.mkdtemp(prefix="globe-reliability-"))), args)
    if args.postgres:
        results += run_postgres(args.postgres, args)
    print(f"\ngunicorn -w {WORKERS}, {args.clients} upload clients, {args.documents} documents per upload scenario\n")
    print("| stack | scenario | result | figures |\n|---|---|---|---|")
    for stack, scenario, figures in results:
        shown = ", ".join(f"{key} {value}" for key, value in figures.items())
        print(f"| {stack} | {scenario} | {'FAIL' if failed(figures) else 'ok'} | {shown} |")
    sys.exit(1 if any(failed(figures) for _, _, figures in results) else 0)


if __name__ == "__main__":
    main()
