"""Telling a community's members that a meeting is scheduled, changed or cancelled."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Meeting, Membership, User
from ..urls import meeting_path
from .meeting_times import describe_repeat, in_zone, shown
from .notifications import notify

VERBS = {"scheduled": "scheduled", "changed": "changed", "cancelled": "cancelled"}


def members_of(meeting: Meeting) -> list[User]:
    """The active members of the meeting's community."""
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.community_id == meeting.community_id, Membership.status == "active")))


def announce(actor, meetings: list[Meeting], *, change: str) -> None:
    """One notice per member for a change to one meeting or to several occurrences of a series."""
    if not meetings:
        return
    first = meetings[0]
    when = shown(first.starts_at, first.timezone)
    if len(meetings) > 1 and first.series is not None:
        local = in_zone(first.starts_at, first.timezone).replace(tzinfo=None)
        when = f"{describe_repeat(first.series.repeat, local)}, {len(meetings)} meetings from {when}"
    notify(members_of(first), "meetings.invitation",
           f"{actor.display_name} {VERBS[change]} a meeting of {first.community.name}: {first.title} ({when})",
           actor=actor, target=first, url=meeting_path(first.id), subject=first.community.name)
