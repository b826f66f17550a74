"""Moderation of discussions and comments: what a community's facilitators (site admins for a proposal's
comments) do to threads (pin, lock, close, hide, move) and posts (hide), the flags members raise on posts, and
the log that keeps every one of these decisions with who made it and why.

Who may do what is permissions' ("conversations.moderate", "conversations.flag", "conversations.view_hidden")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..db import transaction
from ..errors import Conflict, NotFound
from ..extensions import db
from ..models import Community, Membership, Post, Thread, User
from ..models.base import utcnow
from ..models.conversations import ModerationEntry, PostFlag
from ..permissions import can, holds_site_role, require
from . import conversations
from .notifications import notify
from .search import queue_for_indexing
from .validation import Checker, shorten

REASON_CHARS = 500
LOG_PER_PAGE = 30
ATTENTION_URL = "/attention"  # where a facilitator decides on flagged posts

# thread action -> (the Thread column it sets or clears, set?) ; "move" is apart: it needs a community
THREAD_TOGGLES = {"pin": ("pinned_at", True), "unpin": ("pinned_at", False),
                  "lock": ("locked_at", True), "unlock": ("locked_at", False),
                  "close": ("closed_at", True), "reopen": ("closed_at", False),
                  "hide": ("hidden_at", True), "unhide": ("hidden_at", False)}
ACTION_LABELS = {"pin": "Pin", "unpin": "Unpin", "lock": "Lock", "unlock": "Unlock", "close": "Close",
                 "reopen": "Reopen", "hide": "Hide", "unhide": "Show again", "move": "Move",
                 "hide_post": "Hide post", "unhide_post": "Show post again", "delete_post": "Delete post",
                 "restore_post": "Restore post", "dismiss_flags": "Dismiss flags"}
REASON_REQUIRED = {"hide", "move", "hide_post"}
COMMENT_THREAD_ACTIONS = ("lock", "unlock")  # comments on a page, resource or proposal are only locked
SEARCHED_COLUMNS = {"hidden_at"}  # a change here changes who finds the thread


@dataclass
class FlaggedPost:
    """A post with flags waiting for a moderator's decision."""

    post: Post
    flags: list[PostFlag]

    @property
    def since(self) -> datetime:
        return min(flag.created_at for flag in self.flags)

    @property
    def reasons(self) -> list[str]:
        return [flag.reason for flag in self.flags]

    @property
    def excerpt(self) -> str:
        return shorten(self.post.body, 300)

    @property
    def url(self) -> str:
        return conversations.post_url(self.post)


# --- threads -------------------------------------------------------------------------------------

def require_moderator(actor, target) -> None:
    """Refuse anyone who does not moderate the community of `target` (a thread, a post or a community)."""
    require(actor, "conversations.moderate", target)


def is_moderator(actor, target) -> bool:
    return can(actor, "conversations.moderate", target)


def thread_actions(actor, thread: Thread) -> list[str]:
    """The actions the actor may apply to the thread in its present state (for the moderation form)."""
    if not can(actor, "conversations.moderate", thread):
        return []
    allowed = THREAD_TOGGLES if thread.is_board_thread else COMMENT_THREAD_ACTIONS
    actions = [action for action in allowed if _changes(thread, action)]
    if thread.is_board_thread and move_targets(actor, thread):
        actions.append("move")
    return actions


def move_targets(actor, thread: Thread) -> list[Community]:
    """The other communities the actor moderates, where the thread could go."""
    if not thread.is_board_thread:
        return []
    query = select(Community).where(Community.id != thread.community_id, Community.is_archived.is_(False))
    if not holds_site_role(actor, "is_admin"):
        query = query.where(Community.id.in_(select(Membership.community_id).where(
            Membership.user_id == actor.id, Membership.status == "active", Membership.role == "facilitator")))
    return [community for community in db.session.scalars(query.order_by(Community.name))
            if can(actor, "conversations.moderate", community)]


def moderate_thread(actor, thread: Thread, action: str, *, reason: str = "",
                    community: Community | None = None) -> Thread:
    """Apply one moderation action to a thread, logged with the reason (required to hide or move). An action
    that changes nothing (pinning a pinned thread) is no change and is not logged."""
    require(actor, "conversations.moderate", thread)
    check = Checker()
    allowed = (*THREAD_TOGGLES, "move") if thread.is_board_thread else COMMENT_THREAD_ACTIONS
    check.choice("action", action, allowed, label="Action")
    reason = _checked_reason(check, reason, required=action in REASON_REQUIRED)
    if action == "move":
        _check_move_target(check, actor, thread, community)
    check.done()
    if action == "move":
        return _move(actor, thread, community, reason)
    if not _changes(thread, action):
        return thread
    column, setting = THREAD_TOGGLES[action]
    with transaction():
        setattr(thread, column, utcnow() if setting else None)
        conversations.log_moderation(actor, action, thread=thread, reason=reason)
        if column in SEARCHED_COLUMNS:
            queue_for_indexing("discussion", thread.id)
    return thread


def _changes(thread: Thread, action: str) -> bool:
    column, setting = THREAD_TOGGLES[action]
    return (getattr(thread, column) is None) == setting


def _check_move_target(check: Checker, actor, thread: Thread, community: Community | None) -> None:
    if community is None:
        check.add("community", "Choose the community to move the discussion to.")
    elif community.id == thread.community_id:
        check.add("community", "The discussion is already in this community: choose another one.")
    else:
        require(actor, "conversations.moderate", community)


def _move(actor, thread: Thread, community: Community, reason: str) -> Thread:
    """The thread goes to another community (its posts, followers and state go with it); both logs say so."""
    origin = thread.community
    with transaction():
        conversations.log_moderation(actor, "move", thread=thread, reason=reason, details=f"moved to {community.name}")
        thread.community = community
        db.session.flush()
        conversations.log_moderation(actor, "move", thread=thread, reason=reason, details=f"moved from {origin.name}")
        queue_for_indexing("discussion", thread.id)
    return thread


# --- posts ---------------------------------------------------------------------------------------

def hide_post(actor, post: Post, *, reason: str) -> Post:
    """Hide a post from everyone but the moderators (shown as "hidden by a moderator"); its open flags are
    settled as hidden."""
    require(actor, "conversations.moderate", post)
    check = Checker()
    reason = _checked_reason(check, reason, required=True)
    check.done()
    with transaction():
        settled = _settle_flags(actor, post, "hidden")
        _hide(post, reason)
        conversations.log_moderation(actor, "hide_post", post=post, reason=reason, details=_flags_details(settled))
    return post


def unhide_post(actor, post: Post, *, reason: str = "") -> Post:
    """Show a hidden post again; its open flags are settled as dismissed."""
    require(actor, "conversations.moderate", post)
    check = Checker()
    reason = _checked_reason(check, reason)
    check.done()
    if not post.is_hidden:
        return post
    with transaction():
        settled = _settle_flags(actor, post, "dismissed")
        _show(post)
        conversations.log_moderation(actor, "unhide_post", post=post, reason=reason, details=_flags_details(settled))
    return post


def _hide(post: Post, reason: str) -> None:
    post.hidden_at, post.hidden_reason = post.hidden_at or utcnow(), reason
    queue_for_indexing("discussion", post.thread_id)


def _show(post: Post) -> None:
    post.hidden_at, post.hidden_reason = None, ""
    queue_for_indexing("discussion", post.thread_id)


# --- flags ---------------------------------------------------------------------------------------

def flag_post(actor, post: Post, *, reason: str) -> PostFlag:
    """A member tells the moderators a post needs them, and why (once per post). The moderators are told; at
    FLAGS_TO_HIDE open flags the post is hidden until one of them decides."""
    require(actor, "conversations.flag", post)
    post = conversations.get_post(actor, post.id)
    if post.is_deleted:
        raise NotFound("No such post.")
    check = Checker()
    reason = _checked_reason(check, reason, required=True)
    if post.author_id == actor.id:
        check.add("post", "You cannot flag your own post.")
    check.done()
    if post.is_hidden:
        raise Conflict("This post is hidden already: the moderators are looking at it.")
    if _flag_of(actor, post) is not None:
        raise Conflict("You have already flagged this post.")
    try:
        with transaction():
            flag = PostFlag(post_id=post.id, user_id=actor.id, reason=reason)
            db.session.add(flag)
            db.session.flush()
            _tell_moderators(actor, post, reason)
            _hide_when_flagged_enough(post)
    except IntegrityError:  # the same person's other request came first
        raise Conflict("You have already flagged this post.") from None
    return flag


def may_read_post(actor, post: Post) -> bool:
    """Whether the actor may read the post's text: anyone who sees its thread, unless it is deleted or hidden
    (then its moderators only)."""
    return not (post.is_deleted or post.is_hidden) or can(actor, "conversations.view_hidden", post)


def has_flagged(actor, post: Post) -> bool:
    return actor.is_authenticated and _flag_of(actor, post) is not None


def resolve_flags(actor, post: Post, *, outcome: str, reason: str = "") -> int:
    """Decide on a post's open flags: "hidden" hides it, "dismissed" shows it again if the flags hid it.
    Returns how many flags were settled (0: none waited, and nothing changes)."""
    require(actor, "conversations.moderate", post)
    check = Checker()
    check.choice("outcome", outcome, ("hidden", "dismissed"), label="Decision")
    reason = _checked_reason(check, reason)
    check.done()
    with transaction():
        settled = _settle_flags(actor, post, outcome)
        if not settled:
            return 0
        details = _flags_details(settled)
        if outcome == "hidden":
            _hide(post, reason or post.hidden_reason or _flagged_by(len(settled)))
            conversations.log_moderation(actor, "hide_post", post=post, reason=reason, details=details)
        else:
            if post.is_hidden and _hidden_by_flags(post):
                _show(post)
            conversations.log_moderation(actor, "dismiss_flags", post=post, reason=reason, details=details)
    return len(settled)


def open_flags(actor, community: Community | None = None) -> list[FlaggedPost]:
    """The posts with flags waiting on the actor, oldest first: in `community`, or in every community they
    moderate (and, for site admins, the comments on proposals)."""
    if not actor.is_authenticated:
        return []
    query = (select(PostFlag).join(Post, Post.id == PostFlag.post_id).join(Thread, Thread.id == Post.thread_id)
             .where(PostFlag.resolved_at.is_(None), Post.deleted_at.is_(None))
             .options(selectinload(PostFlag.user), selectinload(PostFlag.post).selectinload(Post.thread),
                      selectinload(PostFlag.post).selectinload(Post.author)).order_by(PostFlag.created_at, PostFlag.id))
    if community is not None:
        query = query.where(Thread.community_id == community.id)
    elif not holds_site_role(actor, "is_admin"):
        query = query.where(Thread.community_id.in_(select(Membership.community_id).where(
            Membership.user_id == actor.id, Membership.status == "active", Membership.role == "facilitator")))
    grouped: dict[int, FlaggedPost] = {}
    for flag in db.session.scalars(query):
        grouped.setdefault(flag.post_id, FlaggedPost(flag.post, [])).flags.append(flag)
    return [item for item in grouped.values() if can(actor, "conversations.moderate", item.post)]


def open_flag_count(post: Post) -> int:
    return db.session.scalar(select(func.count()).select_from(PostFlag).where(
        PostFlag.post_id == post.id, PostFlag.resolved_at.is_(None)))


def _flag_of(actor, post: Post) -> PostFlag | None:
    return db.session.scalar(select(PostFlag).where(PostFlag.post_id == post.id, PostFlag.user_id == actor.id))


def _tell_moderators(actor, post: Post, reason: str) -> None:
    thread, community = post.thread, post.thread.community
    moderators = _moderators_of(community)
    where = thread.title or "a discussion"
    notify(moderators, "conversations.flag", f"{actor.display_name} flagged a post in “{shorten(where, 120)}”: "
           f"“{shorten(reason, 160)}”", url=ATTENTION_URL, actor=actor, community=community,
           collapse_key=f"flag:{post.id}")


def _moderators_of(community: Community | None) -> list[User]:
    """Who is told of a flag: the community's facilitators; for a proposal's comments, the site admins."""
    if community is None:
        return list(db.session.scalars(select(User).where(User.is_admin.is_(True)).order_by(User.id)))
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.community_id == community.id, Membership.status == "active",
        Membership.role == "facilitator").order_by(User.id)))


def _hide_when_flagged_enough(post: Post) -> None:
    count = open_flag_count(post)
    if count >= int(current_app.config["FLAGS_TO_HIDE"]) and not post.is_hidden:
        reason = _flagged_by(count)
        _hide(post, reason)
        conversations.log_moderation(None, "hide_post", post=post, reason=reason)


def _flagged_by(count: int) -> str:
    return f"flagged by {count} {'person' if count == 1 else 'people'}"


def _hidden_by_flags(post: Post) -> bool:
    """Whether the post's latest hiding was the automatic one (no moderator chose it)."""
    latest = db.session.scalar(select(ModerationEntry).where(
        ModerationEntry.post_id == post.id, ModerationEntry.action == "hide_post")
        .order_by(ModerationEntry.id.desc()).limit(1))
    return latest is not None and latest.actor_id is None


def _settle_flags(actor, post: Post, outcome: str) -> list[PostFlag]:
    flags = list(db.session.scalars(select(PostFlag).where(PostFlag.post_id == post.id,
                                                           PostFlag.resolved_at.is_(None))))
    now = utcnow()
    for flag in flags:
        flag.resolved_at, flag.resolved_by_id, flag.outcome = now, actor.id, outcome
    return flags


def _flags_details(flags: list[PostFlag]) -> str:
    return f"{len(flags)} flag{'s' if len(flags) != 1 else ''} settled" if flags else ""


# --- the log -------------------------------------------------------------------------------------

def moderation_log(actor, community: Community, page: int = 1, per_page: int = LOG_PER_PAGE) -> conversations.ListPage:
    """What was done to the community's threads and posts, newest first (its moderators only)."""
    require(actor, "conversations.moderate", community)
    where = ModerationEntry.community_id == community.id
    total = db.session.scalar(select(func.count()).select_from(ModerationEntry).where(where))
    entries = list(db.session.scalars(
        select(ModerationEntry).where(where).order_by(ModerationEntry.created_at.desc(), ModerationEntry.id.desc())
        .offset((max(1, page) - 1) * per_page).limit(per_page)
        .options(selectinload(ModerationEntry.actor), selectinload(ModerationEntry.thread))))
    return conversations.ListPage(entries, total, page, per_page)


def posts_of(entries: list[ModerationEntry]) -> dict[int, Post]:
    """The posts the entries name, loaded at once (for links to them)."""
    ids = {entry.post_id for entry in entries if entry.post_id is not None}
    if not ids:
        return {}
    return {post.id: post for post in db.session.scalars(select(Post).where(Post.id.in_(ids))
                                                         .options(selectinload(Post.thread)))}


def _checked_reason(check: Checker, reason: str | None, *, required: bool = False) -> str:
    return check.text("reason", reason if isinstance(reason, str) else None, max_length=REASON_CHARS,
                      required=required, label="Reason")
