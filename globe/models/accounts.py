"""People: accounts with site-wide roles, their signed-in browsers (login sessions), personal API tokens and
password-reset and email-verification links."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    bio: Mapped[str] = mapped_column(Text, default="")
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str] = mapped_column(String(80), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="")  # an IANA zone; "": the site's (SITE_TIMEZONE)
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_mentor: Mapped[bool] = mapped_column(default=False)
    is_curator: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An admin's suspension: the person cannot sign in or use a token until reactivated.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    suspension_reason: Mapped[str] = mapped_column(String(500), default="")
    # When the person proved they read mail at `email` (None: not yet; see GLOBE_REQUIRE_EMAIL_VERIFICATION).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Follow what one creates, edits, uploads or joins (globe/services/following.py); a preference.
    auto_follow: Mapped[bool] = mapped_column(default=True)
    # When the person deleted their account: the row stays as an anonymised "Former member" so what they
    # contributed keeps an author (see globe/services/account_deletion.py).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Two-factor sign-in (globe/services/two_factor.py): the TOTP secret (base32, set while setting up, used once
    # totp_enabled_at is set) and the time step of the last code accepted, so no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(nullable=True)

    memberships = relationship("Membership", back_populates="user", foreign_keys="Membership.user_id",
                               cascade="all, delete-orphan")
    tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")
    login_sessions = relationship("LoginSession", back_populates="user", cascade="all, delete-orphan",
                                  passive_deletes=True)

    # The login session this object was loaded through (set by globe/auth.py, never stored): the
    # browser that is asking, so "keep this browser signed in" needs no request in the services.
    current_session_key = None
    # The scope of the API token this object was loaded through (set by user_for_token, never stored).
    current_token_scope = None
    # The communities that token is limited to (a frozenset of ids), or None: see globe/permissions.py.
    current_token_communities = None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def site_roles(self) -> list[str]:
        roles = [("admin", self.is_admin), ("mentor", self.is_mentor), ("curator", self.is_curator)]
        return [name for name, held in roles if held]

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the user and the login
        session, so ending that session on the server ends every copy of both cookies."""
        if self.current_session_key is None:
            raise RuntimeError("Start a login session (globe.auth.sign_in) before logging a user in.")
        return f"{self.id}:{self.current_session_key}"

    def __eq__(self, other) -> bool:  # UserMixin compares get_id(), which also names the session
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __hash__(self) -> int:
        return hash(self.id) if self.id is not None else id(self)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginSession(db.Model):
    """One signed-in browser; only the SHA-256 of its random key is stored. Deleting the row signs that
    browser out, whatever cookies were copied from it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="login_sessions")


TOKEN_SCOPES = ("read", "write")  # read: only GET requests; write: everything the person may do


class ApiToken(db.Model):
    """A personal access token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # first characters, to recognise a token in lists
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(String(10), default="write")  # one of TOKEN_SCOPES
    # Ids of the communities the token is limited to; empty: every community its owner belongs to.
    communities: Mapped[list[int]] = mapped_column(JSON, default=list)

    user = relationship("User", back_populates="tokens")

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class PasswordReset(db.Model):
    """A "forgot your password?" link sent by email: single-use, expiring; only its SHA-256 is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")


EMAIL_LINK_PURPOSES = ("confirm", "change")  # confirm: the account's own address; change: a new one to replace it


class EmailVerification(db.Model):
    """A link mailed to an address to prove the person reads mail there: single-use, expiring; only its
    SHA-256 is stored. `email` is the address the link proves (for a change, the new one)."""

    __tablename__ = "email_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(10))  # one of EMAIL_LINK_PURPOSES
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")
