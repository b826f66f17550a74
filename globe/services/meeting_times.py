"""Meeting times across time zones: checking a wall-clock time in a zone, repeating it with an RRULE
(python-dateutil) and showing it in each viewer's own zone. All zone arithmetic is left to `zoneinfo`.

Daylight-saving days: a time that does not exist in its zone (the clocks jump over it) is refused for the
first meeting, with the reason; a time that happens twice (the clocks go back) is taken the first time, in
summer time, and the person is told. An occurrence of a series that lands in a jump moves forward by the
jump (02:30 becomes 03:30), as calendar programs do."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import MONTHLY, WEEKLY, rrule, rrulestr, weekday
from flask import current_app

from ..errors import InvalidInput

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


@cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The IANA zone called `name`, or InvalidInput naming the field."""
    name = (name or "").strip()
    if name not in zone_names():
        raise InvalidInput({field: [f"“{name}” is not a time zone we know: choose one like Europe/London or "
                                    "America/Sao_Paulo."]})
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput({field: [f"“{name}” is not a time zone we know."]}) from None


def site_zone_name() -> str:
    return current_app.config.get("SITE_TIMEZONE") or "UTC"


def viewer_zone_name(user) -> str:
    """The zone a person sees times in: their profile's, else the site's."""
    chosen = getattr(user, "timezone", "") if getattr(user, "is_authenticated", False) else ""
    return chosen if chosen in zone_names() else site_zone_name()


@dataclass(frozen=True)
class CheckedTime:
    """A wall-clock time made a UTC instant; `note` says what was chosen on a daylight-saving day."""

    utc: datetime
    note: str = ""


def is_missing(local: datetime, tz: ZoneInfo) -> bool:
    """True when the wall-clock time never happens in the zone (skipped when the clocks go forward)."""
    there = local.replace(tzinfo=tz)
    return there.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local


def is_repeated(local: datetime, tz: ZoneInfo) -> bool:
    """True when the wall-clock time happens twice in the zone (when the clocks go back)."""
    return local.replace(tzinfo=tz, fold=0).utcoffset() != local.replace(tzinfo=tz, fold=1).utcoffset()


def check_local_time(local: datetime, tz: ZoneInfo, field: str = "starts_at") -> CheckedTime:
    """The UTC instant of a wall-clock time typed by a person, refusing one that does not exist."""
    if is_missing(local, tz):
        raise InvalidInput({field: [
            f"{local:%H:%M} does not exist on {local:%d %B %Y} in {tz.key}: the clocks go forward then. "
            "Choose another time."]})
    instant = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if is_repeated(local, tz):
        first = local.replace(tzinfo=tz, fold=0)
        return CheckedTime(instant, f"{local:%H:%M} happens twice on {local:%d %B %Y} in {tz.key} (the clocks go "
                                    f"back): we chose the first time, {first:%H:%M} {first.tzname()}.")
    return CheckedTime(instant)


def occurrence_instant(local: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a series' occurrence: a missing time moves forward by the jump, a repeated one is
    taken the first time (fold=0 does both)."""
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def monthly_weekday(first: date) -> weekday:
    """The nth weekday a monthly meeting keeps (the 2nd Tuesday); a fifth one becomes the last."""
    nth = (first.day - 1) // 7 + 1
    return weekday(first.weekday(), -1 if nth == 5 else nth)


def repeat_rule(repeat: str, first_local: datetime, count: int) -> rrule:
    """The series rule: weekly, every second week, or monthly on the same nth weekday; always with an end."""
    if repeat == "monthly":
        return rrule(MONTHLY, dtstart=first_local, byweekday=monthly_weekday(first_local.date()), count=count)
    return rrule(WEEKLY, dtstart=first_local, interval=2 if repeat == "fortnightly" else 1, count=count)


def occurrence_count(repeat: str, first_local: datetime, *, count: int | None, until: date | None) -> tuple[int, str]:
    """How many occurrences a series has, capped at MEETING_MAX_OCCURRENCES, and a note when it was capped."""
    cap = current_app.config["MEETING_MAX_OCCURRENCES"]
    if count is None and until is not None:
        end = datetime.combine(until, time.max)
        count = len(repeat_rule(repeat, first_local, cap + 1).between(first_local, end, inc=True))
    if count is None or count > cap:
        return cap, f"A recurring meeting stops after {cap} meetings: schedule more later if you need them."
    return count, ""


def rrule_text(rule: rrule) -> str:
    """The RRULE property value (without DTSTART), as stored and as written into iCalendar files."""
    return next(line for line in str(rule).splitlines() if line.startswith("RRULE:")).removeprefix("RRULE:")


def local_starts(rrule_value: str, first_local: datetime) -> list[datetime]:
    """Every wall-clock start of a stored rule."""
    return list(rrulestr(rrule_value, dtstart=first_local))


def describe_repeat(repeat: str, first_local: datetime) -> str:
    """"Every week on Tuesday", "Every second week…", "Monthly on the second Tuesday"."""
    day = WEEKDAY_NAMES[first_local.weekday()]
    if repeat == "monthly":
        nth = monthly_weekday(first_local.date()).n
        return f"Monthly on the {ORDINALS[nth]} {day}"
    return f"Every {'second ' if repeat == 'fortnightly' else ''}week on {day}"


def in_zone(instant: datetime, zone_name: str) -> datetime:
    """The instant as a wall-clock time in the named zone (UTC when the name is unknown)."""
    return instant.astimezone(ZoneInfo(zone_name) if zone_name in zone_names() else UTC)


def shown(instant: datetime, zone_name: str) -> str:
    """"Tue 3 March 2026, 18:00 GMT": how a time reads in a zone."""
    there = in_zone(instant, zone_name)
    return f"{there:%a} {there.day} {there:%B %Y, %H:%M} {there.tzname()}"


def span(start: datetime, end: datetime, zone_name: str) -> str:
    """A meeting's start and end in one zone: "Tue 3 March 2026, 18:00–19:00 GMT"."""
    there, until = in_zone(start, zone_name), in_zone(end, zone_name)
    if there.date() == until.date():
        return f"{there:%a} {there.day} {there:%B %Y, %H:%M}–{until:%H:%M} {until.tzname()}"
    return f"{shown(start, zone_name)} – {shown(end, zone_name)}"


def duration_minutes(start: datetime, end: datetime) -> int:
    return int((end - start) / timedelta(minutes=1))
