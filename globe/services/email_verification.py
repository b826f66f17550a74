"""Proving an email address: the link mailed after sign-up, and the link that lets a new address replace the old.

Like password resets (password_resets.py): single-use links that expire, stored hashed, built from GLOBE_SITE_URL
only. A change of address needs the current password, mails its link to the NEW address and changes nothing until
the link is followed; then the old address is told. Asking never reveals whether another account uses the new
address (the answer and the work are the same); the person following the link, who reads mail there, is told."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from ..db import transaction
from ..errors import GlobeError, InvalidInput, PermissionDenied
from ..extensions import db
from ..models.accounts import EmailVerification, PasswordReset, User
from ..models.base import utcnow
from ..urls import email_verification_path, secret_link_address
from . import accounts, invitations, outbox
from .validation import Checker

MAX_TOKEN = 200  # longer "tokens" are forged: refused before any hashing or lookup
LINKS_PER_HOUR = 3  # per account, the sign-up link included: resending cannot flood anyone's inbox
HTML_EMAIL = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>{reason}</p>
<p><a href="{link}">Confirm {address}</a></p>
<p>The link works once, within {hours} hour(s). {ignore}</p>
</body></html>
""")
HTML_NOTICE = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>The email address of your {site} account was changed from {old} to {new}. {site} now writes to the new
address, and you log in with it.</p>
<p>{warning}</p>
</body></html>
""")
NOT_YOU = ("If this wasn't you, someone who knows your password has taken over your account: write to the site's "
           "admins at once so that they can suspend it, and change your password wherever else you used it.")


class VerificationLinkUnknown(GlobeError):
    """No confirmation link was ever sent with this token (mistyped, cut short or forged)."""

    status = 400
    title = "This link does not work"


class VerificationLinkGone(GlobeError):
    """The link was real but no longer works: used, expired, replaced, or for an address the account left."""

    status = 410
    title = "This link no longer works"


class AddressTaken(GlobeError):
    """The new address became another account's after its link was sent."""

    status = 409
    title = "This address is already in use"


# --- sending links -----------------------------------------------------------------------------

def register(*, email: str, display_name: str, password: str) -> User:
    """Sign up: a new account, not yet verified, and the email with the link proving its address, in one
    transaction (no account without its email, no email without its account)."""
    with transaction():
        user = accounts.register_user(email=email, display_name=display_name, password=password)
        db.session.flush()
        _send_link(user, user.email, "confirm", utcnow())
    return user


def resend_link(actor, *, now: datetime | None = None) -> str:
    """Mail the actor a new link confirming their address (at most LINKS_PER_HOUR links an hour); returns it."""
    _require_signed_in(actor)
    if actor.email_verified:
        raise InvalidInput({"_": [f"Your email address {actor.email} is already confirmed."]})
    with transaction():
        _send_link(actor, actor.email, "confirm", now or utcnow())
    return actor.email


def request_email_change(actor, *, email: str, current_password: str, now: datetime | None = None) -> str:
    """Mail a link to a new address, proven by the current password; the account keeps its address until the
    link is followed, and an earlier pending change stops working. Returns the new address (normalised).

    When another account uses the address, the link is stored but not sent: the caller's answer, and how soon
    the hourly limit is reached, are the same either way."""
    _require_signed_in(actor)
    check = Checker()
    if not check_password_hash(actor.password_hash, current_password or ""):
        check.add("current_password", "This is not your current password.")
    new = accounts.check_email_address(check, email)
    if new is not None and new == actor.email:
        check.add("email", "This is already your account's address.")
    check.done()
    now = now or utcnow()
    with transaction():
        db.session.execute(update(EmailVerification)  # replaced: only the newest change can be confirmed
                           .where(EmailVerification.user_id == actor.id, EmailVerification.purpose == "change",
                                  EmailVerification.used_at.is_(None), EmailVerification.expires_at > now)
                           .values(expires_at=now).execution_options(synchronize_session=False))
        _send_link(actor, new, "change", now, send=accounts.find_user_by_email(new) is None)
    return new


def pending_change(user) -> EmailVerification | None:
    """The change of address waiting for its link to be followed, if any."""
    return db.session.scalar(select(EmailVerification)
                             .where(EmailVerification.user_id == user.id, EmailVerification.purpose == "change",
                                    EmailVerification.used_at.is_(None), EmailVerification.expires_at > utcnow())
                             .order_by(EmailVerification.created_at.desc()).limit(1))


def _require_signed_in(actor) -> None:
    if not actor.is_authenticated or getattr(actor, "id", None) is None:
        raise PermissionDenied("Log in to manage your email address.")


def _send_link(user: User, address: str, purpose: str, now: datetime, *, send: bool = True) -> None:
    """Store a new link for `address` and (when `send`) queue its email, in the caller's transaction."""
    recent = db.session.scalar(select(func.count()).select_from(EmailVerification).where(
        EmailVerification.user_id == user.id, EmailVerification.created_at > now - timedelta(hours=1)))
    if recent >= LINKS_PER_HOUR:
        raise InvalidInput({"_": [f"We sent you {LINKS_PER_HOUR} links in the last hour: look for them (in your spam "
                                  "folder too), or ask again in an hour."]})
    token = secrets.token_urlsafe(32)
    hours = float(current_app.config["EMAIL_VERIFICATION_HOURS"])
    db.session.execute(delete(EmailVerification).where(EmailVerification.user_id == user.id,
                                                       EmailVerification.expires_at < now,
                                                       EmailVerification.created_at < now - timedelta(hours=1)))
    db.session.add(EmailVerification(user_id=user.id, email=address, purpose=purpose,
                                     token_hash=accounts.hash_token(token), created_at=now,
                                     expires_at=now + timedelta(hours=hours)))
    if send:
        link = secret_link_address() + email_verification_path(token)
        outbox.queue_email(to_address=address, to_name=user.display_name,
                           **_link_email(user.display_name, address, purpose, link, hours))


def _link_email(name: str, address: str, purpose: str, link: str, hours: float) -> dict[str, str]:
    site, shown_hours = current_app.config["SITE_NAME"], f"{hours:g}"
    if purpose == "confirm":
        subject = f"{site}: confirm your email address"
        reason = f"Welcome to {site}! Follow this link to confirm that {address} is your address:"
        ignore = "If you did not sign up, ignore this email."
    else:
        subject = f"{site}: confirm your new email address"
        reason = f"Someone (we hope you) asked to make {address} the address of your {site} account. Follow this " \
                 "link to confirm it:"
        ignore = "If you did not ask for it, ignore this email: nothing changes."
    return {
        "subject": subject,
        "text": f"Hello {name},\n\n{reason}\n\n{link}\n\nThe link works once, within {shown_hours} hour(s). {ignore}\n",
        "html": str(HTML_EMAIL.format(name=name, reason=reason, link=link, address=address, hours=shown_hours,
                                      ignore=ignore)),
    }


def _changed_notice(name: str, old: str, new: str) -> dict[str, str]:
    site = current_app.config["SITE_NAME"]
    return {
        "subject": f"{site}: your email address was changed",
        "text": (f"Hello {name},\n\nThe email address of your {site} account was changed from {old} to {new}. "
                 f"{site} now writes to the new address, and you log in with it.\n\n{NOT_YOU}\n"),
        "html": str(HTML_NOTICE.format(name=name, site=site, old=old, new=new, warning=NOT_YOU)),
    }


# --- following a link --------------------------------------------------------------------------

def check_link(token: str, *, now: datetime | None = None) -> EmailVerification:
    """The link a token names while it still works; VerificationLinkUnknown or VerificationLinkGone otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise VerificationLinkUnknown("This confirmation link is not one Globe sent. Ask for a new one from your "
                                      "profile.")
    link = db.session.scalar(select(EmailVerification)
                             .where(EmailVerification.token_hash == accounts.hash_token(token)))
    if link is None:
        raise VerificationLinkUnknown("This confirmation link is not one Globe sent. Ask for a new one from your "
                                      "profile.")
    if link.purpose == "confirm" and link.email != link.user.email:
        raise VerificationLinkGone(f"This link confirms {link.email}, which is no longer your account's address: "
                                   f"it was changed since. Nothing was changed.")
    if link.used_at is not None:
        raise VerificationLinkGone(f"This link was already used: {link.email} is confirmed.")
    if link.expires_at <= (now or utcnow()):
        raise VerificationLinkGone("This link has expired, or a newer one replaced it. Ask for a new one from your "
                                   "profile.")
    if link.user.is_suspended:
        raise VerificationLinkGone("This account was suspended after the link was sent.")
    return link


def follow_link(actor, token: str, *, now: datetime | None = None) -> EmailVerification:
    """Confirm the address a working link proves: the account is verified and, for a change, the new address
    replaces the old one, which is told, and every other browser of the account is signed out (the actor's
    stays signed in when it is the account's)."""
    now = now or utcnow()
    link = check_link(token, now=now)
    user = link.user
    if link.purpose == "change" and accounts.find_user_by_email(link.email) is not None:
        raise _taken(link)
    try:
        with transaction():
            if not _use_up(link, now):  # another request used the link a moment ago
                raise VerificationLinkGone(f"This link was already used: {link.email} is confirmed.")
            if link.purpose == "change":
                keep = actor.current_session_key if actor.is_authenticated and actor.id == user.id else None
                _replace_address(user, link.email, keep_session=keep)
            user.email_verified_at = now
            invitations.attach_to_account(user, now)
            db.session.flush()
    except IntegrityError:  # the address was taken between the check and the commit
        raise _taken(link) from None
    return link


def _taken(link: EmailVerification) -> AddressTaken:
    """Told to whoever holds the link (they read mail at link.email); the account's own address stays unsaid,
    in case the link reached a stranger through a mistyped address."""
    return AddressTaken(f"Another account started using {link.email} after this link was sent, so it cannot "
                        "become yours. Your account keeps its current address.")


def _replace_address(user: User, new: str, *, keep_session: str | None) -> None:
    old = user.email
    user.email = new
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))  # they went to the old one
    accounts._end_sessions(user, keep=keep_session)
    outbox.queue_email(to_address=old, to_name=user.display_name, **_changed_notice(user.display_name, old, new))


def _use_up(link: EmailVerification, now: datetime) -> bool:
    """Mark this link used (False if another request did first), and the account's other links with the same
    purpose with it."""
    claimed = db.session.execute(update(EmailVerification)
                                 .where(EmailVerification.id == link.id, EmailVerification.used_at.is_(None))
                                 .values(used_at=now).execution_options(synchronize_session=False))
    db.session.execute(update(EmailVerification)
                       .where(EmailVerification.user_id == link.user_id, EmailVerification.purpose == link.purpose,
                              EmailVerification.used_at.is_(None))
                       .values(used_at=now).execution_options(synchronize_session=False))
    return bool(claimed.rowcount)
