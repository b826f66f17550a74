"""Notices: the one `notify(...)` every feature calls, shown in the app (the bell) and emailed through the
outbox (at once, or gathered in a digest, as each person chose for each kind).

Rules kept here, so no feature has to: the person who acted is never told of their own action; the same
thing repeated within an hour is one notice ("edited 10 times by 3 people"); and nobody is told of, or
shown a notice about, something they cannot open now — checked when the notice is written and again each
time it is shown or mailed (a member removed from a members-only community hears nothing more from it)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from markupsafe import Markup
from sqlalchemy import false, func, insert, or_, select, update

from ..db import transaction
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..models import Community, Meeting, Proposal, Resource, Thread, WikiPage
from ..models.base import utcnow
from ..models.notifications import CHANNELS, Notification, NotificationSetting
from ..permissions import membership_scope, who_can
from ..urls import site_address
from . import unsubscribe
from .outbox import queue_email

SUBJECT_CHARS = 90
COLLAPSE_WINDOW = timedelta(hours=1)
HTML_EMAIL = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>{message}</p>
{link}<p><small>You get this email because {site} tells you by email of what concerns you; all your notices are
also on <a href="{notices}">{notices}</a>. <a href="{unsubscribe}">Stop emails like this one</a>.</small></p>
</body></html>
""")
HTML_LINK = Markup('<p><a href="{url}">Open it in {site}</a></p>\n')


@dataclass(frozen=True)
class Kind:
    """A kind of notice: how the settings page names it, how it is emailed unless the person chose
    otherwise, and (for kinds that collapse) how a repeated notice reads."""

    label: str
    default: str
    collapsed: str = ""  # with {subject}, {count} and {people}


KINDS: dict[str, Kind] = {
    "membership.request": Kind("Someone asks to join a community you facilitate", "immediately"),
    "membership.answer": Kind("Your request to join a community is answered", "immediately"),
    "membership.invitation": Kind("You are invited to a community", "immediately"),
    "membership.role": Kind("Your role in a community changes, or you are removed from it", "immediately"),
    "knowledge_base.proposal": Kind("A page is proposed for the knowledge base (curators)", "immediately"),
    "knowledge_base.review": Kind("A comment or a decision on a page you proposed or edited", "immediately"),
    "incubator": Kind("Your proposals, reviews and mentoring in the incubator", "immediately"),
    "wiki.page": Kind("A page you follow is edited, renamed, deleted or restored", "daily",
                      collapsed="{subject} was changed {count} times by {people}"),
    "wiki.new_page": Kind("A new page in a community you follow", "daily",
                          collapsed="{count} new pages in {subject}"),
    "wiki.link": Kind("A new page links to a page you follow", "daily"),
    "resources.new": Kind("A new resource in a community you follow", "daily",
                          collapsed="{count} new resources in {subject}"),
    "resources.version": Kind("A new version of a resource you follow", "daily",
                              collapsed="{subject} has {count} new versions"),
    "conversations.new_thread": Kind("A new discussion in a community you follow", "daily",
                                     collapsed="{count} new discussions in {subject}"),
    "conversations.reply": Kind("A reply in a discussion (or comments) you follow", "daily",
                                collapsed="{count} replies in “{subject}” from {people}"),
    "conversations.mention": Kind("Someone mentions you, or replies to your post", "immediately"),
    "conversations.answer": Kind("Your answer to a question is accepted", "immediately"),
    "conversations.thanks": Kind("Someone thanks your post, resource or page", "daily",
                                 collapsed="{subject} was thanked {count} times by {people}"),
    "conversations.flag": Kind("A post is flagged in a community you facilitate", "immediately"),
    "meetings.invitation": Kind("A meeting in your community is scheduled, changed or cancelled (with a calendar "
                                "invitation)", "immediately"),
    "meetings.reminder": Kind("A reminder the day before and an hour before a meeting you may attend",
                              "immediately"),
    "meetings.agenda": Kind("A topic is proposed for a meeting you organise, or yours is accepted", "daily",
                            collapsed="{count} topics proposed for {subject}"),
    "meetings.action_point": Kind("An action point is given to you", "immediately"),
}
# What each kind of target is, and the permission a person needs to be told of it.
TARGETS: dict[str, tuple[type, str]] = {
    "community": (Community, "communities.view_content"),
    "page": (WikiPage, "wiki.read_page"),
    "resource": (Resource, "resources.view"),
    "proposal": (Proposal, "proposals.view"),
    "thread": (Thread, "conversations.view"),
    "meeting": (Meeting, "meetings.view"),
}


def target_type_of(target) -> str:
    for name, (model, _action) in TARGETS.items():
        if isinstance(target, model):
            return name
    raise ValueError(f"no notices are about a {type(target).__name__}")


def load_target(target_type: str, target_id: int | None):
    if target_type not in TARGETS or target_id is None:
        return None
    return db.session.get(TARGETS[target_type][0], target_id)


def may_see(user, *, community=None, target=None) -> bool:
    """Whether `user` may open what a notice is about now (the target, else its community)."""
    return bool(who_may_see([user], community=community, target=target))


def who_may_see(people: list, *, community=None, target=None) -> list:
    """may_see() for many people at once (one query for them all)."""
    if target is not None:
        return who_can(people, TARGETS[target_type_of(target)][1], target)
    if community is not None:
        return who_can(people, "communities.view_content", community)
    return list(people)


# --- writing notices ---------------------------------------------------------------------------

def notify(recipients, kind: str, message: str, *, url: str = "", actor=None, community=None, target=None,
           subject: str = "", collapse_key: str | None = None, now: datetime | None = None) -> int:
    """Tell each recipient (one user or several) something, in the caller's transaction; returns how many
    were told. Skipped: the actor, deleted accounts, and anyone who cannot open the target (or its
    community) now. With `collapse_key`, an unread notice with the same key from the last hour is counted
    again instead of adding another (and is not emailed again).

    Many recipients at once (a chunk of followers) cost a few queries in all, not a few each."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    now = now or utcnow()
    people = [user for user in _distinct(recipients)
              if not user.is_deleted and not (actor is not None and user.id == getattr(actor, "id", None))]
    told = who_may_see(people, community=community, target=target)
    repeated = _collapse_into(told, kind, collapse_key, actor, now) if collapse_key else set()
    fresh = [user for user in told if user.id not in repeated]
    if fresh:
        _write(fresh, kind, message, url=url, actor=actor, community=community, target=target, subject=subject,
               collapse_key=collapse_key, now=now)
    return len(told)


def _distinct(recipients) -> list:
    people = [recipients] if not isinstance(recipients, Iterable) else list(recipients)
    seen, distinct = set(), []
    for person in people:
        if person is not None and person.id not in seen:
            seen.add(person.id)
            distinct.append(person)
    return distinct


def _collapse_into(people: list, kind: str, key: str, actor, now: datetime) -> set[int]:
    """Count one more event on each person's latest unread notice with this key from the last hour, if they
    have one; the ids of those who had."""
    if not people:
        return set()
    latest: dict[int, Notification] = {}
    for notice in db.session.scalars(select(Notification).where(
            Notification.user_id.in_([user.id for user in people]), Notification.collapse_key == key,
            Notification.kind == kind, Notification.read_at.is_(None),
            Notification.updated_at > now - COLLAPSE_WINDOW).order_by(Notification.id.desc())):
        latest.setdefault(notice.user_id, notice)
    actor_id = getattr(actor, "id", None)
    for notice in latest.values():
        actors = list(notice.actor_ids or [])
        if actor_id is not None and actor_id not in actors:
            actors.append(actor_id)
        notice.actor_ids, notice.event_count, notice.updated_at = actors, notice.event_count + 1, now
    return set(latest)


def _write(people: list, kind: str, message: str, *, url: str, actor, community, target, subject: str,
           collapse_key: str | None, now: datetime) -> None:
    """A new notice for each of these people, in one INSERT; emailed now to those who chose "immediately"."""
    if community is None and isinstance(target, WikiPage | Resource | Thread | Meeting):  # seen through their community
        community = target.community
    actor_id = getattr(actor, "id", None)
    notice = {"kind": kind, "message": message[:500], "subject": subject[:200], "url": url[:300],
              "community_id": community.id if isinstance(community, Community) else None,
              "target_type": target_type_of(target) if target is not None else "",
              "target_id": target.id if target is not None else None, "collapse_key": collapse_key,
              "actor_ids": [actor_id] if actor_id is not None else [], "event_count": 1, "created_at": now,
              "updated_at": now}
    db.session.execute(insert(Notification), [{"user_id": user.id, **notice} for user in people])
    channels = channels_for(people, kind)
    for user in people:
        if user.email and channels[user.id] == "immediately":
            queue_email(to_address=user.email, to_name=user.display_name,
                        **_email_for(user.display_name, message, url, unsubscribe.link_for(user, kind)))


def _email_for(name: str, message: str, url: str, unsubscribe_link: str) -> dict[str, str]:
    """The email of one notice: its text as the subject, a link back to Globe, and one that stops this kind."""
    site, home = current_app.config["SITE_NAME"], site_address()
    line = " ".join(message.split())
    link = f"{home}{url}" if url else ""
    text_link = f"Open it in {site}: {link}\n\n" if link else ""
    html_link = HTML_LINK.format(url=link, site=site) if link else ""
    return {
        "subject": f"{site}: {line if len(line) <= SUBJECT_CHARS else line[:SUBJECT_CHARS - 1] + '…'}",
        "text": (f"Hello {name},\n\n{message}\n\n{text_link}You get this email because {site} tells you by email "
                 f"of what concerns you; all your notices are also on {home}/notifications\n"
                 f"Stop emails like this one: {unsubscribe_link}\n"),
        "html": str(HTML_EMAIL.format(name=name, message=message, link=html_link, site=site,
                                      notices=f"{home}/notifications", unsubscribe=unsubscribe_link)),
        "list_unsubscribe": unsubscribe_link,
    }


# --- email settings ------------------------------------------------------------------------------

def channel_for(user, kind: str) -> str:
    return channels_for([user], kind)[user.id]


def channels_for(people: list, kind: str) -> dict[int, str]:
    """How one kind of notice reaches each of these people by email (user id -> channel), in one query."""
    chosen = dict(db.session.execute(select(NotificationSetting.user_id, NotificationSetting.channel).where(
        NotificationSetting.user_id.in_([user.id for user in people]), NotificationSetting.kind == kind)).all()
        ) if people else {}
    return {user.id: chosen.get(user.id, KINDS[kind].default) for user in people}


def settings_of(user) -> dict[str, str]:
    """Every kind with how it reaches `user` by email."""
    chosen = dict(db.session.execute(select(NotificationSetting.kind, NotificationSetting.channel)
                                     .where(NotificationSetting.user_id == user.id)).all())
    return {kind: chosen.get(kind, spec.default) for kind, spec in KINDS.items()}


def change_settings(user, choices: dict[str, str]) -> dict[str, str]:
    """Set how some kinds reach `user` by email; an unknown kind or channel changes nothing at all."""
    errors = {kind: [f"Unknown kind of notice “{kind}”."] for kind in choices if kind not in KINDS}
    errors |= {kind: [f"Choose one of: {', '.join(CHANNELS)}."] for kind, channel in choices.items()
               if kind in KINDS and channel not in CHANNELS}
    if errors:
        raise InvalidInput(errors)
    with transaction():
        existing = {row.kind: row for row in db.session.scalars(
            select(NotificationSetting).where(NotificationSetting.user_id == user.id))}
        for kind, channel in choices.items():
            row = existing.get(kind) or NotificationSetting(user_id=user.id, kind=kind)
            row.channel = channel
            db.session.add(row)
    return settings_of(user)


# --- reading notices -----------------------------------------------------------------------------

def visible_to(user):
    """A WHERE clause keeping the notices whose community `user` may still read (or that have none)."""
    readable = select(Community.id).where(membership_scope(user).community_filter())
    return or_(Notification.community_id.is_(None), Notification.community_id.in_(readable))


def unread_count(user) -> int:
    """The bell: one query on the (user, read) index."""
    if not user.is_authenticated or user.id is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None), visible_to(user)))


def latest(user, *, limit: int = 50, unread_only: bool = False, community_id: int | None = None,
           kind: str = "") -> list[Notification]:
    """The person's notices, newest first, that they may still open (filters: unread, community, kind)."""
    query = select(Notification).where(Notification.user_id == user.id, visible_to(user))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if community_id is not None:
        query = query.where(Notification.community_id == community_id)
    if kind:
        query = query.where(Notification.kind == kind) if kind in KINDS else query.where(false())
    rows = db.session.scalars(query.order_by(Notification.updated_at.desc(), Notification.id.desc()).limit(limit))
    return [notice for notice in rows if still_visible(user, notice)]


def still_visible(user, notice: Notification) -> bool:
    """The target a notice is about may have become private (or gone) since it was written."""
    if not notice.target_type:
        return True
    target = load_target(notice.target_type, notice.target_id)
    if target is None:
        return notice.community_id is None or may_see(user, community=notice.community)
    return may_see(user, target=target)


def text_of(notice: Notification, names: dict[int, str] | None = None) -> str:
    """What a notice says: its message, or for a repeated one the kind's summary."""
    spec = KINDS.get(notice.kind)
    if notice.event_count <= 1 or spec is None or not spec.collapsed:
        return notice.message
    people = len(notice.actor_ids or []) or 1
    return spec.collapsed.format(subject=notice.subject or "it", count=notice.event_count,
                                 people=f"{people} {'person' if people == 1 else 'people'}")


def mark_all_read(user) -> None:
    with transaction():
        db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                      Notification.read_at.is_(None)).values(read_at=utcnow()))


def mark_read(user, notification_ids: list[int]) -> int:
    """Mark some of the person's own notices read; ids of anyone else's are refused, and nothing changes."""
    ids = set(notification_ids)
    own = set(db.session.scalars(select(Notification.id).where(Notification.id.in_(ids),
                                                               Notification.user_id == user.id)))
    if own != ids:
        raise NotFound("No such notification.")
    with transaction():
        db.session.execute(update(Notification).where(Notification.id.in_(own), Notification.read_at.is_(None))
                           .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return len(own)


def open_notification(user, notification_id: int) -> str:
    """Mark one of the user's own notices read, and give the address it points to ("" if none).

    Another person's notice is "not found": nobody learns that it exists, nor marks it read."""
    notice = db.session.get(Notification, notification_id) if user.is_authenticated else None
    if notice is None or notice.user_id != user.id:
        raise NotFound("No such notification.")
    with transaction():
        if notice.read_at is None:
            notice.read_at = utcnow()
    return notice.url if still_visible(user, notice) else ""
