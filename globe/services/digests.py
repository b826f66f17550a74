"""Digests: one email per person and period (daily, weekly) gathering the notices of the kinds they chose to
receive that way, across all their communities, grouped by community with counts and the latest items.

Schedule, in the site's time zone (GLOBE_DIGEST_TIME_ZONE): the daily digest covers the previous calendar day
and goes out after 06:00; the weekly one covers Monday to Sunday and goes out on Monday after 06:00. Each run
sends the latest period that is due, so a worker that was down sends it late rather than never.

Never twice: the DigestRun row (unique per person, period and period start) is written in the same
transaction as the queued email. A second run skips the person; a crash before the commit leaves neither,
so the next run sends it. People are taken a chunk of ids at a time, so memory does not grow with them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError

from ..db import transaction
from ..errors import InvalidInput
from ..extensions import db
from ..models import User
from ..models.base import utcnow
from ..models.notifications import DIGEST_PERIODS, DigestRun, Notification, NotificationSetting
from ..urls import site_address
from . import notifications, unsubscribe
from .outbox import queue_email

SEND_AFTER = time(6)  # local time in GLOBE_DIGEST_TIME_ZONE
TOP_ITEMS = 5  # per community; the rest are counted ("and 3 more")
CHUNK = 500  # people looked up at a time


@dataclass(frozen=True)
class Period:
    """One digest period: [start, end) in UTC, from local midnight to local midnight."""

    name: str  # one of DIGEST_PERIODS
    first_day: date  # local
    start: datetime
    end: datetime

    @property
    def title(self) -> str:
        return _day(self.first_day) if self.name == "daily" else f"week of {_day(self.first_day)}"

    def describe(self) -> str:
        return f"{'on' if self.name == 'daily' else 'in the'} {self.title}"


@dataclass
class Group:
    """The notices of one community (or of none: the site itself) in a digest."""

    name: str
    count: int = 0
    top: list[Notification] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.top)


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- when ------------------------------------------------------------------------------------------

def time_zone() -> ZoneInfo:
    name = str(current_app.config["DIGEST_TIME_ZONE"])
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InvalidInput({"GLOBE_DIGEST_TIME_ZONE": [f"{name!r} is not a time zone such as Europe/Paris or UTC."]}) \
            from err


def parse_now(text: str) -> datetime:
    """An ISO 8601 time for `send-digests --now`; without an offset it is read in the digest time zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise InvalidInput({"now": [f"{text!r} is not an ISO 8601 time such as 2026-12-04T07:00."]}) from err
    return moment if moment.tzinfo else moment.replace(tzinfo=time_zone())


def due_period(name: str, now: datetime) -> Period:
    """The latest period of this kind whose digest is due at `now`."""
    zone = time_zone()
    local = now.astimezone(zone)
    today, early = local.date(), local.time() < SEND_AFTER
    if name == "daily":
        first, days = today - timedelta(days=2 if early else 1), 1
    else:
        monday = today - timedelta(days=today.weekday())
        first, days = monday - timedelta(days=14 if today == monday and early else 7), 7
    return Period(name, first, _midnight(first, zone), _midnight(first + timedelta(days=days), zone))


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


# --- sending ---------------------------------------------------------------------------------------

def send_digests(period: str | None = None, *, now: datetime | None = None, done: set | None = None) -> int:
    """Queue every digest due at `now` (of one period, or both); returns how many emails were queued.

    `done`, kept by a long-running worker, remembers the periods already gone through so each round after
    the first costs nothing; without it the DigestRun rows alone decide (a rerun sends nobody twice)."""
    now = now or utcnow()
    queued = 0
    for name in [period] if period else DIGEST_PERIODS:
        due = due_period(name, now)
        if done is not None and due in done:
            continue
        queued += send_period(due)
        if done is not None:
            done.add(due)
    return queued


def send_period(period: Period) -> int:
    """Send this period's digest to everyone who has one waiting, a chunk of people at a time."""
    queued, after = 0, 0
    while people := _waiting_people(period, after):
        for user_id in people:
            queued += _send_one(user_id, period)
        after = people[-1]
    return queued


def _channel():
    """The channel a notice's kind reaches its recipient by: their setting, else the kind's default."""
    default = case({kind: spec.default for kind, spec in notifications.KINDS.items()}, value=Notification.kind,
                   else_="never")
    return func.coalesce(NotificationSetting.channel, default)


def _in_digest(period: Period):
    """Notices of the period, of kinds their recipient gets in this digest (joined with their settings)."""
    return and_(Notification.created_at >= period.start, Notification.created_at < period.end,
                _channel() == period.name)


def _with_settings(query):
    return query.outerjoin(NotificationSetting, and_(NotificationSetting.user_id == Notification.user_id,
                                                     NotificationSetting.kind == Notification.kind))


def _waiting_people(period: Period, after: int) -> list[int]:
    """The next ids (above `after`) of people with notices for this digest who have not had it yet."""
    sent = select(DigestRun.user_id).where(DigestRun.period == period.name, DigestRun.period_start == period.start)
    query = _with_settings(select(Notification.user_id).distinct()).where(
        _in_digest(period), Notification.user_id > after, Notification.user_id.not_in(sent))
    return list(db.session.scalars(query.order_by(Notification.user_id).limit(CHUNK)))


def _send_one(user_id: int, period: Period) -> int:
    """Record the digest and queue its email in one transaction; 0 when someone else already did."""
    try:
        with transaction():
            db.session.add(DigestRun(user_id=user_id, period=period.name, period_start=period.start,
                                     created_at=utcnow()))
            db.session.flush()  # a concurrent run of the same period stops here, on the unique row
            user = db.session.get(User, user_id)
            if user is None or user.is_deleted or user.is_suspended or not user.email:
                return 0
            groups = groups_for(user, period)
            if not groups:
                return 0  # all of it became invisible to them: recorded, nothing sent
            queue_email(to_address=user.email, to_name=user.display_name, **_email(user, period, groups))
    except IntegrityError:
        return 0
    return 1


def groups_for(user: User, period: Period) -> list[Group]:
    """The person's notices for this digest that they may still see, by community (by name; the site last),
    each with its count and its latest TOP_ITEMS."""
    query = _with_settings(select(Notification)).where(
        Notification.user_id == user.id, _in_digest(period), notifications.visible_to(user))
    groups: dict[int | None, Group] = {}
    for notice in db.session.scalars(query.order_by(Notification.updated_at.desc(), Notification.id.desc())):
        if not notifications.still_visible(user, notice):
            continue
        group = groups.get(notice.community_id)
        if group is None:
            name = notice.community.name if notice.community is not None else current_app.config["SITE_NAME"]
            group = groups[notice.community_id] = Group(name)
        group.count += 1
        if len(group.top) < TOP_ITEMS:
            group.top.append(notice)
    return sorted(groups.values(), key=lambda group: (group.name == current_app.config["SITE_NAME"],
                                                      group.name.casefold()))


# --- the email -------------------------------------------------------------------------------------

def _email(user: User, period: Period, groups: list[Group]) -> dict[str, str]:
    site, home = current_app.config["SITE_NAME"], site_address()
    total = sum(group.count for group in groups)
    context = {
        "name": user.display_name, "site": site, "home": home, "period": period, "groups": groups,
        "when": period.describe(), "total": total, "text_of": notifications.text_of,
        "link_of": lambda notice: home + (notice.url or "/notifications"),
        "unsubscribe": unsubscribe.link_for(user, unsubscribe.digest_of(period.name)),
    }
    environment = current_app.jinja_env  # no request here: templates get only what is passed
    return {
        "subject": f"{site} {period.name} digest: {total} notice{'s' if total != 1 else ''}, {period.title}",
        "text": environment.get_template("digests/digest.txt").render(context),
        "html": environment.get_template("digests/digest.html").render(context),
        "list_unsubscribe": context["unsubscribe"],
    }
