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
