"""Comments under a wiki page, a resource or an incubator proposal: each subject's comment thread (made
with its first comment), and the section its page shows: the page of comments the viewer asked for, and
whether they may read and write there (and if not, why)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from ..errors import NotFound, PermissionDenied, Unauthorized
from ..extensions import db
from ..models import Community, Post, Thanks, Thread, WikiPage
from ..permissions import can, require
from . import conversations
from .conversations import PostsPage
from .notifications import target_type_of


def comments_of(subject) -> Thread | None:
    """The comment thread of a wiki page, resource or proposal, if anyone commented yet (callers check that
    the viewer may see the subject)."""
    return db.session.scalar(select(Thread).where(Thread.subject_type == target_type_of(subject),
                                                  Thread.subject_id == subject.id))


def comment(actor, subject, *, body: str, reply_to: Post | None = None) -> Post:
    """A comment on a wiki page, resource or proposal: a reply in its comment thread, made with the first one.
    A deleted page or a resource in the bin takes no comments."""
    if getattr(subject, "is_deleted", False):
        raise NotFound("There is nothing here to comment on.")
    thread = comments_of(subject)
    if thread is not None:
        return conversations.reply(actor, thread, body=body, reply_to=reply_to)
    try:
        return conversations.reply(actor, unsaved_thread(subject), body=body, reply_to=reply_to)  # refused if set
    except IntegrityError:  # someone else's first comment came first: add this one to their thread
        db.session.rollback()
        return conversations.reply(actor, comments_of(subject), body=body, reply_to=reply_to)


def unsaved_thread(subject) -> Thread:
    """The subject's comment thread before its first comment (saved with it, so a refused comment leaves
    nothing behind); the rules judge it as they will the saved one. A proposal's comments belong to no
    community, whichever it grew from."""
    subject_type = target_type_of(subject)
    community = None if subject_type == "proposal" else subject.community
    return Thread(community=community, subject_type=subject_type, subject_id=subject.id, kind="comments",
                  title=getattr(subject, "title", ""))


@dataclass
class CommentSection:
    """What a subject's page shows of its comments. `thread` is None until someone comments."""

    thread: Thread | None
    posts_page: PostsPage | None
    may_see: bool
    may_comment: bool
    refusal: str | None  # why a signed-in viewer may not comment (None: they may, or must sign in first)


def comment_section(actor, subject, *, page: int = 1) -> CommentSection:
    """The subject's comments as `actor` sees them (the caller already checked that they may see `subject`)."""
    thread = comments_of(subject)
    rules_on = thread or unsaved_thread(subject)  # before the first comment, judged as the thread would be
    if not _may_see(actor, rules_on):
        return CommentSection(thread, None, False, False, None)
    posts_page = conversations.thread_posts(actor, thread, page=page) if thread else None
    refusal = _refusal(actor, rules_on)
    return CommentSection(thread, posts_page, True, actor.is_authenticated and refusal is None, refusal)


def page_has_comments_or_thanks(community_slug: str, page_slug: str) -> bool:
    """Whether a wiki page has comments or thanks (its anonymous view then is not kept in the page cache,
    whose validator knows only the page itself)."""
    page = (select(WikiPage.id).join(Community, Community.id == WikiPage.community_id)
            .where(Community.slug == community_slug, WikiPage.slug == page_slug).scalar_subquery())
    commented = exists().where(Thread.subject_type == "page", Thread.subject_id == page)
    thanked = exists().where(Thanks.target_type == "page", Thanks.target_id == page)
    return bool(db.session.scalar(select(or_(commented, thanked))))


def _may_see(actor, thread: Thread) -> bool:
    """Who may read the thread; moderators also read it when hidden or deleted."""
    if thread.is_hidden or thread.is_deleted:
        return conversations.may_see_thread(actor, thread)
    return can(actor, "conversations.view", thread)


def _refusal(actor, thread: Thread) -> str | None:
    if not actor.is_authenticated:
        return None
    if thread.is_hidden or thread.is_deleted:
        return "These comments were hidden by a moderator: nobody can add one until they are shown again."
    if thread.is_locked or thread.is_closed:
        return f"Comments are {'locked' if thread.is_locked else 'closed'}: nobody can add one any more."
    try:
        require(actor, "conversations.post", thread)
    except (PermissionDenied, Unauthorized) as err:
        return err.detail
    return None
