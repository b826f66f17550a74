"""Telling followers: a resource shared in a community followed by 10, 1,000 and 10,000 members. The upload
request must take the same time whatever the number of followers (they are told after its commit, in a
background thread); the fan-out itself is timed apart, and the bell's unread count is shown to use its index.

    .venv/bin/python bench/notification_fan_out.py [--followers 10 1000 10000] [--uploads 5]

A throw-away instance (SQLite in a temporary folder), NOTIFY_IN_BACKGROUND on as in production. Three
members-only communities (the costlier visibility check) whose members all follow them ("new" level);
the members are written in bulk (no password hashing), the uploader signs in through the login form.
For each community, `--uploads` files are shared through the real form (a POST of /c/<slug>/resources/new):
1. the request's own time (median and slowest), from the POST to its response;
   and of one sent while the fan-out of the one before it runs (SQLite has one writer: it waits for it);
2. the fan-out of the first upload (a new notice for each follower) and of the later ones (collapsed into
   that notice: "3 new resources in …"), timed inside the background thread, with its rate.
Between uploads the background threads (fan-out, text extraction, search index) are left to finish, so
no measurement waits on another. Then EXPLAIN QUERY PLAN of the bell's query for one follower.
Prints the figures; results go to docs/benchmarks.md ("Notifications") by hand."""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select

from globe import create_app
from globe.db import transaction
from globe.extensions import db
from globe.models import Community, Membership, Notification, User
from globe.models.base import utcnow
from globe.models.notifications import Follow
from globe.services import accounts, communities, following, notifications
from globe.services.accounts import SYSTEM

PASSWORD = "bench-password-1"
fan_outs: list[tuple[float, int]] = []  # (seconds, events) of each fan_out() that did something
request_queries: list[int] = []  # statements the request's own thread sent, per request


def count_request_queries(conn, cursor, statement, parameters, context, executemany):
    if threading.current_thread() is threading.main_thread():
        request_queries[-1] += 1


def timed_fan_out(original):
    def fan_out(now=None):
        started = time.perf_counter()
        done = original(now)
        if done:
            fan_outs.append((time.perf_counter() - started, done))
        return done
    return fan_out


def add_members(community: Community, first_id: int, count: int) -> None:
    """`count` members following the community, written in bulk: building 10,000 accounts through the
    service would spend minutes hashing passwords, which is not what is measured."""
    now = utcnow()
    with transaction():
        db.session.execute(insert(Membership), [
            {"community_id": community.id, "user_id": first_id + n, "role": "member", "status": "active",
             "created_at": now} for n in range(count)])
        db.session.execute(insert(Follow), [
            {"user_id": first_id + n, "target_type": "community", "target_id": community.id, "level": "new",
             "created_at": now} for n in range(count)])


def add_people(count: int) -> int:
    """`count` verified accounts; the id of the first."""
    now = utcnow()
    with transaction():
        db.session.execute(insert(User), [
            {"email": f"teacher{n}@example.org", "display_name": f"Teacher {n}", "password_hash": "!",
             "email_verified_at": now, "created_at": now} for n in range(count)])
    return db.session.scalar(select(func.min(User.id)).where(User.email.like("teacher%")))


def drain(app) -> None:
    """Wait until every background thread (fan-out, extraction, search index) has finished its work."""
    for _ in range(2):  # a fan-out may queue more work for another thread
        for executor in [value for key, value in app.extensions.items() if key.endswith("_executor")]:
            executor.submit(lambda: None).result()


def share(client, slug: str, n: int) -> float:
    """Share one file through the form; the request's own time."""
    data = {"title": f"Lesson {n}", "description": "Warm-up questions", "language": "en", "license": "cc-by",
            "files": (io.BytesIO(f"Lesson {n} for {slug}: warm-up questions\n".encode()), f"lesson-{n}.txt")}
    request_queries.append(0)
    started = time.perf_counter()
    response = client.post(f"/c/{slug}/resources/new", data=data, content_type="multipart/form-data")
    seconds = time.perf_counter() - started
    if response.status_code != 302:
        sys.exit(f"sharing failed: {response.status_code} {response.get_data(as_text=True)[:500]}")
    return seconds


def measure(app, client, slug: str, followers: int, uploads: int) -> None:
    drain(app)
    fan_outs.clear()
    request_queries.clear()
    requests = []
    for n in range(uploads):
        requests.append(share(client, slug, n))
        drain(app)
    share(client, slug, uploads)  # and at once another, while the fan-out of this one runs
    during = share(client, slug, uploads + 1)
    drain(app)
    notices = db.session.scalar(select(func.count()).select_from(Notification)
                                .join(Community, Community.id == Notification.community_id)
                                .where(Community.slug == slug))
    first, *later = [seconds for seconds, _ in fan_outs[:uploads]]
    later_text = (f"; later ones (collapsed) median {statistics.median(later):.2f} s "
                  f"({followers / statistics.median(later):,.0f} followers/s)") if later else ""
    print(f"{followers:>6,} followers: request median {statistics.median(requests) * 1000:.0f} ms, "
          f"slowest {max(requests) * 1000:.0f} ms, {max(request_queries[:uploads])} queries, "
          f"during a fan-out {during * 1000:.0f} ms | "
          f"fan-out of the first {first:.2f} s "
          f"({followers / first:,.0f} followers/s){later_text} | {notices:,} notices")


def explain_unread_count(user: User) -> None:
    """The bell's queries as notifications.unread_count() sends them, and SQLite's plan for each."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    started = time.perf_counter()
    count = notifications.unread_count(user)
    seconds = time.perf_counter() - started
    event.remove(db.engine, "before_cursor_execute", capture)
    print(f"\nunread count of one follower: {count} in {seconds * 1000:.1f} ms, {len(seen)} queries:")
    with db.engine.connect() as connection:
        for statement, parameters in seen:
            print("  " + " ".join(statement.split()))
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters):
                print(f"    plan: {row[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--uploads", type=int, default=5)
    args = parser.parse_args()
    following.fan_out = timed_fan_out(following.fan_out)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": f"{folder}/instance", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                          "SEARCH_INDEX_DIR": f"{folder}/index", "UPLOAD_DIR": f"{folder}/uploads",
                          "NOTIFY_IN_BACKGROUND": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "SECRET_KEY": "bench-" * 8})
        with app.app_context():
            db.create_all()
            uploader = accounts.register_user(email="uploader@example.org", display_name="Uploader",
                                              password=PASSWORD, verified=True)
            first_id = add_people(max(args.followers))
            for followers in (0, *args.followers):  # cop-0: a warm-up request, so the first figures are not slower
                community = communities.create_community(SYSTEM, slug=f"cop-{followers}",
                                                         name=f"CoP of {followers}", domain="Teaching English",
                                                         policy="open", visibility="members")
                communities.add_member(SYSTEM, community, uploader, role="member")
                if followers:
                    add_members(community, first_id, followers)
            client = app.test_client()
            client.post("/login", data={"email": "uploader@example.org", "password": PASSWORD})
            event.listen(db.engine, "before_cursor_execute", count_request_queries)
            share(client, "cop-0", 0)
            for followers in args.followers:
                measure(app, client, f"cop-{followers}", followers, args.uploads)
            explain_unread_count(db.session.get(User, first_id))
            drain(app)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
