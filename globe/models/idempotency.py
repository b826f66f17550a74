"""Idempotency keys of API requests: which request created which resource, so a retry creates nothing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    """An `Idempotency-Key` a user sent with a creating request, written in the request's transaction.

    The unique constraint is what stops two concurrent copies of a request: the second insert waits for
    the first transaction, then fails, and its request answers with the first one's result."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "operation", "key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    operation: Mapped[str] = mapped_column(String(40))  # the OpenAPI operationId, e.g. "createResource"
    key_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the key: the key itself is the client's
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of what the request asked for
    # Set in the same transaction as the row is inserted; empty only until then (the row goes in first).
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"),
                                                    index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    resource = relationship("Resource")
