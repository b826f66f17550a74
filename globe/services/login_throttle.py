"""Slowing down password guessing without locking the owner out (OWASP's "device cookies").

A browser that signed in to an account gets a signed device cookie for it. Wrong passwords typed in a
browser without one (a new browser) count against the account: after LOGIN_FAILURES_BEFORE_BACKOFF of them
within LOGIN_FAILURE_WINDOW_SECONDS, each further try from a new browser must wait twice as long as the one
before (at most LOGIN_BACKOFF_MAX_SECONDS). A trusted browser only waits after wrong passwords typed in it,
so guesses from elsewhere never slow the owner down. A new browser that is made to wait may ask for a
single-use sign-in link sent to the account's address, and the owner is told by email (at most once an
hour) that someone is guessing.

Counts are kept by a keyed hash of the email address, known or not, so the answers and the work done
never reveal whether an address has an account; network addresses are stored hashed too."""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..db import transaction
from ..errors import GlobeError
from ..extensions import db
from ..models.accounts import User
from ..models.base import utcnow
from ..models.login_throttle import LoginDevice, LoginFailure, LoginWarning, SignInLink
from ..urls import secret_link_address, sign_in_link_path
from . import outbox
from .accounts import authenticate, find_user_by_email, hash_token, normalize_email
from .password_resets import MAX_TOKEN

WARNING_INTERVAL = timedelta(hours=1)  # the owner hears about guessing at most this often
DEVICE_COOKIE_SALT = "globe.login-device"


@dataclass
class LoginAttempt:
    """What a login attempt came to: the account whose password was right (None: wrong or not checked), or
    how many seconds this browser must wait before its password is even checked."""

    user: User | None
    wait_seconds: int = 0


class SignInLinkUnknown(GlobeError):
    status = 400
    title = "This link does not work"


class SignInLinkGone(GlobeError):
    status = 410
    title = "This link no longer works"


def attempt_login(email: str, password: str, *, address: str, device_cookie: str | None,
                  now: datetime | None = None) -> LoginAttempt:
    """Check a password unless this browser must wait first; a wrong one is counted (and may warn the owner).

    A refused attempt does not check the password, so its answer cannot tell whether it was right."""
    now = now or utcnow()
    device = _trusted_device(email, device_cookie, now)
    wait = seconds_to_wait(email, device=device, now=now)
    if wait:
        return LoginAttempt(user=None, wait_seconds=wait)
    user = authenticate(email, password)
    if user is None:
        record_failure(email, address=address, device=device, now=now)
    return LoginAttempt(user=user)


def seconds_to_wait(email: str, *, device: LoginDevice | None, now: datetime) -> int:
    """0 when a password may be tried now from this browser (`device`: the account's own, or None)."""
    failures = _recent_failures(_email_hash(email), device, now)
    threshold = int(current_app.config["LOGIN_FAILURES_BEFORE_BACKOFF"])
    if len(failures) < threshold:
        return 0
    delay = min(2 ** (len(failures) - threshold + 1), int(current_app.config["LOGIN_BACKOFF_MAX_SECONDS"]))
    ready = max(failures) + timedelta(seconds=delay)
    return max(0, math.ceil((ready - now).total_seconds()))


def _recent_failures(email_hash: str, device: LoginDevice | None, now: datetime) -> list[datetime]:
    window = timedelta(seconds=int(current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]))
    same_browser = LoginFailure.device_id.is_(None) if device is None else LoginFailure.device_id == device.id
    return list(db.session.scalars(select(LoginFailure.created_at).where(
        LoginFailure.email_hash == email_hash, same_browser, LoginFailure.created_at > now - window)))


def record_failure(email: str, *, address: str, device: LoginDevice | None, now: datetime) -> None:
    """Count a wrong password; once new browsers are made to wait, warn the owner (at most once an hour)."""
    email_hash = _email_hash(email)
    with transaction():
        _forget_old_failures(now)
        db.session.add(LoginFailure(email_hash=email_hash, address_hash=_keyed_hash("address", address),
                                    device_id=device.id if device else None, created_at=now))
        db.session.flush()
        if device is None and seconds_to_wait(email, device=None, now=now):
            _warn_owner(find_user_by_email(email), email_hash, now)


def _forget_old_failures(now: datetime) -> None:
    kept = max(timedelta(seconds=int(current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])), WARNING_INTERVAL)
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < now - kept))


def _warn_owner(user: User | None, email_hash: str, now: datetime) -> None:
    """Tell the owner how much guessing there was in the last hour; an unknown address costs the same work."""
    attempts, addresses = db.session.execute(
        select(func.count(), func.count(LoginFailure.address_hash.distinct()))
        .where(LoginFailure.email_hash == email_hash, LoginFailure.created_at > now - WARNING_INTERVAL)).one()
    email = _warning_email(user.display_name if user else "", attempts, addresses)
    if user is None or user.is_suspended or not _claim_warning(user.id, now):
        return
    outbox.queue_email(to_address=user.email, to_name=user.display_name, **email)


def _claim_warning(user_id: int, now: datetime) -> bool:
    """Whether this request is the one to warn now: of two workers recording failures at once, one wins."""
    claimed = db.session.execute(update(LoginWarning).where(LoginWarning.user_id == user_id,
                                                            LoginWarning.sent_at <= now - WARNING_INTERVAL)
                                 .values(sent_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount:
        return True
    if db.session.get(LoginWarning, user_id) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LoginWarning(user_id=user_id, sent_at=now))
    except IntegrityError:
        return False
    return True


WARNING_HTML = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>In the last hour, someone typed a wrong password {attempts} time(s) while trying to sign in to your {site}
account, from {addresses} network address(es). Browsers that never signed in to your account now have to wait
longer after each wrong password; the browsers you signed in with before are not slowed down.</p>
<p>What to do:</p>
<ul>
<li>If your password is long and you use it nowhere else: nothing. Guessing it would take far too long.</li>
<li>Otherwise, <a href="{reset}">choose a new password</a>.</li>
<li>Turn on two-factor sign-in on <a href="{profile}">your profile</a>: a guessed password is then not enough.</li>
</ul>
<p>We tell you about this at most once an hour.</p>
</body></html>
""")


def _warning_email(name: str, attempts: int, addresses: int) -> dict[str, str]:
    site, address = current_app.config["SITE_NAME"], secret_link_address()
    reset, profile = f"{address}/forgot-password", f"{address}/profile"
    return {
        "subject": f"{site}: someone is trying to guess your password",
        "text": (f"Hello {name},\n\nIn the last hour, someone typed a wrong password {attempts} time(s) while trying "
                 f"to sign in to your {site} account, from {addresses} network address(es). Browsers that never "
                 "signed in to your account now have to wait longer after each wrong password; the browsers you "
                 "signed in with before are not slowed down.\n\nWhat to do:\n"
                 "- If your password is long and you use it nowhere else: nothing. Guessing it would take far too "
                 f"long.\n- Otherwise, choose a new password: {reset}\n"
                 f"- Turn on two-factor sign-in on your profile, so that a guessed password is not enough: {profile}"
                 "\n\nWe tell you about this at most once an hour.\n"),
        "html": str(WARNING_HTML.format(name=name, attempts=attempts, addresses=addresses, site=site, reset=reset,
                                        profile=profile)),
    }


# --- trusted browsers (device cookies) ---------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_COOKIE_SALT)


def _device_lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["LOGIN_DEVICE_COOKIE_DAYS"]))


def _cookie_key(device_cookie: str | None) -> str | None:
    """The random key inside a device cookie while its signature holds and it is younger than its lifetime."""
    if not device_cookie or len(device_cookie) > MAX_TOKEN:
        return None
    try:
        key = _serializer().loads(device_cookie, max_age=_device_lifetime().total_seconds())
    except BadData:
        return None
    return key if isinstance(key, str) else None


def _device_for_key(key: str | None, now: datetime) -> LoginDevice | None:
    """The device a cookie's key names, unless it went unused for longer than a device cookie lasts."""
    if not key:
        return None
    return db.session.scalar(select(LoginDevice).where(LoginDevice.key_hash == hash_token(key),
                                                       LoginDevice.last_used_at > now - _device_lifetime()))


def _trusted_device(email: str, device_cookie: str | None, now: datetime) -> LoginDevice | None:
    """The browser's device, if it is one of this email address's account (looked up alike for any address)."""
    device = _device_for_key(_cookie_key(device_cookie), now)
    user = find_user_by_email(email)
    return device if device is not None and user is not None and device.user_id == user.id else None


def trust_browser(user: User, *, device_cookie: str | None, address: str, now: datetime | None = None) -> str:
    """After a successful sign-in: the device cookie to give this browser, and its failures forgotten.

    A browser already trusted for this account keeps its device; a new one gets a new device, and the wrong
    passwords typed from its network address before it got in are forgotten (most likely the owner's typos)."""
    now = now or utcnow()
    key = _cookie_key(device_cookie)
    device = _device_for_key(key, now)
    with transaction():
        db.session.execute(delete(LoginDevice).where(LoginDevice.last_used_at < now - _device_lifetime()))
        if device is not None and device.user_id == user.id:
            device.last_used_at = now
            forgotten = LoginFailure.device_id == device.id
        else:
            key = secrets.token_urlsafe(32)
            device = LoginDevice(user_id=user.id, key_hash=hash_token(key), created_at=now, last_used_at=now)
            db.session.add(device)
            forgotten = LoginFailure.device_id.is_(None) & (LoginFailure.address_hash ==
                                                            _keyed_hash("address", address))
        db.session.execute(delete(LoginFailure).where(LoginFailure.email_hash == _email_hash(user.email), forgotten))
    return _serializer().dumps(key)  # signed anew: the cookie's lifetime starts again


def device_cookie_max_age() -> int:
    return int(_device_lifetime().total_seconds())


# --- emailed sign-in links ------------------------------------------------------------------

SIGN_IN_HTML = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>Someone (we hope you) typed your password in a new browser while your account was asking new browsers to
wait. Follow this link to sign in there at once:</p>
<p><a href="{link}">Sign in to {site}</a></p>
<p>The link works once, within {minutes} minutes. If you did not ask for it, someone knows your password:
<a href="{reset}">choose a new one</a>.</p>
</body></html>
""")


def email_sign_in_link(email: str, password: str, *, address: str, device_cookie: str | None,
                       now: datetime | None = None) -> None:
    """Email a sign-in link when the password is right (a wrong one counts as a failure). Says nothing either
    way, and does the same work, so it tells nobody whether the password or the address was right."""
    now = now or utcnow()
    user = authenticate(email, password)
    if user is None:
        record_failure(email, address=address, device=_trusted_device(email, device_cookie, now), now=now)
    token = secrets.token_urlsafe(32)
    minutes = int(current_app.config["LOGIN_LINK_MINUTES"])
    message = _sign_in_email(user.display_name if user else "", secret_link_address() + sign_in_link_path(token),
                             minutes)
    if user is None or user.is_suspended:
        return
    with transaction():
        db.session.execute(delete(SignInLink).where(SignInLink.user_id == user.id, SignInLink.expires_at < now))
        db.session.add(SignInLink(user_id=user.id, token_hash=hash_token(token), created_at=now,
                                  expires_at=now + timedelta(minutes=minutes)))
        outbox.queue_email(to_address=user.email, to_name=user.display_name, **message)


def _sign_in_email(name: str, link: str, minutes: int) -> dict[str, str]:
    site, reset = current_app.config["SITE_NAME"], secret_link_address() + "/forgot-password"
    return {
        "subject": f"{site}: your sign-in link",
        "text": (f"Hello {name},\n\nSomeone (we hope you) typed your password in a new browser while your account "
                 "was asking new browsers to wait. Follow this link to sign in there at once:\n\n"
                 f"{link}\n\nThe link works once, within {minutes} minutes. If you did not ask for it, someone "
                 f"knows your password: choose a new one at {reset}\n"),
        "html": str(SIGN_IN_HTML.format(name=name, link=link, site=site, minutes=minutes, reset=reset)),
    }


def check_sign_in_link(token: str, *, now: datetime | None = None) -> SignInLink:
    """The link a token names while it still works; SignInLinkUnknown or SignInLinkGone otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise SignInLinkUnknown("This sign-in link is not one Globe sent. Log in with your password instead.")
    link = db.session.scalar(select(SignInLink).where(SignInLink.token_hash == hash_token(token)))
    if link is None:
        raise SignInLinkUnknown("This sign-in link is not one Globe sent. Log in with your password instead.")
    if link.used_at is not None:
        raise SignInLinkGone("This sign-in link was already used. Log in with your password, or ask for a new link.")
    if link.expires_at <= (now or utcnow()):
        raise SignInLinkGone("This sign-in link has expired. Log in with your password, or ask for a new link.")
    if link.user.is_suspended:
        raise SignInLinkGone("This account was suspended after the link was sent.")
    return link


def use_sign_in_link(token: str, *, now: datetime | None = None) -> User:
    """Use a working link up (once, even when two requests race) and return whose it is."""
    now = now or utcnow()
    link = check_sign_in_link(token, now=now)
    with transaction():
        claimed = db.session.execute(update(SignInLink).where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
                                     .values(used_at=now).execution_options(synchronize_session=False))
        if not claimed.rowcount:
            raise SignInLinkGone("This sign-in link was already used. Log in with your password, or ask for a "
                                 "new link.")
    return link.user


# --- keyed hashes ---------------------------------------------------------------------------

def _keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA-256 with the secret key: without the key, a stored hash cannot be matched to an address."""
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), f"{kind}:{value}".encode(),
                    hashlib.sha256).hexdigest()


def _email_hash(email: str) -> str:
    return _keyed_hash("email", normalize_email(email))
