"""Notices inside Globe (the bell), and the same by email through the outbox."""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, select, update

from ..db import transaction
from ..errors import NotFound
from ..extensions import db
from ..models.base import utcnow
from ..models.incubator import Notification
from ..urls import site_address
from .outbox import queue_email

SUBJECT_CHARS = 90
HTML_EMAIL = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>{message}</p>
{link}<p><small>You get this email because {site} tells you by email of what concerns you; all your notices are
also on <a href="{notices}">{notices}</a></small></p>
</body></html>
""")
HTML_LINK = Markup('<p><a href="{url}">Open it in {site}</a></p>\n')


def notify(user, message: str, url: str = "") -> None:
    """Tell someone something, in the caller's transaction: in the app, and by email once it commits."""
    db.session.add(Notification(user_id=user.id, message=message[:500], url=url[:300]))
    if user.email:
        queue_email(to_address=user.email, to_name=user.display_name, **_email_for(user.display_name, message, url))


def _email_for(name: str, message: str, url: str) -> dict[str, str]:
    """The email of one notice: its text as the subject, and a link back to Globe."""
    site, home = current_app.config["SITE_NAME"], site_address()
    line = " ".join(message.split())
    link = f"{home}{url}" if url else ""
    text_link = f"Open it in {site}: {link}\n\n" if link else ""
    html_link = HTML_LINK.format(url=link, site=site) if link else ""
    return {
        "subject": f"{site}: {line if len(line) <= SUBJECT_CHARS else line[:SUBJECT_CHARS - 1] + '…'}",
        "text": (f"Hello {name},\n\n{message}\n\n{text_link}You get this email because {site} tells you by email "
                 f"of what concerns you; all your notices are also on {home}/notifications\n"),
        "html": str(HTML_EMAIL.format(name=name, message=message, link=html_link, site=site,
                                      notices=f"{home}/notifications")),
    }


def unread_count(user) -> int:
    if not user.is_authenticated or user.id is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def latest(user, *, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_all_read(user) -> None:
    with transaction():
        db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                      Notification.read_at.is_(None)).values(read_at=utcnow()))


def open_notification(user, notification_id: int) -> str:
    """Mark one of the user's own notices read, and give the address it points to ("" if none).

    Another person's notice is "not found": nobody learns that it exists, nor marks it read."""
    notice = db.session.get(Notification, notification_id) if user.is_authenticated else None
    if notice is None or notice.user_id != user.id:
        raise NotFound("No such notification.")
    with transaction():
        if notice.read_at is None:
            notice.read_at = utcnow()
    return notice.url
