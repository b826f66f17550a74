"""Meetings: a community's one-off or recurring meetings, the replies to come, who attended, the agenda
topics members propose, the action points written down, and each person's private calendar feed.

A recurring meeting is a series (its rule and its iCalendar UID) with one `Meeting` row per occurrence,
so that every occurrence has its own replies, agenda and notes. A one-off meeting has no series."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

MEETING_STATUSES = ("scheduled", "cancelled")
RSVP_RESPONSES = ("going", "maybe", "no")
# The CoP guides' mix of activities for a meeting.
ACTIVITY_TYPES = ("discussion", "story", "activity", "showcase", "expert", "recognition", "action_points")
AGENDA_STATUSES = ("proposed", "accepted", "declined")
REPEATS = ("weekly", "fortnightly", "monthly")  # monthly: on the same nth weekday (say, the 2nd Tuesday)


class MeetingSeries(db.Model):
    """A recurring meeting: its rule (an RFC 5545 RRULE, always with an end), zone and iCalendar identity."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    repeat: Mapped[str] = mapped_column(String(12))  # one of REPEATS
    rrule: Mapped[str] = mapped_column(String(200))  # e.g. FREQ=WEEKLY;INTERVAL=2;COUNT=10
    timezone: Mapped[str] = mapped_column(String(64))
    first_start_local: Mapped[datetime] = mapped_column()  # naive wall-clock time in `timezone` (DTSTART)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE of the series as a whole
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Community")
    occurrences = relationship("Meeting", back_populates="series", order_by="Meeting.starts_at")


class Meeting(db.Model):
    """One meeting (or one occurrence of a series). Times are stored in UTC with the zone it was planned in."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_community_start", "community_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True)
    uid: Mapped[str] = mapped_column(String(120), index=True)  # the series' UID for an occurrence
    recurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime)  # RECURRENCE-ID: its start in the rule
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))  # the organiser's zone, shown beside each viewer's own
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="scheduled")  # one of MEETING_STATUSES
    is_changed_occurrence: Mapped[bool] = mapped_column(default=False)  # differs from its series
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE, incremented on every change
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes_page_id: Mapped[int | None] = mapped_column(ForeignKey("wiki_pages.id", ondelete="SET NULL"))
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_day_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_hour_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    community = relationship("Community")
    series = relationship("MeetingSeries", back_populates="occurrences")
    organiser = relationship("User", foreign_keys=[organiser_id])
    notes_page = relationship("WikiPage", foreign_keys=[notes_page_id])
    rsvps = relationship("MeetingRsvp", back_populates="meeting", cascade="all, delete-orphan")
    agenda_items = relationship("AgendaItem", back_populates="meeting", cascade="all, delete-orphan",
                                order_by="AgendaItem.position")

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_recurring(self) -> bool:
        return self.series_id is not None


class MeetingRsvp(db.Model):
    """A person's reply (going, maybe, no) and, once recorded after the meeting, whether they attended."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    response: Mapped[str | None] = mapped_column(String(8))  # one of RSVP_RESPONSES; None: attended, never replied
    attended: Mapped[bool | None] = mapped_column()  # None until the attendance is recorded
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting = relationship("Meeting", back_populates="rsvps")
    user = relationship("User")


class AgendaItem(db.Model):
    """A topic for a meeting's agenda: proposed by a member (perhaps from a discussion thread), then accepted,
    ordered and timed by the organiser, or declined. An open action point carried from an earlier meeting
    is an item too (`action_point_id`)."""

    __tablename__ = "agenda_items"
    __table_args__ = (Index("ix_agenda_items_meeting", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    activity: Mapped[str] = mapped_column(String(20), default="discussion")  # one of ACTIVITY_TYPES
    status: Mapped[str] = mapped_column(String(10), default="proposed")  # one of AGENDA_STATUSES
    position: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int | None] = mapped_column()  # the time the organiser gives it
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    action_point_id: Mapped[int | None] = mapped_column(ForeignKey("action_points.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting = relationship("Meeting", back_populates="agenda_items")
    proposer = relationship("User")
    thread = relationship("Thread")
    action_point = relationship("ActionPoint")


class ActionPoint(db.Model):
    """Something to do, written down at a meeting: an owner and a due date; open until marked done."""

    __tablename__ = "action_points"
    __table_args__ = (Index("ix_action_points_owner_open", "owner_id", "done_at"),
                      Index("ix_action_points_community_open", "community_id", "done_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Community")
    meeting = relationship("Meeting", foreign_keys=[meeting_id])
    owner = relationship("User", foreign_keys=[owner_id])

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class CalendarFeed(db.Model):
    """A person's private calendar feed: the hash of its secret token. Revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
