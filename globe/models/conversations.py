"""Conversations: discussion threads on each community's board, comment threads on wiki pages, resources and
proposals, their posts with revisions, thanks, flags, and the log of what moderators did."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

THREAD_KINDS = ("question", "story", "idea", "showcase", "announcement")
STORY_TYPES = ("success", "challenge")
COMMENT_SUBJECTS = ("page", "resource", "proposal")  # what a comment thread can be about
THANKS_TARGETS = ("post", "resource", "page")
MODERATION_ACTIONS = ("pin", "unpin", "lock", "unlock", "close", "reopen", "move", "hide", "unhide",
                      "hide_post", "unhide_post", "delete_post", "restore_post", "dismiss_flags")


class Thread(db.Model):
    """A discussion on a community's board (`subject_type` empty), or the comments on one wiki page,
    resource or proposal (`subject_type` and `subject_id` name it; no title, kind "comments"). Its first
    post (number 1) is its body."""

    __tablename__ = "threads"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id"),
                      Index("ix_threads_board", "community_id", "last_posted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    subject_type: Mapped[str | None] = mapped_column(String(20))  # one of COMMENT_SUBJECTS, or None: a board thread
    subject_id: Mapped[int | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))  # one of THREAD_KINDS, or "comments"
    story_type: Mapped[str | None] = mapped_column(String(12))  # a story's STORY_TYPES
    title: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    post_count: Mapped[int] = mapped_column(default=0)  # posts written, the opening one included
    accepted_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL",
                                                                    use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # nobody replies any more
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # settled: replies stop, shown as closed
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by a moderator: only moderators see it
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by its author: moderators can restore

    community = relationship("Community")
    author = relationship("User", foreign_keys=[author_id])
    accepted_post = relationship("Post", foreign_keys=[accepted_post_id], post_update=True)
    posts = relationship("Post", primaryjoin="Thread.id == Post.thread_id", order_by="Post.number",
                         viewonly=True)  # all of them: for the search index; pages read theirs in slices

    @property
    def is_board_thread(self) -> bool:
        return self.subject_type is None

    @property
    def subject(self):
        """The wiki page, resource or proposal a comment thread is about (None for a board thread)."""
        if self.subject_type is None:
            return None
        from . import Proposal, Resource, WikiPage  # the models of the subjects import nothing from here

        model = {"page": WikiPage, "resource": Resource, "proposal": Proposal}[self.subject_type]
        return db.session.get(model, self.subject_id)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None

    @property
    def is_answered(self) -> bool:
        return self.accepted_post_id is not None

    @property
    def reply_count(self) -> int:
        return max(0, self.post_count - 1) if self.is_board_thread else self.post_count

    @property
    def owner_id(self) -> int | None:  # permissions.owns(): the person who started it
        return self.author_id


class Post(db.Model):
    """One post in a thread, numbered from 1 in the order written; its rendered HTML is kept beside the
    Markdown. Deleting (by its author) and hiding (by a moderator) keep the row, so both can be undone."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("thread_id", "number"),
                      Index("ix_posts_author", "author_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_count: Mapped[int] = mapped_column(default=1)
    thanks_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")

    thread = relationship("Thread", foreign_keys=[thread_id])
    author = relationship("User", foreign_keys=[author_id])
    reply_to = relationship("Post", remote_side=[id], foreign_keys=[reply_to_id])

    @property
    def community(self):  # permissions.community_of()
        return self.thread.community

    @property
    def owner_id(self) -> int | None:  # permissions.owns(): its author
        return self.author_id

    @property
    def is_opening(self) -> bool:
        return self.number == 1 and self.thread.is_board_thread

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None


class PostRevision(db.Model):
    """An earlier text of a post, kept when it is edited (revision 1 is the text first posted)."""

    __tablename__ = "post_revisions"
    __table_args__ = (UniqueConstraint("post_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor = relationship("User")


class Thanks(db.Model):
    """One person thanks a post, a resource or a wiki page (once each; there are no down-votes)."""

    __tablename__ = "thanks"
    __table_args__ = (UniqueConstraint("user_id", "target_type", "target_id"),
                      Index("ix_thanks_target", "target_type", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(12))  # one of THANKS_TARGETS
    target_id: Mapped[int] = mapped_column()
    receiver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PostFlag(db.Model):
    """A member tells the moderators a post needs their attention, and why (once per post and person)."""

    __tablename__ = "post_flags"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(20), default="")  # "hidden" or "dismissed" once resolved

    post = relationship("Post")
    user = relationship("User", foreign_keys=[user_id])


class ModerationEntry(db.Model):
    """What a moderator did to a thread or a post, who did it and why: the community's moderation log."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))  # one of MODERATION_ACTIONS
    reason: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[str] = mapped_column(String(300), default="")  # e.g. where a thread was moved from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User")
    thread = relationship("Thread")
