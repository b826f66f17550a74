"""Keeping the search index in step with the database through the search queue, and searching it.

Every change writes a queue row in its own transaction. After the commit, the queue is applied to
the index by whichever process holds the drain lease (a row in the database); the others leave
their rows to it. A crash can delay indexing, never lose it: the rows stay until applied, and the
dead holder's lease is taken over at once on its own machine, after LEASE elsewhere."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..backends import get_search_backend
from ..db import current_transaction, transaction
from ..extensions import db
from ..holders import is_dead, this_process
from ..models import Community, Resource, SearchDrainLease, SearchQueueItem, Thread, WikiPage
from ..models.base import utcnow
from ..permissions import visible_scope
from ..search import SearchQuery, SearchResults
from ..search.documents import all_documents, documents_for

BATCH = 200
# Renewed after every batch, so it must outlast the slowest batch by far: a holder that overran it
# would share the index with a second writer. A crash on this machine does not wait for it (the dead
# holder is recognised, see globe/holders.py); a crash on another machine delays indexing by up to it.
LEASE = timedelta(seconds=60)
EXECUTOR_KEY = "globe.index_executor"
DEFERRED_KEY = "globe.indexing_deferred"


# --- queueing --------------------------------------------------------------------------------

def queue_for_indexing(kind: str, object_id: int) -> None:
    """Record, in the caller's transaction, that this object must be (re)indexed or removed."""
    db.session.add(SearchQueueItem(kind=kind, object_id=object_id))
    current_transaction().after_commit_once("search.drain", schedule_drain)


def queue_community_content(community: Community) -> None:
    """Everything in a CoP, e.g. after its visibility changed (who may see it is in the index)."""
    for kind, model in (("wiki", WikiPage), ("resource", Resource), ("discussion", Thread)):
        for object_id in db.session.scalars(select(model.id).where(model.community_id == community.id)):
            queue_for_indexing(kind, object_id)


# --- draining --------------------------------------------------------------------------------

@contextmanager
def indexing_deferred() -> Iterator[None]:
    """Queue index changes during the block and apply them all once it ends: for bulk loads such as
    the demo, where applying the queue after every commit would cost an index commit each time."""
    app = current_app._get_current_object()
    app.extensions[DEFERRED_KEY] = True
    try:
        yield
    finally:
        app.extensions.pop(DEFERRED_KEY, None)
        drain_queue()


def schedule_drain() -> None:
    """Apply the queue soon: in a background thread, or right now when INDEX_IN_BACKGROUND is off
    or when already on one of Globe's background threads (extraction finishing, say)."""
    app = current_app._get_current_object()
    if app.extensions.get(DEFERRED_KEY):
        return  # indexing_deferred() applies the queue when its block ends
    if not app.config["INDEX_IN_BACKGROUND"] or threading.current_thread().name.startswith("globe-"):
        drain_queue()
        return
    executor = app.extensions.setdefault(EXECUTOR_KEY, ThreadPoolExecutor(max_workers=1,
                                                                          thread_name_prefix="globe-index"))
    executor.submit(_drain_in_app, app)


def _drain_in_app(app: Flask) -> None:
    with app.app_context():
        try:
            drain_queue()
        except Exception:  # a background thread has nobody to report to but the log; rows stay queued
            app.logger.exception("Applying the search queue failed")


def drain_queue() -> int:
    """Apply queued changes while holding the lease; after releasing it, look once more so that a
    change committed meanwhile by a process that found the lease taken is never stranded."""
    applied = 0
    while _take_lease():
        try:
            applied += _apply_queue()
        finally:
            _release_lease()
        if not queue_length():
            break
    return applied


def _apply_queue() -> int:
    applied = 0
    while True:
        rows = db.session.execute(select(SearchQueueItem.id, SearchQueueItem.kind, SearchQueueItem.object_id)
                                  .order_by(SearchQueueItem.id).limit(BATCH)).all()
        if not rows:
            return applied
        upserts, deletes = [], []
        for kind in {row.kind for row in rows}:
            found, gone = documents_for(kind, {row.object_id for row in rows if row.kind == kind})
            upserts += found
            deletes += gone
        if not get_search_backend().apply(upserts, deletes, wait=True):
            return applied  # the index stayed locked (a rebuild): the rows wait for the next drain
        with transaction():
            db.session.execute(delete(SearchQueueItem).where(SearchQueueItem.id.in_([row.id for row in rows])))
            _renew_lease()
        applied += len(rows)


def _holder() -> str:
    return f"{this_process()}/{threading.get_native_id()}"


def _take_lease() -> bool:
    """Take the lease if it is free, expired, or held by a process that has died on this machine."""
    now = utcnow()
    try:
        with transaction():
            holder = db.session.scalar(select(SearchDrainLease.holder).where(SearchDrainLease.id == 1))
            free = or_(SearchDrainLease.holder.is_(None), SearchDrainLease.expires_at < now)
            if is_dead(holder):
                free = or_(free, SearchDrainLease.holder == holder)
            taken = db.session.execute(
                update(SearchDrainLease).where(SearchDrainLease.id == 1, free)
                .values(holder=_holder(), expires_at=now + LEASE)).rowcount
            if not taken and db.session.get(SearchDrainLease, 1) is None:
                db.session.add(SearchDrainLease(id=1, holder=_holder(), expires_at=now + LEASE))
                taken = 1
    except IntegrityError:
        return False  # another process created the lease row first, and holds it
    return bool(taken)


def _renew_lease() -> None:
    db.session.execute(update(SearchDrainLease).where(SearchDrainLease.id == 1, SearchDrainLease.holder == _holder())
                       .values(expires_at=utcnow() + LEASE))


def _release_lease() -> None:
    with transaction():
        db.session.execute(update(SearchDrainLease).where(SearchDrainLease.id == 1,
                                                          SearchDrainLease.holder == _holder())
                           .values(holder=None, expires_at=None))


# --- status and rebuilding -------------------------------------------------------------------

def queue_length() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchQueueItem))


def status() -> dict:
    """What `flask globe search-status` shows."""
    oldest = db.session.scalar(select(func.min(SearchQueueItem.queued_at)))
    return {**get_search_backend().stats(), "queue_length": queue_length(), "oldest_queued": oldest}


def reindex(*, progress=None) -> int:
    """Rebuild the whole index from the database beside the live one; search stays up meanwhile."""
    count = get_search_backend().rebuild(all_documents(), progress=progress)
    drain_queue()  # changes made during the rebuild
    return count


# --- searching -------------------------------------------------------------------------------

def search(actor, *, text: str = "", filters: dict | None = None, sort: str = "relevance", page: int = 1,
           per_page: int = 20) -> SearchResults:
    """Search as this viewer: their principals filter inside the search itself."""
    query = SearchQuery(text=text, principals=visible_scope(actor).principals(), filters=filters or {}, sort=sort,
                        page=page, per_page=per_page)
    return get_search_backend().search(query)
