"""Forgotten passwords: an emailed single-use link that expires, then a new password that signs out everywhere.

The answer to a request never depends on whether the address has an account, and the work done is alike
either way (a token is made and the email written out; only a real, active account gets them stored).
Links are built from GLOBE_SITE_URL only, never from a request's Host header, which a client can forge."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select, update

from ..db import transaction
from ..errors import GlobeError, InvalidInput
from ..extensions import db
from ..models.accounts import PasswordReset, User
from ..models.base import utcnow
from ..permissions import require
from ..urls import password_reset_path, secret_link_address
from . import outbox
from .accounts import _check_password, _end_sessions, find_user_by_email, hash_password, hash_token
from .validation import Checker

MAX_TOKEN = 200  # longer "tokens" are forged: refused before any hashing or lookup
HTML_EMAIL = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>{reason}</p>
<p><a href="{link}">Choose a new password</a></p>
<p>The link works once, within {hours} hour(s). If you did not ask for it, ignore this email: your password
stays as it is.</p>
</body></html>
""")


class ResetLinkUnknown(GlobeError):
    """No reset link was ever sent with this token (mistyped, cut short or forged)."""

    status = 400
    title = "This link does not work"


class ResetLinkGone(GlobeError):
    """The link was real but has been used or has expired (or the account was suspended since)."""

    status = 410
    title = "This link no longer works"


def request_reset(actor, *, email: str, now: datetime | None = None) -> None:
    """Someone forgot their password: email a link to the address if it has an active account.

    Says nothing either way; `actor` is whoever asks (usually an anonymous visitor)."""
    user = find_user_by_email(email)
    reason = "Someone (we hope you) asked to reset your password. Follow this link to choose a new one:"
    with transaction():
        _queue_reset(user if user is not None and not user.is_suspended else None, reason, now or utcnow())


def send_reset_by_admin(actor, user: User) -> None:
    """A site admin sends someone the same reset email (for a person who cannot find the login page's link)."""
    require(actor, "site.admin")
    if user.is_suspended:
        raise InvalidInput({"_": ["This account is suspended: reactivate it before sending a reset link."]})
    reason = (f"An administrator of {current_app.config['SITE_NAME']} sent you this link to choose a new "
              "password:")
    with transaction():
        _queue_reset(user, reason, utcnow())


def _queue_reset(user: User | None, reason: str, now: datetime) -> None:
    """Make a token and its email; store both only for a real account (so unknown addresses cost alike)."""
    token = secrets.token_urlsafe(32)
    hours = float(current_app.config["PASSWORD_RESET_HOURS"])
    record = PasswordReset(user_id=user.id if user else None, token_hash=hash_token(token), created_at=now,
                           expires_at=now + timedelta(hours=hours))
    email = _email(user.display_name if user else "", reason, secret_link_address() + password_reset_path(token), hours)
    if user is None:
        return
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.expires_at < now))
    db.session.add(record)
    outbox.queue_email(to_address=user.email, to_name=user.display_name, **email)


def _email(name: str, reason: str, link: str, hours: float) -> dict[str, str]:
    site, shown_hours = current_app.config["SITE_NAME"], f"{hours:g}"
    return {
        "subject": f"{site}: choose a new password",
        "text": (f"Hello {name},\n\n{reason}\n\n{link}\n\nThe link works once, within {shown_hours} hour(s). If you "
                 "did not ask for it, ignore this email: your password stays as it is.\n"),
        "html": str(HTML_EMAIL.format(name=name, reason=reason, link=link, hours=shown_hours)),
    }


def check_link(token: str, *, now: datetime | None = None) -> PasswordReset:
    """The reset a link's token names while it still works; ResetLinkUnknown or ResetLinkGone otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise ResetLinkUnknown("This password-reset link is not one Globe sent. Ask for a new one.")
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if reset is None:
        raise ResetLinkUnknown("This password-reset link is not one Globe sent. Ask for a new one.")
    if reset.used_at is not None:
        raise ResetLinkGone("This password-reset link was already used. Ask for a new one if you need it.")
    if reset.expires_at <= (now or utcnow()):
        raise ResetLinkGone("This password-reset link has expired. Ask for a new one.")
    if reset.user.is_suspended:
        raise ResetLinkGone("This account was suspended after the link was sent.")
    return reset


def reset_password(token: str, *, new_password: str, now: datetime | None = None) -> User:
    """Set the password a working link allows, use the link up, and sign the person out everywhere."""
    now = now or utcnow()
    reset = check_link(token, now=now)
    check = Checker()
    _check_password(check, new_password)
    check.done()
    with transaction():
        if not _use_up(reset, now):  # another request used the link a moment ago
            raise ResetLinkGone("This password-reset link was already used. Ask for a new one if you need it.")
        user = reset.user
        user.password_hash = hash_password(new_password)
        _end_sessions(user)
    return user


def _use_up(reset: PasswordReset, now: datetime) -> bool:
    """Mark this link used (False if another request did first) and the person's other links with it."""
    claimed = db.session.execute(update(PasswordReset)
                                 .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
                                 .values(used_at=now).execution_options(synchronize_session=False))
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == reset.user_id,
                                                   PasswordReset.used_at.is_(None))
                       .values(used_at=now).execution_options(synchronize_session=False))
    return bool(claimed.rowcount)
