"""What anyone may see of a community's discussions, for its Atom feed: the latest public board threads
with the text of their opening posts. Members-only communities have no feed (feeds are anonymous)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import NotFound
from ..extensions import db
from ..models import Community, Post, Thread
from ..permissions import THREAD, Anonymous, can, visible_scope
from ..search.documents import plain_text
from .communities import get_community

SUMMARY_CHARS = 1000


@dataclass(frozen=True)
class FeedThread:
    thread: Thread
    opening_text: str  # the opening post as plain text ("" when it is hidden)


def public_community(slug: str) -> Community:
    """The community whose board anyone may read; NotFound for a members-only one, as for none at all."""
    community = get_community(slug)
    if not can(Anonymous(), "communities.view_content", community):
        raise NotFound("This community has no public discussions.")
    return community


def latest_threads(community: Community, *, limit: int) -> list[FeedThread]:
    """The community's public board threads, latest post first (hidden and deleted ones left out), in
    two queries whatever their number."""
    threads = list(db.session.scalars(
        select(Thread).where(Thread.community_id == community.id, THREAD.sql_filter(visible_scope(Anonymous())))
        .order_by(Thread.last_posted_at.desc(), Thread.id.desc()).limit(limit)
        .options(selectinload(Thread.author))))
    openings = {post.thread_id: post for post in db.session.scalars(
        select(Post).where(Post.thread_id.in_([thread.id for thread in threads]), Post.number == 1,
                           Post.deleted_at.is_(None), Post.hidden_at.is_(None)))}
    return [FeedThread(thread, plain_text(openings[thread.id].body_html)[:SUMMARY_CHARS]
                       if thread.id in openings else "") for thread in threads]
