"""Notices and what decides them: what people follow, how each kind of notice reaches them, the events
waiting to be fanned out to followers, and the digests already sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

CHANNELS = ("immediately", "daily", "weekly", "never")
FOLLOW_TARGETS = ("community", "page", "resource", "proposal", "thread")
COMMUNITY_LEVELS = ("everything", "new", "mute")  # "new": new resources, pages and threads only
ITEM_LEVELS = ("watch", "mute")
DIGEST_PERIODS = ("daily", "weekly")


class Notification(db.Model):
    """One notice for one person. Repeats of the same thing within an hour are one row (`collapse_key`),
    counted in `event_count` with the people in `actor_ids`; `community_id` and the target let every
    delivery check that the person may still see what it is about."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_unread", "user_id", "read_at"),
                      Index("ix_notifications_collapse", "user_id", "collapse_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="notice")
    message: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(200), default="")  # what a collapsed notice names
    url: Mapped[str] = mapped_column(String(300), default="")
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20), default="")
    target_id: Mapped[int | None] = mapped_column()
    collapse_key: Mapped[str | None] = mapped_column(String(120))
    actor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    event_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)  # digests: by period
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community = relationship("Community")


class Follow(db.Model):
    """Someone follows (or mutes) a community, a wiki page, a resource or a proposal."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "target_type", "target_id"),
                      Index("ix_follows_target", "target_type", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20))  # one of FOLLOW_TARGETS
    target_id: Mapped[int] = mapped_column()
    level: Mapped[str] = mapped_column(String(12))  # COMMUNITY_LEVELS or ITEM_LEVELS
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationSetting(db.Model):
    """How one kind of notice reaches one person by email (no row: the kind's default)."""

    __tablename__ = "notification_settings"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(12))  # one of CHANNELS


class NotificationEvent(db.Model):
    """Something followers hear of, written in the transaction of the change and fanned out to them
    afterwards (by a background thread or the worker), so a change never waits on its followers."""

    __tablename__ = "notification_events"
    __table_args__ = (Index("ix_notification_events_due", "claimed_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20), default="")
    target_id: Mapped[int | None] = mapped_column()
    collapse_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a sender holds it until then


class DigestRun(db.Model):
    """A digest sent (or being sent) to one person for one period: the unique row makes a second run of
    the same period send nothing."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("user_id", "period", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # one of DIGEST_PERIODS
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
