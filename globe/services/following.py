"""Following: people follow (or mute) communities, wiki pages, resources, proposals and discussions, and
hear of what happens there. A change writes one event in its own transaction; the event is fanned out to the followers
after the commit (a background thread, and the worker), so a change never waits on its followers however
many there are.

A community is followed at a level, as in Discourse: *everything*, *new* (new resources, pages and threads
only) or *mute*; a page, a resource, a proposal or a discussion is watched or muted. A mute wins over a community follow
for that one thing; watching one thing of a muted community still tells of it."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, update

from ..db import current_transaction, transaction
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..models import User
from ..models.base import utcnow
from ..models.notifications import COMMUNITY_LEVELS, FOLLOW_TARGETS, ITEM_LEVELS, Follow, NotificationEvent
from .notifications import load_target, may_see, notify, target_type_of
from .wiki_links import linked_page_ids

# What a community followed at level "new" tells of.
NEW_ITEM_KINDS = ("wiki.new_page", "resources.new", "conversations.new_thread")
# Kinds told only to the watchers of the pages the event's page links to: a new page tells whoever watches
# a page it links to (the followers of its community hear of it as "wiki.new_page").
LINK_KINDS = {"wiki.link": linked_page_ids}
CLAIM = timedelta(minutes=5)
BATCH = 50
CHUNK = 500  # followers told at a time
EXECUTOR_KEY = "globe.fan_out_executor"


# --- following ---------------------------------------------------------------------------------

def levels_for(target_type: str) -> tuple[str, ...]:
    return COMMUNITY_LEVELS if target_type == "community" else ITEM_LEVELS


def follow(actor, target_type: str, target_id, level: str) -> Follow:
    """Follow (or mute) something the actor may see; something they cannot see is "not found"."""
    target = _visible_target(actor, target_type, target_id)
    if level not in levels_for(target_type):
        raise InvalidInput({"level": [f"Choose one of: {', '.join(levels_for(target_type))}."]})
    with transaction():
        record = _follow_of(actor.id, target_type, target.id) or Follow(user_id=actor.id, target_type=target_type,
                                                                        target_id=target.id)
        record.level = level
        db.session.add(record)
    return record


def unfollow(actor, target_type: str, target_id) -> None:
    """Stop following (or muting): the default applies again. Not following it is not an error."""
    target = _visible_target(actor, target_type, target_id)
    with transaction():
        db.session.execute(delete(Follow).where(Follow.user_id == actor.id, Follow.target_type == target_type,
                                                Follow.target_id == target.id))


def follow_automatically(user, target, level: str | None = None) -> None:
    """In the caller's transaction: `user` created, edited, uploaded or joined `target`, so follows it,
    unless they turned that off or already chose a level (a mute stays a mute)."""
    if user is None or getattr(user, "id", None) is None or not getattr(user, "auto_follow", True):
        return
    target_type = target_type_of(target)
    if _follow_of(user.id, target_type, target.id) is None:
        default = "new" if target_type == "community" else "watch"
        db.session.add(Follow(user_id=user.id, target_type=target_type, target_id=target.id, level=level or default))


def level_of(user, target) -> str | None:
    if not user.is_authenticated:
        return None
    record = _follow_of(user.id, target_type_of(target), target.id)
    return record.level if record else None


def follows_of(actor) -> list[tuple[Follow, object]]:
    """What the actor follows or mutes and can still see, with the thing itself."""
    rows = db.session.scalars(select(Follow).where(Follow.user_id == actor.id)
                              .order_by(Follow.target_type, Follow.id))
    found = [(record, load_target(record.target_type, record.target_id)) for record in rows]
    return [(record, target) for record, target in found if target is not None and may_see(actor, target=target)]


def _visible_target(actor, target_type: str, target_id):
    if not actor.is_authenticated:
        raise NotFound("Log in to follow things.")
    if target_type not in FOLLOW_TARGETS:
        raise InvalidInput({"target_type": [f"Choose one of: {', '.join(FOLLOW_TARGETS)}."]})
    target = load_target(target_type, target_id) if isinstance(target_id, int) else None
    if target is None or not may_see(actor, target=target):
        raise NotFound(f"No such {target_type}.")
    return target


def _follow_of(user_id: int, target_type: str, target_id: int) -> Follow | None:
    return db.session.scalar(select(Follow).where(Follow.user_id == user_id, Follow.target_type == target_type,
                                                  Follow.target_id == target_id))


# --- telling followers ---------------------------------------------------------------------------

def tell_followers(kind: str, message: str, *, actor, target, community=None, url: str = "", subject: str = "",
                   collapse_key: str | None = None) -> None:
    """In the caller's transaction: followers of `target` (and of its community) hear of this after the commit."""
    community = community if community is not None else getattr(target, "community", None)
    db.session.add(NotificationEvent(kind=kind, message=message[:500], subject=subject[:200], url=url[:300],
                                     actor_id=getattr(actor, "id", None),
                                     community_id=community.id if community is not None else None,
                                     target_type=target_type_of(target), target_id=target.id,
                                     collapse_key=collapse_key, created_at=utcnow()))
    current_transaction().after_commit_once("following.fan_out", schedule_fan_out)


def schedule_fan_out() -> None:
    """Fan the events out soon: in a background thread, or right now when NOTIFY_IN_BACKGROUND is off."""
    app = current_app._get_current_object()
    if not app.config["NOTIFY_IN_BACKGROUND"] or threading.current_thread().name.startswith("globe-"):
        fan_out()
        return
    executor = app.extensions.setdefault(EXECUTOR_KEY, ThreadPoolExecutor(max_workers=1,
                                                                          thread_name_prefix="globe-notify"))
    executor.submit(_fan_out_in_app, app)


def _fan_out_in_app(app: Flask) -> None:
    with app.app_context():
        try:
            fan_out()
        except Exception:  # after the commit nobody can be told but the log; the events stay for the worker
            app.logger.exception("Telling followers failed")


def fan_out(now: datetime | None = None) -> int:
    """Tell the followers of every waiting event, a batch at a time; returns how many events were done.
    Safe in several processes at once: each claims its batch with a conditional update."""
    done = 0
    while batch := _claim(now or utcnow()):
        for event in batch:
            with transaction():
                _tell(event)
                db.session.delete(event)
            done += 1
    return done


def _claim(now: datetime) -> list[NotificationEvent]:
    due = or_(NotificationEvent.claimed_until.is_(None), NotificationEvent.claimed_until < now)
    with transaction():
        ids = list(db.session.scalars(select(NotificationEvent.id).where(due).order_by(NotificationEvent.id)
                                      .limit(BATCH)))
        if not ids:
            return []
        claimed = db.session.execute(update(NotificationEvent).where(NotificationEvent.id.in_(ids), due)
                                     .values(claimed_until=now + CLAIM).returning(NotificationEvent.id))
        mine = [row[0] for row in claimed]
    return list(db.session.scalars(select(NotificationEvent).where(NotificationEvent.id.in_(mine))
                                   .order_by(NotificationEvent.id)))


def _tell(event: NotificationEvent) -> None:
    target = load_target(event.target_type, event.target_id)
    if target is None or getattr(target, "deleted_at", None) is not None:
        return  # gone (or in the resource bin) before its followers heard of it
    actor = db.session.get(User, event.actor_id) if event.actor_id else None
    for people in _followers(event):
        notify(people, event.kind, event.message, url=event.url, actor=actor, target=target,
               subject=event.subject, collapse_key=event.collapse_key)


def _followers(event: NotificationEvent):
    """The people to tell, a chunk at a time (memory does not grow with the number of followers). Each chunk
    is read whole, by id: a cursor left open while the notices are written would hold SQLite's snapshot, and
    the first write after another connection's commit would fail ("database is locked")."""
    who, after = _who_hears(event), 0
    while chunk := list(db.session.scalars(select(User).where(who, User.id > after).order_by(User.id)
                                           .limit(CHUNK))):
        yield chunk
        after = chunk[-1].id


def _who_hears(event: NotificationEvent):
    """Those watching the target, and those following its community at a level that hears of this kind,
    less whoever muted the target; for a LINK_KINDS event, those watching a page its page links to."""
    if event.kind in LINK_KINDS:
        return User.id.in_(select(Follow.user_id).where(
            Follow.target_type == "page", Follow.target_id.in_(LINK_KINDS[event.kind](event.target_id)),
            Follow.level == "watch"))
    community_levels = ("everything", "new") if event.kind in NEW_ITEM_KINDS else ("everything",)
    watching = select(Follow.user_id).where(Follow.target_type == event.target_type,
                                            Follow.target_id == event.target_id, Follow.level == "watch")
    muted = select(Follow.user_id).where(Follow.target_type == event.target_type,
                                         Follow.target_id == event.target_id, Follow.level == "mute")
    who = User.id.in_(watching)
    if event.community_id is not None:
        who = who | (User.id.in_(select(Follow.user_id).where(
            Follow.target_type == "community", Follow.target_id == event.community_id,
            Follow.level.in_(community_levels))) & User.id.not_in(muted))
    return who
