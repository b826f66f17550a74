"""Communities of practice (CoPs) and who belongs to them with which role."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

POLICIES = ("open", "request", "invite")
VISIBILITIES = ("public", "members")
ROLES = ("member", "editor", "organiser", "facilitator")  # ordered: each includes the ones before it
STATUSES = ("active", "pending", "invited", "declined")


class Community(db.Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    domain: Mapped[str] = mapped_column(String(300))  # the shared interest, one sentence
    description: Mapped[str] = mapped_column(Text, default="")
    policy: Mapped[str] = mapped_column(String(10), default="open")
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    default_license: Mapped[str] = mapped_column(String(20), default="cc-by")
    members_can_edit_wiki: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    memberships = relationship("Membership", back_populates="community", cascade="all, delete-orphan")

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class Membership(db.Model):
    """A person's link to a CoP: active with a role, or a pending request, or an open invitation."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12), default="member")
    status: Mapped[str] = mapped_column(String(10), default="active")
    message: Mapped[str] = mapped_column(Text, default="")  # the request's or invitation's note
    decision_message: Mapped[str] = mapped_column(Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community = relationship("Community", back_populates="memberships")
    user = relationship("User", back_populates="memberships", foreign_keys=[user_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def is_active(self) -> bool:
        return self.status == "active"
