"""Discussions at size: a community with 10,000 threads and a thread with 2,000 replies. The board's first
page and a page of the long thread should each render within 2x the time of a wiki page view of the same
app, with a number of queries that does not grow with the thread's length.

    .venv/bin/python bench/conversations_bench.py [--threads 10000] [--replies 2000] [--requests 40]

A throw-away instance (SQLite in a temporary folder). The threads, posts (by 200 different members, one in
five quoting an earlier post, one in three thanked) and thanks are written in bulk, their text drawn from
the machine's manual pages and rendered once through the real post renderer; one wiki page of the same
length as a page of replies is saved through the service. Then, signed in as a member, each page is
requested `--requests` times through the app (the Flask test client: no network, one process) and the
median, 95th percentile and the statements sent are printed for: the board's first page, the unanswered
filter, the long thread's first, middle and last pages, a short thread, and the wiki page.
Prints the figures; results go to docs/benchmarks.md ("Discussions") by hand."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from globe import create_app  # noqa: E402
from globe.db import transaction  # noqa: E402
from globe.extensions import db  # noqa: E402
from globe.models import Membership, Post, Thanks, Thread, User  # noqa: E402
from globe.models.base import utcnow  # noqa: E402
from globe.services import communities, conversations, wiki_pages  # noqa: E402
from globe.services.accounts import SYSTEM, register_user  # noqa: E402
from globe.services.post_rendering import render_post  # noqa: E402

PASSWORD = "bench-password-1"
AUTHORS = 200
statements: list[int] = [0]


def count_statement(conn, cursor, statement, parameters, context, executemany):
    statements[-1] += 1


def add_authors(community) -> list[int]:
    """AUTHORS verified members, written in bulk (hashing passwords is not what is measured)."""
    now = utcnow()
    with transaction():
        db.session.execute(insert(User), [
            {"email": f"teacher{n}@example.org", "display_name": f"Teacher {n}", "password_hash": "!",
             "email_verified_at": now, "created_at": now - timedelta(days=30)} for n in range(AUTHORS)])
        ids = list(db.session.scalars(select(User.id).where(User.email.like("teacher%")).order_by(User.id)))
        db.session.execute(insert(Membership), [
            {"community_id": community.id, "user_id": user_id, "role": "member", "status": "active",
             "created_at": now} for user_id in ids])
    return ids


def rendered(thread: Thread, corpus: Corpus, author: User, cache: dict) -> tuple[str, str]:
    """A post's Markdown and HTML; a few hundred distinct texts are rendered once and reused."""
    key = len(cache) % 300 if len(cache) >= 300 else len(cache)
    if key not in cache:
        body = corpus.text(60)  # the wiki page is made of as many such texts as a page has posts
        cache[key] = (body, render_post(thread, body, author=author, mentioned=[]))
    return cache[key]


def add_threads(community, authors: list[int], count: int, corpus: Corpus) -> None:
    """`count` threads with an opening post each, mixed kinds, newest last."""
    kinds = ("question", "story", "idea", "showcase", "question")
    start, cache, someone = utcnow() - timedelta(days=365), {}, db.session.get(User, authors[0])
    sample = Thread(community=community, kind="question", title="sample")
    for first in range(0, count, 1000):
        with transaction():
            rows = [{"community_id": community.id, "kind": kinds[n % 5], "story_type": "success" if n % 5 == 1
                     else None, "title": corpus.title()[:190] + f" {n}", "tags": ["bench"],
                     "author_id": authors[n % AUTHORS], "post_count": 1,
                     "created_at": start + timedelta(minutes=n), "last_posted_at": start + timedelta(minutes=n)}
                    for n in range(first, min(count, first + 1000))]
            ids = list(db.session.scalars(insert(Thread).returning(Thread.id, sort_by_parameter_order=True), rows))
            db.session.execute(insert(Post), [
                {"thread_id": thread_id, "number": 1, "author_id": row["author_id"],
                 "body": (text := rendered(sample, corpus, someone, cache))[0], "body_html": text[1],
                 "created_at": row["created_at"]} for thread_id, row in zip(ids, rows, strict=True)])


def long_thread(community, authors: list[int], replies: int, corpus: Corpus) -> Thread:
    """One question with `replies` replies: one in five quotes an earlier post, one in three is thanked."""
    asker = db.session.get(User, authors[0])
    thread = conversations.start_thread(asker, community, kind="question", title="How do you run speaking games?",
                                        body=corpus.text(80))
    cache, now = {}, utcnow()
    with transaction():
        rows = [{"thread_id": thread.id, "number": n, "author_id": authors[n % AUTHORS],
                 "body": (text := rendered(thread, corpus, asker, cache))[0], "body_html": text[1],
                 "created_at": now + timedelta(seconds=n), "thanks_count": 1 if n % 3 == 0 else 0}
                for n in range(2, replies + 2)]
        ids = list(db.session.scalars(insert(Post).returning(Post.id, sort_by_parameter_order=True), rows))
        by_number = dict(zip(range(2, replies + 2), ids, strict=True))
        for number, post_id in by_number.items():
            if number % 5 == 0:
                db.session.get(Post, post_id).reply_to_id = by_number.get(number - 3)
        db.session.execute(insert(Thanks), [
            {"user_id": authors[(n + 1) % AUTHORS], "target_type": "post", "target_id": by_number[n],
             "receiver_id": authors[n % AUTHORS], "created_at": now} for n in by_number if n % 3 == 0])
        thread.post_count = replies + 1
        thread.last_posted_at = now + timedelta(days=1)  # at the top of the board
    return thread


def timed(client, path: str, requests: int) -> tuple[float, float, int, int]:
    """Median and 95th percentile in ms, the statements of the last request, and the page's size in bytes."""
    client.get(path)  # warm: templates compiled, caches filled
    times = []
    for _ in range(requests):
        statements.append(0)
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{path}: {response.status_code}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], statements[-1], len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10000)
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    corpus = Corpus()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": f"{folder}/instance", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                          "SEARCH_INDEX_DIR": f"{folder}/index", "UPLOAD_DIR": f"{folder}/uploads",
                          "NOTIFY_IN_BACKGROUND": False, "SEND_EMAIL_IN_BACKGROUND": False,
                          "INDEX_IN_BACKGROUND": False, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "SECRET_KEY": "bench-" * 8})
        with app.app_context():
            db.create_all()
            community = communities.create_community(SYSTEM, slug="speaking", name="Speaking club",
                                                     domain="Teaching English", policy="open", visibility="public")
            reader = register_user(email="reader@example.org", display_name="Reader", password=PASSWORD,
                                   verified=True)
            communities.add_member(SYSTEM, community, reader, role="editor")
            authors = add_authors(community)
            started = time.perf_counter()
            add_threads(community, authors, args.threads, corpus)
            thread = long_thread(community, authors, args.replies, corpus)
            short = conversations.start_thread(reader, community, kind="idea", title="A short one", body="Hello")
            per_page = int(app.config["POSTS_PER_PAGE"])
            page = wiki_pages.create_page(reader, community, title="Speaking games",
                                          body="\n\n".join(corpus.text(60) for _ in range(per_page))).page
            print(f"built {args.threads:,} threads and a thread of {args.replies:,} replies in "
                  f"{time.perf_counter() - started:.1f} s")
            client = app.test_client()
            client.post("/login", data={"email": reader.email, "password": PASSWORD})
            event.listen(db.engine, "before_cursor_execute", count_statement)
            pages = -(-thread.post_count // per_page)
            rows = [("wiki page", f"/c/speaking/wiki/{page.slug}"),
                    ("board, first page", "/c/speaking/discussions"),
                    ("board, unanswered questions", "/c/speaking/discussions?unanswered=1"),
                    ("long thread, page 1", f"/discussions/{thread.id}"),
                    (f"long thread, page {pages // 2}", f"/discussions/{thread.id}?page={pages // 2}"),
                    (f"long thread, page {pages} (last)", f"/discussions/{thread.id}?page={pages}"),
                    ("short thread (2 posts)", f"/discussions/{short.id}")]
            wiki_median = None
            print(f"{'page':32} {'median':>9} {'p95':>9} {'x wiki':>7} {'queries':>8} {'bytes':>8}")
            for name, path in rows:
                median, p95, queries, size = timed(client, path, args.requests)
                wiki_median = wiki_median or median
                print(f"{name:32} {median:7.1f}ms {p95:7.1f}ms {median / wiki_median:7.2f} {queries:8} {size:8,}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
