"""The email outbox: a row per message, written in the transaction of the change that caused it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """One email to one person. While `sending`, next_attempt_at is the end of the sender's claim:
    a sender that died is taken over then, so the due query is the same for both states."""

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250))  # fixed when queued: a resent copy carries the same
    # The one-click unsubscribe address (RFC 8058) for the List-Unsubscribe headers; None: no such headers.
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))
    # An iCalendar invitation sent with the message (text/calendar; method=REQUEST or CANCEL), or None.
    calendar_ics: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(40))  # the sender holding it while `sending`
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
