"""The search outbox: a row per change that must reach the index, written in the change's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SearchQueueItem(db.Model):
    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "wiki", "resource", "project", "community"
    object_id: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SearchDrainLease(db.Model):
    """Who is applying the queue to the index right now: one process at a time, for a limited time.

    Documents are built from the database while the lease is held, so two drainers can never
    write an older state of a record over a newer one."""

    __tablename__ = "search_drain_lease"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    holder: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
