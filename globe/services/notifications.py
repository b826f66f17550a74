"""Notices inside Globe (the bell), and the same by email when SMTP is configured."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import NamedTuple
from weakref import WeakKeyDictionary

from flask import current_app
from sqlalchemy import func, select, update

from ..db import Transaction, current_transaction, transaction
from ..errors import NotFound
from ..extensions import db
from ..models.base import utcnow
from ..models.incubator import Notification
from ..urls import site_address

SMTP_SECURITY = ("starttls", "ssl", "none")
_outboxes: WeakKeyDictionary[Transaction, list[Notice]] = WeakKeyDictionary()


class Notice(NamedTuple):
    address: str
    name: str
    message: str
    url: str


def notify(user, message: str, url: str = "") -> None:
    """Tell someone something, in the caller's transaction; the email (if any) goes once it commits."""
    db.session.add(Notification(user_id=user.id, message=message[:500], url=url[:300]))
    if current_app.config.get("SMTP_HOST"):
        _outbox().append(Notice(user.email, user.display_name, message, url))


def _outbox() -> list[Notice]:
    """This transaction's emails: sent together after the commit, dropped with a rollback."""
    tx = current_transaction()
    outbox = _outboxes.get(tx)
    if outbox is None:
        outbox = _outboxes[tx] = []
        tx.after_commit(send_emails, outbox)
    return outbox


def send_emails(notices: list[Notice]) -> None:
    """Best effort, over one connection: a mail server that is down never undoes what already happened,
    and one refused address does not stop the others."""
    config = current_app.config
    security = str(config["SMTP_SECURITY"]).lower()
    try:
        if security not in SMTP_SECURITY:
            raise ValueError(f"GLOBE_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not {security!r}")
        tls = ssl.create_default_context()  # verifies the server's certificate, unlike smtplib's default
        address = (str(config["SMTP_HOST"]), int(config["SMTP_PORT"]))
        timeout = float(config["SMTP_TIMEOUT_SECONDS"])
        with (smtplib.SMTP_SSL(*address, timeout=timeout, context=tls) if security == "ssl"
              else smtplib.SMTP(*address, timeout=timeout)) as smtp:
            if security == "starttls":
                smtp.starttls(context=tls)
            if config.get("SMTP_USERNAME"):
                smtp.login(str(config["SMTP_USERNAME"]), str(config.get("SMTP_PASSWORD") or ""))
            for notice in notices:
                _send_one(smtp, notice)
    except (OSError, ValueError, smtplib.SMTPException):
        current_app.logger.exception("Could not send %d notification email(s) through %s:%s", len(notices),
                                     config.get("SMTP_HOST"), config.get("SMTP_PORT"))


def _send_one(smtp: smtplib.SMTP, notice: Notice) -> None:
    try:
        smtp.send_message(_email_for(notice))
    except (ValueError, smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
        current_app.logger.exception("Could not email %s", notice.address)


def _email_for(notice: Notice) -> EmailMessage:
    """The email of one notice: its text as the subject, and a link back to Globe."""
    config = current_app.config
    site, home = config["SITE_NAME"], site_address()
    text = " ".join(notice.message.split())  # a header holds one line
    email = EmailMessage()
    email["From"], email["To"] = config["SMTP_FROM"], notice.address
    email["Subject"] = f"{site}: {text if len(text) <= 90 else text[:89] + '…'}"
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(domain=parseaddr(str(config["SMTP_FROM"]))[1].rpartition("@")[2] or "localhost")
    link = f"Open it in {site}: {home}{notice.url}\n\n" if notice.url else ""
    email.set_content(f"Hello {notice.name},\n\n{notice.message}\n\n{link}"
                      f"You get this email because {site} tells you by email of what concerns you; "
                      f"all your notices are also on {home}/notifications\n")
    return email


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
