"""Wiki benchmark: N pages over 14 CoPs, gunicorn workers, concurrent readers; prints figures.

    .venv/bin/python bench/wiki_bench.py --pages 20000 --workers 2 --clients 8 --seconds 20

Builds a throw-away instance in a temporary folder (real manual-page text, [[links]] between pages),
measures page saves through the service, then page views over HTTP beside /healthz, the app's
trivial endpoint, in the same run. Results go to docs/benchmarks.md by hand."""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus  # noqa: E402
from load import free_port, row, run_load, run_wrk, start_gunicorn, summarize, visit_all  # noqa: E402

COMMUNITIES = 14


def build(config: dict, pages: int, corpus: Corpus) -> tuple[list[str], dict]:
    """Create the CoPs and pages through the services; returns page paths and save timings."""
    from globe import create_app
    from globe.extensions import db
    from globe.services import communities, wiki_pages
    from globe.services.accounts import SYSTEM, register_user
    app = create_app(config)
    paths, save_times = [], []
    with app.app_context():
        db.create_all()
        editor = register_user(email="bench@example.org", display_name="Bench", password="bench-password",
                               verified=True)
        cops = [communities.create_community(SYSTEM, slug=f"cop-{n}", name=f"CoP {n}", domain="Benchmark")
                for n in range(COMMUNITIES)]
        for cop in cops:
            communities.invite(SYSTEM, cop, email=editor.email)
            communities.accept_invitation(editor, cop)
            communities.set_role(SYSTEM, cop, editor.id, "editor")
        titles = [f"{corpus.title()} {n}" for n in range(pages)]
        for n, title in enumerate(titles):
            cop = cops[n % COMMUNITIES]
            links = " ".join(f"[[{corpus.rng.choice(titles)}]]" for _ in range(3))
            body = f"{corpus.text(250)}\n\n## See also\n\n{links}\n"
            started = time.perf_counter()
            page = wiki_pages.create_page(editor, cop, title=title, body=body, tags="bench").page
            save_times.append(time.perf_counter() - started)
            paths.append(f"/c/{cop.slug}/wiki/{page.slug}")
            if n % 1000 == 999:
                print(f"  {n + 1} pages", flush=True)
        edit_times = []
        for path in random.Random(3).sample(paths, min(200, len(paths))):
            cop_slug, page_slug = path.split("/")[2], path.split("/")[4]
            cop = communities.get_community(cop_slug)
            page = wiki_pages.find_page(cop, page_slug)
            started = time.perf_counter()
            wiki_pages.save_page(editor, cop, page_slug=page.slug, body=page.current_revision.body + "\n\nEdited.",
                                 base_revision=page.revision_count)
            edit_times.append(time.perf_counter() - started)
    return [p.replace(" ", "%20") for p in paths], {"create": summarize(save_times, sum(save_times)),
                                                   "edit": summarize(edit_times, sum(edit_times))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="globe-wiki-bench-"))
    env = {"GLOBE_INSTANCE_PATH": str(folder / "instance"), "GLOBE_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
           "GLOBE_SEARCH_INDEX_DIR": str(folder / "index"), "GLOBE_UPLOAD_DIR": str(folder / "uploads"),
           "GLOBE_SECRET_KEY": "bench-" + "x" * 32}
    config = {key.removeprefix("GLOBE_"): value for key, value in env.items()}
    print(f"Building {args.pages} pages in {folder} ...", flush=True)
    started = time.monotonic()
    paths, saves = build(config, args.pages, Corpus())
    print(f"Built in {time.monotonic() - started:.0f} s")
    port = free_port()
    server = start_gunicorn(env, workers=args.workers, port=port)
    rng = random.Random(11)
    results = {}
    try:
        results["page view, cold cache"] = run_load(port, lambda: rng.choice(paths), clients=args.clients,
                                                     seconds=args.seconds)
        started = time.monotonic()
        for _ in range(args.workers):  # each worker process keeps its own cache
            visit_all(port, paths, clients=args.clients)
        print(f"Warmed {len(paths)} pages x {args.workers} in {time.monotonic() - started:.0f} s")
        results["/healthz (trivial)"] = run_load(port, lambda: "/healthz", clients=args.clients, seconds=args.seconds)
        results["page view, warm cache"] = run_load(port, lambda: rng.choice(paths), clients=args.clients,
                                                     seconds=args.seconds)
        wrk_trivial = run_wrk(port, ["/healthz"], clients=args.clients, seconds=args.seconds)
        if wrk_trivial:
            results["/healthz (trivial), wrk"] = wrk_trivial
            results["page view, warm cache, wrk"] = run_wrk(port, paths, clients=args.clients, seconds=args.seconds)
    finally:
        server.terminate()
        server.wait()
    print(f"\n{args.pages} pages, {COMMUNITIES} CoPs, gunicorn -w {args.workers}, {args.clients} clients, "
          f"{args.seconds:.0f} s each, anonymous readers\n")
    print("| measurement | requests | req/s | p50 ms | p95 ms | 5xx |\n|---|---|---|---|---|---|")
    for name, figures in results.items():
        print(row(name, figures))
    trivial = results["/healthz (trivial)"]["rps"]
    for name in ("page view, cold cache", "page view, warm cache"):
        print(f"{name}: {100 * results[name]['rps'] / trivial:.0f}% of the trivial endpoint's rate (Python client)")
    if "page view, warm cache, wrk" in results:
        ratio = results["page view, warm cache, wrk"]["rps"] / results["/healthz (trivial), wrk"]["rps"]
        print(f"page view, warm cache: {100 * ratio:.0f}% of the trivial endpoint's rate (wrk)")
    for name, figures in saves.items():
        print(f"page {name} through the service: p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms "
              f"({figures['requests']} saves)")


if __name__ == "__main__":
    main()
