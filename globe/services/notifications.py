"""Notices inside Globe (the bell), and the same by email when SMTP is configured."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, select, update

from ..db import current_transaction, transaction
from ..extensions import db
from ..models.base import utcnow
from ..models.incubator import Notification


def notify(user, message: str, url: str = "") -> None:
    """Tell someone something, in the caller's transaction; the email (if any) follows the commit."""
    db.session.add(Notification(user_id=user.id, message=message[:500], url=url[:300]))
    if current_app.config.get("SMTP_HOST"):
        current_transaction().after_commit(send_email, user.email, message, url)


def send_email(address: str, message: str, url: str) -> None:
    """Best effort: a mail server that is down must never undo what already happened."""
    config = current_app.config
    email = EmailMessage()
    email["From"], email["To"] = config["SMTP_FROM"], address
    email["Subject"] = f"{config['SITE_NAME']}: {message[:80]}"
    email.set_content(f"{message}\n\n{config.get('SITE_URL', '').rstrip('/')}{url}\n")
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=10) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not email %s", address)


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
