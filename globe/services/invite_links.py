"""Invite links: a facilitator shares one address (in a chat, a slide, an email of their own) that lets anyone
signed in join the community at once, or file a join request, whatever its membership policy says.

A link expires, may be limited to a number of uses, and can be revoked. Only the SHA-256 of its token is
stored and the link is shown once, when it is made, like API tokens and password-reset links: a leaked
database or backup must not hand out membership of members-only communities, and a facilitator who lost
a link makes a new one in a click (and revokes the old one if it went too far)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..db import transaction
from ..errors import GlobeError, NotFound, Unauthorized
from ..extensions import db
from ..models import Community, InviteLink, Membership
from ..models.base import utcnow
from ..models.invite_links import LINK_MODES
from ..permissions import require
from . import invitations
from .accounts import hash_token
from .communities import has_current_invitation, joined, membership, tell_facilitators_of_request
from .validation import Checker

EXPIRY_DAYS = (1, 7, 30, 365)  # what the form offers; a link never lives longer than a year
MAX_USES = 10_000
MAX_TOKEN = 200  # longer "tokens" are forged: refused before any hashing or lookup


class InviteLinkUnknown(GlobeError):
    """No invite link was ever made with this token (mistyped, cut short or forged)."""

    status = 400
    title = "This invite link does not work"


class InviteLinkGone(GlobeError):
    """The link was real but was revoked, has expired, is used up, or its community is archived."""

    status = 410
    title = "This invite link no longer works"


@dataclass(frozen=True)
class LinkOutcome:
    """What opening a link did: `joined`, `requested`, `already_member` or `already_requested`."""

    status: str
    membership: Membership


def create_link(actor, community: Community, *, expires_in_days: int, max_uses: int | None = None,
                mode: str = "join", now: datetime | None = None) -> tuple[InviteLink, str]:
    """A new link for the community; the token is returned once and only its hash is kept."""
    require(actor, "communities.manage_members", community)
    check = Checker()
    check.choice("mode", mode, LINK_MODES)
    if not isinstance(expires_in_days, int) or isinstance(expires_in_days, bool) \
            or not 1 <= expires_in_days <= max(EXPIRY_DAYS):
        check.add("expires_in_days", f"Choose an expiry between 1 and {max(EXPIRY_DAYS)} days.")
    if max_uses is not None and (not isinstance(max_uses, int) or isinstance(max_uses, bool)
                                 or not 1 <= max_uses <= MAX_USES):
        check.add("max_uses", f"The number of uses must be between 1 and {MAX_USES}, or empty for no limit.")
    check.done()
    now = now or utcnow()
    token = secrets.token_urlsafe(24)
    with transaction():
        link = InviteLink(community_id=community.id, created_by_id=actor.id, token_hash=hash_token(token),
                          prefix=token[:6], mode=mode, max_uses=max_uses, uses=0, created_at=now,
                          expires_at=now + timedelta(days=expires_in_days))
        db.session.add(link)
    return link, token


def list_active_links(actor, community: Community, *, now: datetime | None = None) -> list[InviteLink]:
    """The community's links that still work, newest first (facilitators only)."""
    require(actor, "communities.manage_members", community)
    now = now or utcnow()
    return list(db.session.scalars(
        select(InviteLink).where(InviteLink.community_id == community.id, InviteLink.revoked_at.is_(None),
                                 InviteLink.expires_at > now,
                                 or_(InviteLink.max_uses.is_(None), InviteLink.uses < InviteLink.max_uses))
        .order_by(InviteLink.created_at.desc(), InviteLink.id.desc())))


def revoke_link(actor, community: Community, link_id: int, *, now: datetime | None = None) -> InviteLink:
    """Stop a link from working; nobody who already joined through it is removed."""
    require(actor, "communities.manage_members", community)
    link = db.session.get(InviteLink, link_id)
    if link is None or link.community_id != community.id:
        raise NotFound("This community has no such invite link.")
    with transaction():
        link.revoked_at = link.revoked_at or now or utcnow()
    return link


def open_link(token: str, *, now: datetime | None = None) -> InviteLink:
    """The link a token names while it still works; InviteLinkUnknown or InviteLinkGone otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise InviteLinkUnknown("This invite link is not one Globe made: check that it was copied whole.")
    link = db.session.scalar(select(InviteLink).where(InviteLink.token_hash == hash_token(token)))
    if link is None:
        raise InviteLinkUnknown("This invite link is not one Globe made: check that it was copied whole.")
    ask = f"Ask a facilitator of {link.community.name} for a new one."
    if link.revoked_at is not None:
        raise InviteLinkGone(f"This invite link was revoked. {ask}")
    if link.expires_at <= (now or utcnow()):
        raise InviteLinkGone(f"This invite link has expired. {ask}")
    if link.max_uses is not None and link.uses >= link.max_uses:
        raise InviteLinkGone(f"This invite link has been used as many times as it allowed. {ask}")
    if link.community.is_archived:
        raise InviteLinkGone(f"{link.community.name} is archived: nobody can join it any more.")
    return link


def join_through_link(actor, token: str, *, now: datetime | None = None) -> LinkOutcome:
    """Join the link's community (or file a request, if the link says so), using up one of its uses.

    Someone already in (or already asking, for a request link) uses nothing, and an open invitation is
    simply accepted with its role. The use is counted by one conditional UPDATE, so the last use goes to
    one person only."""
    now = now or utcnow()
    link = open_link(token, now=now)
    if not actor.is_authenticated:
        raise Unauthorized("Log in or create an account to use this invite link.")
    community = link.community
    require(actor, "communities.join_by_link", community)
    existing = membership(community, actor.id)
    if existing is not None and existing.is_active:
        return LinkOutcome("already_member", existing)
    if existing is not None and existing.status == "pending" and link.mode == "request":
        return LinkOutcome("already_requested", existing)
    if existing is not None and existing.status == "invited" and has_current_invitation(existing):
        return LinkOutcome("joined", invitations.accept_invitation(actor, community, now=now))  # no use taken
    try:
        return _use_link(actor, link, existing, now)
    except IntegrityError:  # the same person, through two requests at once: the other one won
        db.session.rollback()
        return LinkOutcome("already_member", membership(community, actor.id))


def _use_link(actor, link: InviteLink, existing: Membership | None, now: datetime) -> LinkOutcome:
    joins = link.mode == "join"
    with transaction():
        if not _count_use(link, now):
            raise InviteLinkGone(f"This invite link was used up a moment ago. Ask a facilitator of "
                                 f"{link.community.name} for a new one.")
        record = existing or Membership(community_id=link.community_id, user_id=actor.id, role="member")
        record.role, record.message, record.decision_message = "member", "", ""
        record.status = "active" if joins else "pending"
        record.decided_at = now if joins else None
        db.session.add(record)
        if joins:
            joined(actor, link.community)
        else:
            tell_facilitators_of_request(actor, link.community, "")
    return LinkOutcome("joined" if joins else "requested", record)


def _count_use(link: InviteLink, now: datetime) -> bool:
    """Add one use if the link still works (False when another request took the last one)."""
    counted = db.session.execute(
        update(InviteLink)
        .where(InviteLink.id == link.id, InviteLink.revoked_at.is_(None), InviteLink.expires_at > now,
               or_(InviteLink.max_uses.is_(None), InviteLink.uses < InviteLink.max_uses))
        .values(uses=InviteLink.uses + 1).execution_options(synchronize_session=False))
    return bool(counted.rowcount)
