"""The incubator: project proposals with their team, mentors, assignments, reviews and timeline."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

STATES = ("draft", "submitted", "in_review", "accepted", "revise", "declined", "launched", "paused", "withdrawn")
PUBLIC_STATES = ("accepted", "launched")  # shown in the public showcase
EDITABLE_STATES = ("draft", "revise")
RECOMMENDATIONS = ("accept", "revise", "decline")
ASSIGNMENT_STATES = ("invited", "accepted", "declined")
ACTIVE_ASSIGNMENT_STATES = ("invited", "accepted")


class Proposal(db.Model):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(Text, default="")
    milestones: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)  # expertise tags the team asks for
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community = relationship("Community")
    owner = relationship("User")
    team = relationship("TeamMember", back_populates="proposal", cascade="all, delete-orphan")
    assignments = relationship("Assignment", back_populates="proposal", cascade="all, delete-orphan")
    events = relationship("TimelineEvent", back_populates="proposal", cascade="all, delete-orphan",
                          order_by="TimelineEvent.created_at")

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATES


class TeamMember(db.Model):
    __tablename__ = "proposal_team"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | invited

    proposal = relationship("Proposal", back_populates="team")
    user = relationship("User")


class MentorProfile(db.Model):
    """A mentor's expertise, capacity and availability (the mentor role itself is on the user)."""

    __tablename__ = "mentor_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    capacity: Mapped[int] = mapped_column(default=3)  # services.mentoring.DEFAULT_CAPACITY
    available: Mapped[bool] = mapped_column(default=True)
    show_in_showcase: Mapped[bool] = mapped_column(default=False)  # consent is asked for, never assumed

    user = relationship("User")


class MentorConflict(db.Model):
    """A conflict of interest a mentor declared: with a person, or with one proposal."""

    __tablename__ = "mentor_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300), default="")

    person = relationship("User", foreign_keys=[user_id])
    proposal = relationship("Proposal")


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("proposal_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="invited")
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_reason: Mapped[str] = mapped_column(String(500), default="")
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal = relationship("Proposal", back_populates="assignments")
    mentor = relationship("User", foreign_keys=[mentor_id])
    review = relationship("Review", back_populates="assignment", uselist=False, cascade="all, delete-orphan")


class Review(db.Model):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    recommendation: Mapped[str] = mapped_column(String(10))
    comments: Mapped[str] = mapped_column(Text)  # for the team
    private_note: Mapped[str] = mapped_column(Text, default="")  # for admins only
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment = relationship("Assignment", back_populates="review")


class TimelineEvent(db.Model):
    """Everything that happened to a proposal, in order: transitions, assignments, reviews, replies."""

    __tablename__ = "proposal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # transition, assignment, review, comment, ...
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    message: Mapped[str] = mapped_column(Text, default="")
    is_private: Mapped[bool] = mapped_column(default=False)  # admins and mentors only
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal = relationship("Proposal", back_populates="events")
    actor = relationship("User")
