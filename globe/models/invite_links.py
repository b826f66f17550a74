"""Invite links: a shareable address that lets anyone signed in join a community (or ask to)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

LINK_MODES = ("join", "request")  # join: member at once; request: a join request the facilitators answer


class InviteLink(db.Model):
    """One link made by a facilitator; only the SHA-256 of its token is stored (see services/invite_links.py)."""

    __tablename__ = "invite_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # first characters, to recognise a link in the list
    mode: Mapped[str] = mapped_column(String(10), default="join")  # one of LINK_MODES
    max_uses: Mapped[int | None] = mapped_column()  # None: any number of people
    uses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community = relationship("Community")
    created_by = relationship("User")

    def is_usable(self, now: datetime) -> bool:
        return (self.revoked_at is None and self.expires_at > now
                and (self.max_uses is None or self.uses < self.max_uses))
