"""Two-factor sign-in: after the password, a six-digit code from an authenticator app (TOTP, RFC 6238), or one of
ten single-use recovery codes for a lost phone.

The TOTP secret is stored as-is (base32) in `users.totp_secret`: the server must read it to compute the codes, so
anyone who can read the database (or a backup) could compute them too; keep both private. Recovery codes are
stored only as SHA-256 hashes (80 random bits each). A code is accepted once: the time step of the last accepted
code is recorded, and only a later step is accepted after it."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash

from ..db import transaction
from ..errors import Conflict, InvalidInput, PermissionDenied
from ..extensions import db
from ..models.accounts import User
from ..models.base import utcnow
from ..models.two_factor import RecoveryCode
from ..permissions import require
from . import outbox
from .accounts import hash_token

CODE_DIGITS = 6
VALID_WINDOW = 1  # also accept the code of the 30-second step before and after: phone clocks drift
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: no i, l, o or u to misread
RECOVERY_CODE_LENGTH = 16  # 80 random bits, shown as four groups of four
WRONG_CODE = "This code is not right, or was already used. Check your app's clock, or wait for the next code."


@dataclass(frozen=True)
class SecondFactor:
    """What proved the sign-in: the app's code (recovery_codes_left is None) or a recovery code."""

    recovery_codes_left: int | None = None


def is_enabled(user) -> bool:
    return getattr(user, "totp_enabled_at", None) is not None


def must_turn_on(user) -> bool:
    """GLOBE_REQUIRE_ADMIN_2FA: a site admin or curator without two-factor sign-in must turn it on first."""
    return (bool(current_app.config["REQUIRE_ADMIN_2FA"]) and bool(user.is_admin or user.is_curator)
            and not is_enabled(user))


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


# --- turning it on ----------------------------------------------------------------------------

def start_setup(actor) -> str:
    """The secret the actor's app is to learn, made on the first visit and kept until confirmed."""
    _require_account(actor)
    if is_enabled(actor):
        raise Conflict("Two-factor sign-in is already on.")
    if actor.totp_secret is None:
        with transaction():
            actor.totp_secret = pyotp.random_base32()
    return actor.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address the QR code holds: the site's name as issuer, the email as account name."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email,
                                                         issuer_name=current_app.config["SITE_NAME"])


def qr_code_svg(text: str) -> Markup:
    """`text` as a QR code in an inline SVG, drawn on the server (no script, no image request), black on white
    whatever the page's colours so that every camera reads it."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=5, border=4, dark="#000", light="#fff", svgclass="qr-code",
                          title="QR code for your authenticator app")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def confirm_setup(actor, *, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-factor sign-in on once the app shows a right code; returns the ten recovery codes, shown once."""
    _require_account(actor)
    if is_enabled(actor):
        raise Conflict("Two-factor sign-in is already on.")
    if actor.totp_secret is None:
        raise InvalidInput({"code": ["Open the set-up page again to get a QR code first."]})
    now = now or utcnow()
    with transaction():
        if not _accept_app_code(actor, code, now):
            raise InvalidInput({"code": [WRONG_CODE]})
        actor.totp_enabled_at = now
        return _replace_recovery_codes(actor, now)


# --- signing in, and changes that need a code ---------------------------------------------------

def verify_sign_in(user: User, code: str, *, now: datetime | None = None) -> SecondFactor:
    """The second step of signing in: the app's code or a recovery code, each accepted once.

    Raises InvalidInput({"code": [...]}) when neither matches."""
    if not (code or "").strip():
        raise InvalidInput({"code": ["Enter the code your app shows now, or one of your recovery codes."]})
    now = now or utcnow()
    with transaction():
        if _accept_app_code(user, code, now):
            return SecondFactor()
        if _use_recovery_code(user, code, now):
            return SecondFactor(recovery_codes_left=recovery_codes_left(user))
    raise InvalidInput({"code": [WRONG_CODE]})


def regenerate_recovery_codes(actor, *, code: str, now: datetime | None = None) -> list[str]:
    """Ten new recovery codes (the old ones stop working), proven by a current code."""
    _require_enabled(actor)
    now = now or utcnow()
    with transaction():
        if not _accept_any_code(actor, code, now):
            raise InvalidInput({"code": [WRONG_CODE]})
        return _replace_recovery_codes(actor, now)


def turn_off(actor, *, password: str, code: str, now: datetime | None = None) -> None:
    """Turn two-factor sign-in off, proven by the password and a current code (or a recovery code)."""
    _require_enabled(actor)
    now = now or utcnow()
    with transaction():
        errors = {}
        if not check_password_hash(actor.password_hash, password or ""):
            errors["password"] = ["This is not your password."]
        if not _accept_any_code(actor, code, now):
            errors["code"] = [WRONG_CODE]
        if errors:
            raise InvalidInput(errors)  # rolls back: a right code given with a wrong password is not used up
        _clear(actor)


def turn_off_for(actor, user: User) -> None:
    """A site admin (or the command line) turns someone's two-factor sign-in off, e.g. after a lost phone
    without recovery codes; the person is told by email, in case they did not ask for it."""
    require(actor, "site.admin")
    if not is_enabled(user):
        raise Conflict(f"{user.display_name} has not turned two-factor sign-in on.")
    site = current_app.config["SITE_NAME"]
    paragraphs = [f"Hello {user.display_name},",
                  f"An administrator of {site} turned off two-factor sign-in for your account: your password alone "
                  "now signs you in. You can turn it on again from your profile.",
                  "If you did not ask for this, change your password and write to the site's admins."]
    with transaction():
        _clear(user)
        outbox.queue_email(to_address=user.email, to_name=user.display_name,
                           subject=f"{site}: two-factor sign-in turned off", text="\n\n".join(paragraphs) + "\n",
                           html=str(Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs)))


# --- internals --------------------------------------------------------------------------------

def _require_account(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.id is None:
        raise PermissionDenied("Log in to change your two-factor sign-in.")


def _require_enabled(actor) -> None:
    _require_account(actor)
    if not is_enabled(actor):
        raise Conflict("Two-factor sign-in is not on.")


def _accept_any_code(user: User, code: str, now: datetime) -> bool:
    return _accept_app_code(user, code, now) or _use_recovery_code(user, code, now)


def _accept_app_code(user: User, code: str, now: datetime) -> bool:
    """True when `code` is the app's code for a step around `now` later than the last one accepted
    (which it then becomes, so the same code never works twice)."""
    digits = "".join((code or "").split())
    if user.totp_secret is None or len(digits) != CODE_DIGITS or not digits.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return _claim_step(user, step)
    return False


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as the last accepted one unless it (or a later one) was, even by a request running now."""
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if claimed.rowcount:
        set_committed_value(user, "totp_last_step", step)
    return bool(claimed.rowcount)


def _normalized_recovery_code(code: str) -> str:
    """What a person typed, as stored: spaces and dashes dropped, and letters read for digits (O, I, L) mapped
    as Crockford's base32 does."""
    text = "".join((code or "").lower().replace("-", "").split())
    return text.translate(str.maketrans("oil", "011"))


def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    normalized = _normalized_recovery_code(code)
    if len(normalized) != RECOVERY_CODE_LENGTH:
        return False
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                   RecoveryCode.code_hash == hash_token(normalized))
        .values(used_at=now).execution_options(synchronize_session=False))
    return bool(used.rowcount)


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    """Forget the person's recovery codes and make ten new ones; they are returned once, to be shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code), created_at=now) for code in codes)
    return ["-".join(code[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)) for code in codes]


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
