"""Digests: how long `send-digests` takes to queue the daily digest of 1,000 and of 10,000 people with activity
in 14 communities, and its peak memory (tracemalloc), which must not grow with the number of people.

    .venv/bin/python bench/digests.py [--people 1000 10000] [--notices 8]

For each size, a throw-away instance (SQLite in a temporary folder): 14 communities (2 members-only) with
5 wiki pages each, every person a member of 3 of them with `--notices` notices on each of two days (half about
a page, so each is re-checked for visibility as it is mailed). Rows are inserted in bulk; the digests then go
through the real service, one transaction per person: the first day's timed, the second day's under
tracemalloc (which slows Python down) for the peak memory. Only queueing is measured: the outbox sender (its own
benchmark, bench/email_outbox.py) is kept from running. Prints the figures; results go to docs/benchmarks.md
("Digests") by hand."""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from globe import create_app
from globe.extensions import db
from globe.models import Community, Membership, Notification, OutboxMessage, User, WikiPage
from globe.services import accounts, digests, outbox, wiki_pages
from globe.urls import wiki_page_path

COMMUNITIES, MEMBERS_ONLY, PAGES, MEMBERSHIPS = 14, 2, 5, 3
DAYS = (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC))
KINDS = ("wiki.new_page", "resources.new", "wiki.page")


def build(people: int, notices: int) -> None:
    """The communities and pages through the services; the people, memberships and notices in bulk."""
    author = accounts.register_user(email="author@example.org", display_name="Author", password="password123",
                                    verified=True)
    for n in range(COMMUNITIES):
        visibility = "members" if n < MEMBERS_ONLY else "public"
        community = _community(author, n, visibility)
        for p in range(PAGES):
            wiki_pages.create_page(author, community, title=f"Page {p} of {community.name}", body="Text.")
    pages = {community_id: list(db.session.execute(select(WikiPage.id, WikiPage.slug).where(
        WikiPage.community_id == community_id))) for community_id in db.session.scalars(select(Community.id))}
    slugs = dict(db.session.execute(select(Community.id, Community.slug)).all())
    rng = random.Random(16)
    hashed = accounts.hash_password("password123")
    for start in range(0, people, 1000):
        batch = range(start, min(start + 1000, people))
        db.session.execute(insert(User), [{"email": f"teacher{n}@example.org", "display_name": f"Teacher {n}",
                                           "password_hash": hashed, "email_verified_at": DAYS[0]} for n in batch])
        ids = list(db.session.scalars(select(User.id).where(User.email.in_([f"teacher{n}@example.org"
                                                                            for n in batch]))))
        members, rows = [], []
        for user_id in ids:
            joined = rng.sample(sorted(pages), MEMBERSHIPS)
            members += [{"community_id": cid, "user_id": user_id, "role": "member", "status": "active"}
                        for cid in joined]
            for day, k in ((day, k) for day in DAYS for k in range(notices)):
                cid = joined[k % MEMBERSHIPS]
                page_id, page_slug = rng.choice(pages[cid])
                about_page = k % 2 == 1
                when = day + timedelta(minutes=rng.randrange(24 * 60))
                rows.append({"user_id": user_id, "kind": KINDS[k % len(KINDS)], "message": f"Something happened ({k})",
                             "url": wiki_page_path(slugs[cid], page_slug), "community_id": cid,
                             "target_type": "page" if about_page else "", "target_id": page_id if about_page else None,
                             "actor_ids": [], "event_count": 1, "created_at": when, "updated_at": when})
        db.session.execute(insert(Membership), members)
        db.session.execute(insert(Notification), rows)
        db.session.commit()


def _community(author, n: int, visibility: str) -> Community:
    from globe.services import communities
    community = communities.create_community(accounts.SYSTEM, slug=f"cop-{n}", name=f"Community {n}",
                                             domain="Teaching English", policy="open", visibility=visibility)
    communities.add_member(accounts.SYSTEM, community, author, role="editor")
    return community


def measure(people: int, notices: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": f"{folder}/instance", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                          "SEARCH_INDEX_DIR": f"{folder}/index", "UPLOAD_DIR": f"{folder}/uploads",
                          "INDEX_IN_BACKGROUND": False, "NOTIFY_IN_BACKGROUND": False,
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            db.create_all()
            build(people, notices)
            db.session.remove()
            started = time.perf_counter()
            queued = digests.send_digests("daily", now=DAYS[0] + timedelta(days=1, hours=7))
            seconds = time.perf_counter() - started
            tracemalloc.start()
            digests.send_digests("daily", now=DAYS[1] + timedelta(days=1, hours=7))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            in_outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))
            again = digests.send_digests("daily", now=DAYS[1] + timedelta(days=1, hours=7))
            print(f"{people:>6} people, {people * notices} notices a day: {queued} digests queued in {seconds:.1f} s "
                  f"({queued / seconds:.0f}/s); peak traced memory (second day) {peak / 1024 / 1024:.1f} MB; "
                  f"{in_outbox} in the outbox after both days; run again: {again} more")
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--notices", type=int, default=8, help="Notices per person on the day.")
    args = parser.parse_args()
    outbox.schedule_sending = lambda: None  # measure queueing only: the sender has its own benchmark
    for people in args.people:
        measure(people, args.notices)


if __name__ == "__main__":
    main()
