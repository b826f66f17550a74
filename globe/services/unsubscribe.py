"""One-click unsubscribe (RFC 8058): every notice email and digest carries a signed link that stops that
kind of email (or that digest) for its recipient, from the mail program's button or from the link itself.

The link is signed with the site's secret key (itsdangerous, a salt of its own), so it needs no table and
no sign-in: it names the person and what to stop, and only this site can have made it. It works for
LINK_DAYS after the email was sent: long enough for any email someone still reads, short enough that an
old forwarded email cannot change the settings for ever. It only ever turns emails off (never on), and
the settings page turns them on again."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from ..errors import GlobeError
from ..extensions import db
from ..models import User
from ..models.notifications import DIGEST_PERIODS
from ..urls import secret_link_address, unsubscribe_path
from . import notifications

SALT = "globe.unsubscribe"
LINK_DAYS = 365
DIGEST = "digest:"  # what = "digest:daily" or "digest:weekly": the kinds that digest gathers


class UnsubscribeLinkRefused(GlobeError):
    """Forged, cut short, expired, or for an account that is gone: nothing is changed."""

    status = 400
    title = "This unsubscribe link does not work"


@dataclass(frozen=True)
class Unsubscription:
    """What a link stops: for `user`, the emails of `kinds` (described by `label`)."""

    user: User
    what: str
    label: str
    kinds: tuple[str, ...]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_for(user, what: str) -> str:
    """The unsubscribe address for one kind of notice, or for a digest (`digest_of(period)`).

    Built from GLOBE_SITE_URL only, since it carries a secret; without it, a bare path."""
    return secret_link_address() + unsubscribe_path(_serializer().dumps([user.id, what]))


def digest_of(period: str) -> str:
    return DIGEST + period


def read_link(token: str) -> Unsubscription:
    """What a link would stop; UnsubscribeLinkRefused when it is not one of ours or is too old."""
    try:
        user_id, what = _serializer().loads(token, max_age=LINK_DAYS * 24 * 3600)
    except (BadData, TypeError, ValueError) as err:
        raise UnsubscribeLinkRefused("The link is not complete, has been changed, or is more than "
                                     f"{LINK_DAYS} days old. Change what reaches you by email on your "
                                     "notifications page instead.") from err
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.is_deleted or not isinstance(what, str) or not _is_known(what):
        raise UnsubscribeLinkRefused("This link belongs to an account or a kind of email that no longer exists.")
    return _describe(user, what)


def _is_known(what: str) -> bool:
    return what in notifications.KINDS or (what.startswith(DIGEST) and what[len(DIGEST):] in DIGEST_PERIODS)


def _describe(user: User, what: str) -> Unsubscription:
    if what in notifications.KINDS:
        return Unsubscription(user, what, notifications.KINDS[what].label, (what,))
    period = what[len(DIGEST):]
    gathered = tuple(kind for kind, channel in notifications.settings_of(user).items() if channel == period)
    return Unsubscription(user, what, f"the {period} digest", gathered)


def unsubscribe(token: str) -> Unsubscription:
    """Stop what the link names: its kinds are set to "never" (emails only; the notices stay in the app).

    Following a link twice, or a digest link once its kinds are already off, changes nothing more."""
    found = read_link(token)
    if found.kinds:
        notifications.change_settings(found.user, dict.fromkeys(found.kinds, "never"))
    return found
