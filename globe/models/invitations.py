"""Invitations by email to join a community: one row per invited address, with its single-use link."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, and_, exists
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .communities import Membership


class Invitation(db.Model):
    """An invitation to `email`, with a role and a message. Only the SHA-256 of its link's token is stored.

    `user_id` is the account the address belonged to when invited (None: nobody had one; the link creates
    the account). It is *open* until accepted, revoked or declined, and *pending* while open and unexpired;
    a Membership "invited" of that account is current only while its invitation is pending."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # stored lower-cased
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="member")
    message: Mapped[str] = mapped_column(Text, default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    community = relationship("Community")
    user = relationship("User", foreign_keys=[user_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.declined_at is None

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now

    def status(self, now: datetime) -> str:
        """pending, expired, accepted, revoked or declined."""
        for name in ("accepted", "revoked", "declined"):
            if getattr(self, f"{name}_at") is not None:
                return name
        return "expired" if self.is_expired(now) else "pending"


def is_open_clause():
    return and_(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.declined_at.is_(None))


def invitation_is_current(now: datetime):
    """A WHERE clause on Membership: not an invitation, or one whose Invitation is still pending."""
    pending = exists().where(Invitation.community_id == Membership.community_id,
                             Invitation.user_id == Membership.user_id, is_open_clause(), Invitation.expires_at > now)
    return (Membership.status != "invited") | pending
