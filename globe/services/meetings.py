"""Scheduling a community's meetings: one-off or recurring, changed or cancelled one at a time or from one
occurrence on, the replies (going, maybe, no) and, afterwards, who attended.

A series keeps one row per occurrence (see models.meetings). Changing "this and following" occurrences
splits the series in two, as calendar programs do: the earlier ones keep the old UID and rule, the rest
get a new UID and rule, so every calendar can follow the change."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ..db import transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import Community, Meeting, MeetingRsvp, MeetingSeries, Membership
from ..models.base import utcnow
from ..models.meetings import REPEATS, RSVP_RESPONSES
from ..permissions import can, require
from . import meeting_mail
from .meeting_times import (
    check_local_time,
    duration_minutes,
    in_zone,
    local_starts,
    occurrence_count,
    occurrence_instant,
    repeat_rule,
    rrule_text,
    zone,
    zone_names,
)
from .validation import Checker

TITLE_CHARS, PLACE_CHARS, URL_CHARS = 200, 300, 500
DESCRIPTION_CHARS = 20_000
MAX_MINUTES = 24 * 60
SCOPES = ("this", "following")
EDITABLE = ("title", "description", "location", "online_url", "capacity")


@dataclass(frozen=True)
class MeetingPlan:
    """What a person asked for, checked: wall-clock start in a zone, length, and the rest."""

    title: str
    description: str
    start_local: datetime
    minutes: int
    timezone: str
    location: str
    online_url: str
    capacity: int | None


@dataclass(frozen=True)
class Scheduled:
    """The first (or only) meeting scheduled, every occurrence, and what was chosen for the person."""

    meeting: Meeting
    occurrences: list[Meeting]
    notes: list[str]


# --- reading -------------------------------------------------------------------------------------

def get_meeting(actor, meeting_id: int) -> Meeting:
    """A meeting the actor may see; others get "not found"."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can(actor, "meetings.view", meeting):
        raise NotFound("No such meeting.")
    return meeting


def upcoming(actor, community: Community, *, now: datetime | None = None, limit: int = 50) -> list[Meeting]:
    """The community's meetings not yet over, soonest first (cancelled ones included, marked as such)."""
    require(actor, "meetings.view", community)
    return list(db.session.scalars(select(Meeting).where(
        Meeting.community_id == community.id, Meeting.ends_at >= (now or utcnow())
    ).order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def past(actor, community: Community, *, now: datetime | None = None, limit: int = 50) -> list[Meeting]:
    """The community's meetings already over, latest first."""
    require(actor, "meetings.view", community)
    return list(db.session.scalars(select(Meeting).where(
        Meeting.community_id == community.id, Meeting.ends_at < (now or utcnow())
    ).order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit)))


def next_meeting(community: Community, *, now: datetime | None = None) -> Meeting | None:
    """The community's next meeting that is going ahead (for its page; the caller checks visibility)."""
    return db.session.scalars(select(Meeting).where(
        Meeting.community_id == community.id, Meeting.status == "scheduled", Meeting.ends_at >= (now or utcnow())
    ).order_by(Meeting.starts_at).limit(1)).first()


def rsvp_counts(meeting: Meeting) -> dict[str, int]:
    """How many people answered each way."""
    counts = dict.fromkeys(RSVP_RESPONSES, 0)
    for response, number in db.session.execute(select(MeetingRsvp.response, func.count()).where(
            MeetingRsvp.meeting_id == meeting.id, MeetingRsvp.response.is_not(None)).group_by(MeetingRsvp.response)):
        counts[response] = number
    return counts


def reply_of(meeting: Meeting, user) -> MeetingRsvp | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(MeetingRsvp).where(MeetingRsvp.meeting_id == meeting.id,
                                                       MeetingRsvp.user_id == user.id))


def replies(meeting: Meeting) -> list[MeetingRsvp]:
    """Everyone who answered or attended, by name."""
    return sorted(meeting.rsvps, key=lambda rsvp: (rsvp.user.display_name.casefold(), rsvp.user_id))


def has_started(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.starts_at <= (now or utcnow())


# --- scheduling ----------------------------------------------------------------------------------

def check_plan(*, title: str, description: str = "", start: datetime | str, minutes: int | str | None = None,
               end: datetime | str | None = None, timezone: str, location: str = "", online_url: str = "",
               capacity=None, check: Checker | None = None) -> MeetingPlan:
    """Check a meeting's fields (every problem at once). `start` (and `end`, instead of `minutes`) are
    wall-clock times in `timezone`."""
    check = check or Checker()
    if end is not None and minutes is None:
        minutes = _minutes_until(check, start, end, timezone)
    title = check.text("title", title, max_length=TITLE_CHARS, required=True, label="Title")
    description = check.text("description", description, max_length=DESCRIPTION_CHARS, label="Description")
    location = check.text("location", location, max_length=PLACE_CHARS, label="Place")
    online_url = _checked_url(check, online_url)
    start_local = _checked_start(check, start)
    length = _checked_minutes(check, minutes)
    capacity = _checked_capacity(check, capacity)
    try:
        zone(timezone)
    except InvalidInput as err:
        check.errors.update(err.fields)
    check.done()
    return MeetingPlan(title, description, start_local, length, timezone.strip(), location, online_url, capacity)


def schedule(actor, community: Community, plan: MeetingPlan, *, repeat: str | None = None,
             count: int | None = None, until: date | None = None) -> Scheduled:
    """A new meeting, or a recurring series of them; members hear of it with a calendar invitation."""
    require(actor, "meetings.schedule", community)
    tz = zone(plan.timezone)
    first = check_local_time(plan.start_local, tz)
    notes = [first.note] if first.note else []
    if first.utc < utcnow():
        raise InvalidInput({"starts_at": ["This time has already passed: choose a time to come."]})
    with transaction():
        if repeat is None:
            meetings = [_meeting(actor, community, plan, start=first.utc, uid=new_uid())]
        else:
            series, meetings, capped = _series(actor, community, plan, repeat=repeat, count=count, until=until)
            notes += [capped] if capped else []
        db.session.add_all(meetings)
        db.session.flush()
        meeting_mail.announce(actor, meetings, change="scheduled")
    return Scheduled(meetings[0], meetings, notes)


def _series(actor, community, plan: MeetingPlan, *, repeat: str, count: int | None, until: date | None,
            uid: str | None = None) -> tuple[MeetingSeries, list[Meeting], str]:
    check = Checker()
    check.choice("repeat", repeat, REPEATS, label="Repeat")
    if count is not None and not 2 <= count:
        check.add("count", "A recurring meeting happens at least twice.")
    if until is not None and until < plan.start_local.date():
        check.add("until", "The last date must be after the first meeting.")
    check.done()
    count, capped = occurrence_count(repeat, plan.start_local, count=count, until=until)
    rule = repeat_rule(repeat, plan.start_local, count)
    series = MeetingSeries(community=community, uid=uid or new_uid(), repeat=repeat, rrule=rrule_text(rule),
                           timezone=plan.timezone, first_start_local=plan.start_local)
    db.session.add(series)
    tz = zone(plan.timezone)
    meetings = [_meeting(actor, community, plan, start=occurrence_instant(local, tz), uid=series.uid,
                         series=series) for local in rule]
    for meeting in meetings:
        meeting.recurrence_start = meeting.starts_at
    return series, meetings, capped


def _meeting(actor, community, plan: MeetingPlan, *, start: datetime, uid: str, series=None) -> Meeting:
    return Meeting(community=community, series=series, uid=uid, title=plan.title, description=plan.description,
                   starts_at=start, ends_at=start + timedelta(minutes=plan.minutes), timezone=plan.timezone,
                   location=plan.location, online_url=plan.online_url, capacity=plan.capacity,
                   organiser_id=actor.id, status="scheduled")


def new_uid() -> str:
    """An iCalendar UID that stays with the meeting (or series) for good."""
    return f"{uuid.uuid4()}@globe"


def plan_of(meeting: Meeting) -> MeetingPlan:
    """A meeting's current fields as a plan (the starting point of a change)."""
    return MeetingPlan(meeting.title, meeting.description, in_zone(meeting.starts_at, meeting.timezone)
                       .replace(tzinfo=None), duration_minutes(meeting.starts_at, meeting.ends_at), meeting.timezone,
                       meeting.location, meeting.online_url, meeting.capacity)


# --- changing and cancelling ------------------------------------------------------------------------

def change(actor, meeting: Meeting, plan: MeetingPlan, *, scope: str = "this") -> list[Meeting]:
    """Change one meeting, or (scope "following") this occurrence of a series and every later one. Those who
    replied or are members hear of it with an updated invitation (a higher SEQUENCE). Returns the changed."""
    require(actor, "meetings.schedule", meeting)
    _check_scope(meeting, scope)
    if meeting.is_cancelled:
        raise Conflict("This meeting is cancelled: schedule a new one instead.")
    tz = zone(plan.timezone)
    start = check_local_time(plan.start_local, tz).utc
    with transaction():
        if scope == "following" and meeting.is_recurring:
            changed = _change_following(meeting, plan)
        else:
            _apply(meeting, plan, start)
            meeting.is_changed_occurrence = meeting.is_recurring
            changed = [meeting]
        meeting_mail.announce(actor, changed, change="changed")
    return changed


def _apply(meeting: Meeting, plan: MeetingPlan, start: datetime) -> None:
    for field in EDITABLE:
        setattr(meeting, field, getattr(plan, field))
    meeting.starts_at, meeting.ends_at = start, start + timedelta(minutes=plan.minutes)
    meeting.timezone = plan.timezone
    meeting.sequence += 1


def _change_following(meeting: Meeting, plan: MeetingPlan) -> list[Meeting]:
    """Split the series at this occurrence: the later ones move to a new series made from the plan."""
    old = meeting.series
    following = [m for m in old.occurrences if m.starts_at >= meeting.starts_at and not m.is_cancelled]
    earlier = [m for m in old.occurrences if m.recurrence_start < meeting.recurrence_start]
    rule = repeat_rule(old.repeat, plan.start_local, len(following))
    if earlier:
        old.rrule = rrule_text(repeat_rule(old.repeat, old.first_start_local, len(earlier)))
        old.sequence += 1
        series = MeetingSeries(community=old.community, uid=new_uid(), repeat=old.repeat, rrule=rrule_text(rule),
                               timezone=plan.timezone, first_start_local=plan.start_local)
        db.session.add(series)
    else:  # from the first occurrence on: the whole series changes, keeping its UID
        series = old
        series.rrule, series.timezone, series.first_start_local = rrule_text(rule), plan.timezone, plan.start_local
        series.sequence += 1
    tz = zone(plan.timezone)
    for occurrence, local in zip(following, rule, strict=True):
        _apply(occurrence, plan, occurrence_instant(local, tz))
        occurrence.series, occurrence.uid = series, series.uid
        occurrence.recurrence_start, occurrence.is_changed_occurrence = occurrence.starts_at, False
    return following


def cancel(actor, meeting: Meeting, *, scope: str = "this") -> list[Meeting]:
    """Cancel one meeting, or this occurrence and every later one; people hear of it (METHOD:CANCEL)."""
    require(actor, "meetings.schedule", meeting)
    _check_scope(meeting, scope)
    if meeting.is_cancelled and scope == "this":
        raise Conflict("This meeting is already cancelled.")
    if scope == "following" and meeting.is_recurring:
        cancelled = [m for m in meeting.series.occurrences if m.starts_at >= meeting.starts_at and not m.is_cancelled]
    else:
        cancelled = [meeting]
    with transaction():
        for occurrence in cancelled:
            occurrence.status = "cancelled"
            occurrence.sequence += 1
        meeting_mail.announce(actor, cancelled, change="cancelled")
    return cancelled


def _check_scope(meeting: Meeting, scope: str) -> None:
    if scope not in SCOPES:
        raise InvalidInput({"scope": ["Say “this” (this meeting only) or “following” (this one and every later "
                                      "one)."]})
    if scope == "following" and not meeting.is_recurring:
        raise InvalidInput({"scope": ["This meeting does not repeat: change it alone."]})


def series_starts(series: MeetingSeries) -> list[datetime]:
    """The wall-clock starts the series' rule gives (what its iCalendar RRULE means)."""
    return local_starts(series.rrule, series.first_start_local)


# --- replies and attendance --------------------------------------------------------------------------

def answer(actor, meeting: Meeting, response: str) -> MeetingRsvp:
    """Say whether you are coming. A full meeting takes no more "going" (say "maybe" instead)."""
    require(actor, "meetings.rsvp", meeting)
    if response not in RSVP_RESPONSES:
        raise InvalidInput({"response": [f"Reply must be one of: {', '.join(RSVP_RESPONSES)}."]})
    if meeting.is_cancelled:
        raise Conflict("This meeting is cancelled: there is nothing to reply to.")
    if meeting.ends_at < utcnow():
        raise Conflict("This meeting is over: replies are closed.")
    with transaction():
        rsvp = reply_of(meeting, actor) or MeetingRsvp(meeting=meeting, user_id=actor.id)
        if response == "going" and rsvp.response != "going" and _is_full(meeting):
            raise Conflict(f"This meeting is full ({meeting.capacity} places): reply “maybe” to hear if one frees up.")
        rsvp.response = response
        db.session.add(rsvp)
    return rsvp


def _is_full(meeting: Meeting) -> bool:
    return meeting.capacity is not None and rsvp_counts(meeting)["going"] >= meeting.capacity


def record_attendance(actor, meeting: Meeting, attendee_ids) -> list[MeetingRsvp]:
    """After the meeting has started: who came. Everyone else who replied is recorded as absent."""
    require(actor, "meetings.schedule", meeting)
    if not has_started(meeting):
        raise Conflict("Attendance is recorded once the meeting has started.")
    if meeting.is_cancelled:
        raise Conflict("This meeting was cancelled: nobody attended.")
    wanted = {int(user_id) for user_id in attendee_ids}
    members = set(db.session.scalars(select(Membership.user_id).where(
        Membership.community_id == meeting.community_id, Membership.status == "active",
        Membership.user_id.in_(wanted))))
    if wanted - members:
        raise InvalidInput({"attendees": ["Only the community's members can be recorded as attending."]})
    with transaction():
        known = {rsvp.user_id: rsvp for rsvp in meeting.rsvps}
        for user_id in wanted - known.keys():
            known[user_id] = MeetingRsvp(meeting=meeting, user_id=user_id, response=None)
            db.session.add(known[user_id])
        for user_id, rsvp in known.items():
            rsvp.attended = user_id in wanted
        meeting.attendance_recorded_at = utcnow()
    return [rsvp for rsvp in known.values() if rsvp.attended]


# --- field checks ------------------------------------------------------------------------------------

def _checked_start(check: Checker, start) -> datetime:
    if isinstance(start, datetime):
        return start.replace(tzinfo=None, second=0, microsecond=0)
    try:
        return datetime.fromisoformat(str(start or "").strip()).replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        check.add("starts_at", "Give the start as a date and time, like 2027-03-02T18:00.")
        return datetime(2000, 1, 1)


def _minutes_until(check: Checker, start, end, timezone: str) -> int | None:
    """The length from start to end, both wall-clock times in the zone (None when either is unreadable)."""
    probe = Checker()
    start_local, end_local = _checked_start(probe, start), _checked_start(probe, end)
    if probe.errors or timezone.strip() not in zone_names():
        return None
    tz = zone(timezone)
    minutes = duration_minutes(occurrence_instant(start_local, tz), occurrence_instant(end_local, tz))
    if minutes <= 0:
        check.add("ends_at", "The end must come after the start.")
    return minutes


def _checked_minutes(check: Checker, minutes) -> int:
    try:
        length = int(minutes)
    except (TypeError, ValueError):
        length = 0
    if not 5 <= length <= MAX_MINUTES:
        check.add("minutes", "A meeting lasts from 5 minutes to 24 hours: its end must come after its start.")
    return length


def _checked_capacity(check: Checker, capacity) -> int | None:
    if capacity in (None, ""):
        return None
    try:
        places = int(capacity)
    except (TypeError, ValueError):
        places = 0
    if not 1 <= places <= 100_000:
        check.add("capacity", "The number of places must be a whole number from 1 (or empty: no limit).")
    return places


def _checked_url(check: Checker, url) -> str:
    url = check.text("online_url", url, max_length=URL_CHARS, label="Online link")
    if url and not url.lower().startswith(("https://", "http://")):
        check.add("online_url", "The online link must start with https:// (or http://).")
    return url
