"""Accounts: registration, login checks and login sessions, passwords, profiles, site roles and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import transaction
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..models import ApiToken, User
from ..models.accounts import TOKEN_SCOPES, LoginSession
from ..models.base import utcnow
from ..permissions import require
from .names import SYSTEM_NAME, imitated_name, is_reserved
from .validation import Checker, parse_tags

MIN_PASSWORD = 8
MAX_PASSWORD = 256
TOKEN_PREFIX = "glb_"


class SystemActor:
    """The command line and demo loader: acts with admin rights, owns nothing."""

    id = None
    is_authenticated = True
    is_admin = True
    is_mentor = is_curator = False
    display_name = SYSTEM_NAME
    email_verified = True


SYSTEM = SystemActor()


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:  # a deleted account's row is only an author for its contributions
        raise NotFound("No such user.")
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def find_people(actor, *, text: str = "", limit: int = 200) -> list[User]:
    """Accounts for the admins' people page, by name; `text` matches part of a name or an email."""
    require(actor, "site.admin")
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.display_name).limit(limit)
    if text:
        query = query.where(or_(User.email.contains(text.lower(), autoescape=True),
                                func.lower(User.display_name).contains(text.lower(), autoescape=True)))
    return list(db.session.scalars(query))


def check_email_address(check: Checker, email: str) -> str | None:
    """The address normalised (lower-cased) when it is well-formed; None, with a message on "email", if not."""
    try:
        return validate_email(normalize_email(email), check_deliverability=False).normalized.lower()
    except EmailNotValidError as err:
        check.add("email", f"Enter a valid email address ({err}).")
        return None


def _check_email(check: Checker, email: str) -> str:
    valid = check_email_address(check, email)
    if valid is not None and db.session.scalar(select(func.count()).select_from(User).where(User.email == valid)):
        check.add("email", "An account with this email already exists.")
    return valid or normalize_email(email)


def _check_display_name(check: Checker, display_name: str, *, user_id: int | None = None) -> str:
    name = check.text("display_name", display_name, max_length=80, required=True, label="Display name")
    if name and is_reserved(name):
        check.add("display_name", f"“{name}” is a name Globe itself shows: choose another.")
    elif name and imitated_name(name, user_id=user_id):
        check.add("display_name", "This name looks like the name of a site admin or a community's facilitator: "
                                  "add a surname or an initial so that nobody takes you for them.")
    return name


def _check_password(check: Checker, password: str, *, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD:
        check.add(field, f"Password must be at least {MIN_PASSWORD} characters.")
    elif len(password) > MAX_PASSWORD:
        check.add(field, f"Password must be at most {MAX_PASSWORD} characters.")


def register_user(*, email: str, display_name: str, password: str, verified: bool = False) -> User:
    """Create an account with no special roles; `verified` when the address is already proven (a link
    that was mailed to it, or the demo loader)."""
    check = Checker()
    email = _check_email(check, email)
    name = _check_display_name(check, display_name)
    _check_password(check, password)
    check.done()
    with transaction():
        user = User(email=email, display_name=name, password_hash=hash_password(password),
                    expertise=[], languages=[], email_verified_at=utcnow() if verified else None)
        db.session.add(user)
    return user


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    """A real hash to check against when the email is unknown, so timing does not reveal accounts."""
    cache = current_app.extensions.setdefault("globe.dummy_password_hash", [])
    if not cache:
        cache.append(hash_password("not-a-real-password"))
    return cache[0]


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, else None (same work either way)."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def change_password(actor, *, current_password: str, new_password: str) -> None:
    """Set a new password, proven by the current one; every other browser of the actor is signed out
    (the one asking, if any, stays signed in)."""
    if not actor.is_authenticated or actor.id is None:
        raise PermissionDenied("Log in to change your password.")
    check = Checker()
    if not check_password_hash(actor.password_hash, current_password or ""):
        check.add("current_password", "This is not your current password.")
    _check_password(check, new_password, field="new_password")
    check.done()
    with transaction():
        actor.password_hash = hash_password(new_password)
        _end_sessions(actor, keep=actor.current_session_key)


def set_password(actor, user: User, *, new_password: str) -> None:
    """An admin (or the command line) sets someone's password; all their browsers are signed out."""
    require(actor, "site.admin")
    check = Checker()
    _check_password(check, new_password)
    check.done()
    with transaction():
        user.password_hash = hash_password(new_password)
        _end_sessions(user)


def update_profile(actor, user: User, *, display_name: str, bio: str = "", expertise="",
                   languages="", country: str = "") -> User:
    """Edit one's own profile (admins may edit anyone's)."""
    if actor.id != user.id:
        require(actor, "site.admin")
    check = Checker()
    name = _check_display_name(check, display_name, user_id=user.id)
    bio = check.text("bio", bio, max_length=4000)
    country = check.text("country", country, max_length=80)
    check.done()
    with transaction():
        user.display_name, user.bio, user.country = name, bio, country
        user.expertise = parse_tags(expertise)
        user.languages = parse_tags(languages, max_tags=10)
    return user


def set_site_roles(actor, user: User, *, is_admin: bool, is_mentor: bool, is_curator: bool,
                   expertise=None) -> User:
    """Grant or remove the site-wide admin, mentor and curator roles; a site keeps one admin."""
    require(actor, "accounts.grant_roles")
    if user.is_admin and not is_admin and _admin_count() <= 1:
        raise InvalidInput({"is_admin": ["Globe must keep at least one site admin."]})
    with transaction():
        user.is_admin, user.is_mentor, user.is_curator = is_admin, is_mentor, is_curator
        if expertise is not None:
            user.expertise = parse_tags(expertise)
    return user


def sign_in_refusal(user: User) -> str | None:
    """Why this person, whose password was right, may not sign in now (None: they may)."""
    if user.is_suspended:
        return (f"This account is suspended: {user.suspension_reason} "
                "Write to the site's admins if you think this is a mistake.")
    return None


def set_suspended(actor, user: User, *, suspended: bool, reason: str = "") -> User:
    """Suspend an account (its browsers are signed out and its tokens refused at their next request)
    or reactivate it. The reason is shown to the person when they try to log in."""
    require(actor, "accounts.grant_roles")
    check = Checker()
    reason = check.text("reason", reason, max_length=500, required=suspended, label="Reason")
    if suspended and user.id == actor.id:
        check.add("_", "You cannot suspend your own account.")
    check.done()
    with transaction():
        user.suspended_at = utcnow() if suspended else None
        user.suspension_reason = reason if suspended else ""
        if suspended:
            _end_sessions(user)
    return user


def _admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True)))


# --- login sessions: one row per signed-in browser -------------------------------------------

SESSION_LAST_USE_STEP = timedelta(minutes=5)  # how often a browser's "last used" time is written


def _session_lifetime() -> timedelta:
    """A login session unused for this long ends: as long as "Keep me logged in" lasts."""
    return timedelta(seconds=int(current_app.config["REMEMBER_COOKIE_DURATION"]))


def start_session(user: User, *, user_agent: str = "") -> str:
    """Record a new signed-in browser and return its key, which only the browser's cookies hold.

    Each login gets a new key, so the remember-me cookie differs at every login."""
    key = secrets.token_urlsafe(32)
    with transaction():
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                      LoginSession.last_used_at < utcnow() - _session_lifetime()))
        db.session.add(LoginSession(user_id=user.id, key_hash=hash_token(key), user_agent=user_agent[:200]))
    user.current_session_key = key
    return key


def user_for_session(session_id: str, *, now: datetime | None = None) -> User | None:
    """The user a session or remember-me cookie names ("<user id>:<key>") while that login session is
    open, recording when it was last used; None once it was ended."""
    user_id, _, key = (session_id or "").partition(":")
    if not user_id.isdigit() or not key:
        return None
    record = db.session.scalar(select(LoginSession).options(joinedload(LoginSession.user))
                               .where(LoginSession.key_hash == hash_token(key)))
    now = now or utcnow()
    if record is None or record.user_id != int(user_id) or now - record.last_used_at > _session_lifetime():
        return None
    if record.user.is_suspended:
        return None
    if now - record.last_used_at > SESSION_LAST_USE_STEP:
        with transaction():
            record.last_used_at = now
    record.user.current_session_key = key
    return record.user


def end_session(actor) -> None:
    """Sign the asking browser out on the server: copies of its cookies stop working too."""
    key = getattr(actor, "current_session_key", None)
    if key is None:
        return
    with transaction():
        db.session.execute(delete(LoginSession).where(LoginSession.key_hash == hash_token(key)))
    actor.current_session_key = None


def end_all_sessions(actor) -> int:
    """Sign out everywhere: every browser of the actor, this one included; returns how many."""
    if not actor.is_authenticated or actor.id is None:
        raise PermissionDenied("Log in to sign out.")
    with transaction():
        ended = _end_sessions(actor)
    actor.current_session_key = None
    return ended


def _end_sessions(user: User, *, keep: str | None = None) -> int:
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.key_hash != hash_token(keep))
    return db.session.execute(query).rowcount


def list_sessions(actor) -> list[tuple[LoginSession, bool]]:
    """The actor's signed-in browsers, most recently used first, each with whether it is the one asking."""
    current = hash_token(actor.current_session_key) if actor.current_session_key else None
    records = db.session.scalars(select(LoginSession).where(LoginSession.user_id == actor.id)
                                 .order_by(LoginSession.last_used_at.desc(), LoginSession.id.desc()))
    return [(record, record.key_hash == current) for record in records]


# --- personal access tokens ------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor, *, name: str, expires_in_days: int | None, scope: str = "write",
                 communities: list[str] | tuple[str, ...] = ()) -> tuple[ApiToken, str]:
    """A new token for the actor; the plain token is returned once and never stored. A "read" token
    can only read (every other request with it is refused), a "write" one does all the actor may.
    `communities` (slugs of the actor's communities) limits it to those: see globe/permissions.py."""
    if not actor.is_authenticated or actor.id is None:
        raise PermissionDenied("Log in to create a token.")
    check = Checker()
    name = check.text("name", name, max_length=80, required=True)
    check.choice("scope", scope, TOKEN_SCOPES)
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        check.add("expires_in_days", "Expiry must be between 1 and 3650 days, or none.")
    community_ids = _token_community_ids(actor, check, communities)
    check.done()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    with transaction():
        token = ApiToken(user_id=actor.id, name=name, token_hash=hash_token(plain),
                         prefix=plain[:10], expires_at=expires, scope=scope, communities=community_ids)
        db.session.add(token)
    return token, plain


def _token_community_ids(actor, check: Checker, slugs) -> list[int]:
    """The ids of the actor's active communities named by these slugs (every one must be one of them)."""
    from ..models import Community, Membership
    if isinstance(slugs, str) or not all(isinstance(slug, str) for slug in slugs):
        check.add("communities", "communities must be a list of community addresses (slugs).")
        return []
    wanted = {slug.strip().lower() for slug in slugs if slug.strip()}
    if len(wanted) > 200:
        check.add("communities", "A token can be limited to at most 200 communities.")
        return []
    found = dict(db.session.execute(
        select(Community.slug, Community.id).join(Membership, Membership.community_id == Community.id)
        .where(Community.slug.in_(wanted), Membership.user_id == actor.id, Membership.status == "active")).all())
    if missing := sorted(wanted - found.keys()):
        check.add("communities", f"You can limit a token only to communities you belong to, not: {', '.join(missing)}.")
    return sorted(found.values())


def token_community_names(tokens: list[ApiToken]) -> dict[int, list[str]]:
    """token id -> names of the communities it is limited to (absent: not limited)."""
    from ..models import Community
    ids = {cid for token in tokens for cid in token.communities or ()}
    names = dict(db.session.execute(select(Community.id, Community.name).where(Community.id.in_(ids))).all()) \
        if ids else {}
    return {token.id: sorted(names.get(cid, "a deleted community") for cid in token.communities)
            for token in tokens if token.communities}


def revoke_token(actor, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound("No such token.")
    with transaction():
        db.session.delete(token)


def list_tokens(actor) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.created_at.desc())))


def user_for_token(plain: str, *, now: datetime | None = None) -> User | None:
    """The owner of a valid, unexpired token, recording when it was last used."""
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    now = now or utcnow()
    if token is None or token.is_expired(now) or token.user.is_suspended:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        with transaction():
            token.last_used_at = now
    token.user.current_token_scope = token.scope
    token.user.current_token_communities = frozenset(token.communities) if token.communities else None
    return token.user
