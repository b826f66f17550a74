"""Invitations by email: a facilitator invites addresses with a role; each gets a single-use link.

An address with an account gets a Membership "invited" (accepted from the profile, the community's page
or the link) and a notice, emailed as its owner chose for invitations (the link itself when the invitation is
sent again); one without gets only the Invitation, whose link creates the account, already verified, and
joins in one step. Every invitation expires (GLOBE_INVITATION_DAYS), can be revoked and sent again (a new
link). Links are built from GLOBE_SITE_URL only, and only the SHA-256 of a link's token is stored."""
from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from markupsafe import Markup
from sqlalchemy import or_, select, update

from ..db import lock_row, transaction
from ..errors import Conflict, GlobeError, InvalidInput, NotFound
from ..extensions import db
from ..models import Community, Membership, User
from ..models.base import utcnow
from ..models.communities import ROLES
from ..models.invitations import Invitation, is_open_clause
from ..permissions import require
from ..urls import community_path, invitation_path, secret_link_address
from . import outbox
from .accounts import find_user_by_email, hash_token, normalize_email, register_user
from .communities import ROLE_WITH_ARTICLE, joined, membership, tell_requester
from .notifications import notify
from .validation import Checker, clean_text, shorten

MAX_ADDRESSES = 200
MAX_TEXT = 100_000  # characters of pasted addresses: far above 200 real ones
MAX_TOKEN = 200  # longer "tokens" are forged: refused before any hashing or lookup
RESULTS = ("invited", "emailed", "already_member", "already_invited", "invalid")
_SEPARATORS = ",;\n\r"
_NAMED = re.compile(r"^(?P<name>.*)<(?P<address>[^<>]*)>$", re.S)


class InvitationLinkUnknown(GlobeError):
    """No invitation was ever sent with this token (mistyped, cut short or forged)."""

    status = 400
    title = "This link does not work"


class InvitationLinkGone(GlobeError):
    """The invitation was real but was used, revoked or declined, or has expired."""

    status = 410
    title = "This invitation no longer works"


@dataclass(frozen=True)
class Result:
    """What happened to one address: `status` is one of RESULTS. Never holds a person's name."""

    email: str
    status: str


@dataclass(frozen=True)
class Entry:
    """One address from a pasted list: `address` normalised ("" when malformed), `name` as typed."""

    text: str
    address: str
    name: str


# --- reading a pasted list -------------------------------------------------------------------

def parse_addresses(text: str) -> list[Entry]:
    """Split commas, semicolons and line breaks (not inside quotes or <...>), read "Name <a@b>" forms,
    validate each address; duplicates (compared case-insensitively) collapse into the first."""
    entries, seen = [], set()
    for piece in _split(text):
        entry = _entry(piece)
        key = entry.address or entry.text
        if key not in seen:
            seen.add(key)
            entries.append(entry)
    return entries


def _split(text: str) -> list[str]:
    pieces, current, quoted, bracketed = [], [], False, False
    for char in text:
        if char == '"' and not bracketed:
            quoted = not quoted
        elif char == "<" and not quoted:
            bracketed = True
        elif char == ">" and not quoted:
            bracketed = False
        if char in _SEPARATORS and not quoted and not bracketed:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [shown for piece in pieces if (shown := clean_text(piece, multiline=False))]


def _entry(piece: str) -> Entry:
    named = _NAMED.match(piece)
    raw, name = (named["address"], named["name"].strip().strip('"').strip()) if named else (piece, "")
    try:
        address = validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        address = ""
    return Entry(text=piece[:254], address=address, name=clean_text(name, multiline=False)[:80])


def _addresses(check: Checker, emails: str | Sequence[str]) -> list[Entry]:
    text = emails if isinstance(emails, str) else "\n".join(str(item) for item in emails)
    if len(text) > MAX_TEXT:
        check.add("emails", f"Paste at most {MAX_ADDRESSES} addresses at once.")
        return []
    entries = parse_addresses(text)
    if not entries:
        check.add("emails", "Give at least one email address.")
    elif len(entries) > MAX_ADDRESSES:
        check.add("emails", f"At most {MAX_ADDRESSES} addresses at once: this list has {len(entries)}. "
                            "Send the rest in another invitation.")
    return entries


# --- inviting --------------------------------------------------------------------------------

def invite(actor, community: Community, *, emails: str | Sequence[str], role: str = "member", message: str = "",
           now: datetime | None = None) -> list[Result]:
    """Invite each address with `role` and `message`; one Result per distinct address, in the order given."""
    require(actor, "communities.manage_members", community)
    check = Checker()
    entries = _addresses(check, emails)
    check.choice("role", role, ROLES)
    message = check.text("message", message, max_length=2000)
    check.done()
    now = now or utcnow()
    with transaction():
        lock_row(Community, community.id)  # two facilitators inviting one address at once: one invitation
        return [Result(entry.address or entry.text,
                       _invite_address(actor, community, entry, role=role, message=message, now=now)
                       if entry.address else "invalid") for entry in entries]


def _invite_address(actor, community: Community, entry: Entry, *, role: str, message: str, now: datetime) -> str:
    user = find_user_by_email(entry.address)
    record = membership(community, user.id) if user else None
    if record is not None and record.is_active:
        return "already_member"
    invitation = _open_invitation(community, entry.address, user)
    if invitation is not None and not invitation.is_expired(now):
        return "already_invited"
    if record is not None and record.status == "pending":  # they asked to join: the invitation lets them in
        record.role, record.status, record.decided_at = role, "active", now
        joined(user, community)
        tell_requester(actor, community, user, f"{actor.display_name} invited you to “{community.name}” as "
                                               f"{ROLE_WITH_ARTICLE[role]}: your request to join is accepted.")
        return "invited"
    invitation = invitation or Invitation(community=community, email=entry.address, created_at=now)
    invitation.user_id = user.id if user else None
    invitation.role, invitation.message, invitation.invited_by_id = role, message, actor.id
    if user is None:
        _send(invitation, inviter=actor, name=entry.name, now=now)
        return "emailed"
    _wait_on_profile(invitation, user, record)
    _send(invitation, inviter=actor, name=user.display_name, now=now, email=False)
    _tell_invitee(actor, invitation, user)
    return "invited"


def _tell_invitee(actor, invitation: Invitation, user: User) -> None:
    """An account's invitation is one of its notices, emailed (or gathered in a digest) as its owner chose for
    invitations, rather than a second email beside it; "Send again" emails the link itself. About no
    community: a members-only one would hide it from someone who is not a member yet."""
    community = invitation.community
    role = ROLE_WITH_ARTICLE[invitation.role]
    said = f" Their message: “{shorten(invitation.message)}”" if invitation.message else ""
    notify(user, "membership.invitation",
           f"{actor.display_name} invites you to join “{community.name}” as {role}.{said}",
           url=community_path(community.slug), actor=actor)


def _wait_on_profile(invitation: Invitation, user: User, record: Membership | None) -> None:
    """The invitation as the account's "invited" membership, accepted or declined from their profile."""
    invitation.user_id = user.id
    record = record or Membership(community=invitation.community, user_id=user.id)
    record.role, record.status, record.message = invitation.role, "invited", invitation.message
    record.invited_by_id, record.decision_message, record.decided_at = invitation.invited_by_id, "", None
    db.session.add(record)


def attach_to_account(user: User, now: datetime) -> None:
    """In the transaction that proves `user` reads mail at their address: the invitations sent to it before
    it had an account wait on their profile too (the emailed links keep working). Only a proven address
    gets them, so registering with someone else's address shows nothing of their invitations."""
    waiting = db.session.scalars(select(Invitation).where(Invitation.email == normalize_email(user.email),
                                                          Invitation.user_id.is_(None), is_open_clause(),
                                                          Invitation.expires_at > now))
    for invitation in waiting:
        record = membership(invitation.community, user.id)
        if record is None or record.status not in ("active", "pending"):
            _wait_on_profile(invitation, user, record)


def _open_invitation(community: Community, address: str, user: User | None) -> Invitation | None:
    who = Invitation.email == address if user is None else or_(Invitation.email == address,
                                                               Invitation.user_id == user.id)
    return db.session.scalar(select(Invitation).where(Invitation.community_id == community.id, who,
                                                      is_open_clause()).order_by(Invitation.id.desc()).limit(1))


def _send(invitation: Invitation, *, inviter, name: str, now: datetime, email: bool = True) -> None:
    """A new token and expiry for the invitation, and (unless `email` is False) its email in the outbox."""
    token = secrets.token_urlsafe(32)
    days = float(current_app.config["INVITATION_DAYS"])
    invitation.token_hash, invitation.last_sent_at = hash_token(token), now
    invitation.expires_at = now + timedelta(days=days)
    db.session.add(invitation)
    if email:
        outbox.queue_email(to_address=invitation.email, to_name=name,
                           **_email(invitation, inviter=inviter.display_name, name=name, token=token))


def invite_first_facilitator(actor, community: Community, email: str) -> None:
    """In create_community's transaction: the facilitator named by `email` is invited (an account also
    gets the notice it always got); a community never exists without a facilitator or a pending invitation."""
    now, address = utcnow(), normalize_email(email)
    user = find_user_by_email(address)
    invitation = Invitation(community=community, email=address, role="facilitator", invited_by_id=actor.id,
                            user_id=user.id if user else None, message="", created_at=now)
    if user is None:
        _send(invitation, inviter=actor, name="", now=now)
        return
    db.session.add(Membership(community=community, user_id=user.id, role="facilitator", status="invited",
                              invited_by_id=actor.id))
    _send(invitation, inviter=actor, name=user.display_name, now=now, email=False)
    notify(user, "membership.invitation",
           f"You are invited to be the facilitator of the new community “{community.name}”.",
           url=community_path(community.slug))


# --- the facilitators' list: pending invitations, resend, revoke -----------------------------

def list_open(actor, community: Community) -> list[Invitation]:
    """Invitations not yet accepted, revoked or declined (expired ones too, to send again), newest first."""
    require(actor, "communities.manage_members", community)
    return list(db.session.scalars(select(Invitation).where(Invitation.community_id == community.id,
                                                            is_open_clause())
                                   .order_by(Invitation.last_sent_at.desc(), Invitation.id.desc())))


def _get_open(actor, community: Community, invitation_id: int) -> Invitation:
    require(actor, "communities.manage_members", community)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.community_id != community.id or not invitation.is_open:
        raise NotFound("There is no open invitation with this number in this community.")
    return invitation


def resend(actor, community: Community, invitation_id: int, *, now: datetime | None = None) -> Invitation:
    """Email the invitation again with a new link (the old one stops working) and a new expiry."""
    invitation = _get_open(actor, community, invitation_id)
    with transaction():
        user = invitation.user
        _send(invitation, inviter=actor, name=user.display_name if user else "", now=now or utcnow())
    return invitation


def revoke(actor, community: Community, invitation_id: int, *, now: datetime | None = None) -> None:
    """Withdraw an invitation: its link stops working and an invited account's invitation goes."""
    invitation = _get_open(actor, community, invitation_id)
    with transaction():
        invitation.revoked_at = now or utcnow()
        _drop_invited_membership(community, invitation.user_id)


def _drop_invited_membership(community: Community, user_id: int | None) -> None:
    record = membership(community, user_id)
    if record is not None and record.status == "invited":
        db.session.delete(record)


# --- the invited person: links, accepting, declining -----------------------------------------

def check_link(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a link's token names while it works; InvitationLinkUnknown (400) or Gone (410) otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise InvitationLinkUnknown("This invitation link is not one Globe sent. Check that you copied all of it.")
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise InvitationLinkUnknown("This invitation link is not one Globe sent. Check that you copied all of it, "
                                    "or ask for the invitation to be sent again (an older link stops working).")
    gone = {"accepted": "This invitation was already accepted: its link works once.",
            "revoked": "This invitation was withdrawn by the community's facilitators.",
            "declined": "This invitation was declined.",
            "expired": "This invitation has expired: ask the community's facilitators to send it again."}
    status = invitation.status(now or utcnow())
    if status in gone:
        raise InvitationLinkGone(gone[status])
    if invitation.community.is_archived:
        raise InvitationLinkGone("This community has been archived since the invitation was sent.")
    return invitation


def address_has_account(invitation: Invitation) -> bool:
    """True when the invited address has an account (the link then asks its owner to log in to accept)."""
    return find_user_by_email(invitation.email) is not None


def accept_link(actor, token: str, *, now: datetime | None = None) -> Membership:
    """The signed-in person accepts the invitation a link names into their own account."""
    if not actor.is_authenticated or actor.id is None:
        raise NotFound("Log in to accept this invitation.")
    now = now or utcnow()
    invitation = check_link(token, now=now)
    with transaction():
        return _admit(actor, invitation, now)


def register_and_accept(token: str, *, display_name: str, password: str, now: datetime | None = None) -> User:
    """Create the invited address's account, verified (the link proves the mailbox), and make it a member
    with the invited role: one transaction, so a refusal leaves neither the account nor the membership."""
    now = now or utcnow()
    invitation = check_link(token, now=now)
    with transaction():
        user = register_user(email=invitation.email, display_name=display_name, password=password, verified=True)
        db.session.flush()
        _admit(user, invitation, now)
    return user


def accept_invitation(actor, community: Community, *, now: datetime | None = None) -> Membership:
    """Accept the invitation waiting for the actor (from their profile or the community's page)."""
    record = membership(community, actor.id)
    if record is None or record.status != "invited":
        raise NotFound("There is no invitation waiting for you here.")
    now = now or utcnow()
    invitation = _open_invitation(community, normalize_email(actor.email), actor)
    if invitation is None or invitation.is_expired(now):
        raise InvalidInput({"_": ["This invitation has expired: ask the community's facilitators to send it again."]})
    with transaction():
        return _admit(actor, invitation, now)


def _admit(user: User, invitation: Invitation, now: datetime) -> Membership:
    """Make `user` an active member with the invitation's role and use the invitation up (once only)."""
    community = invitation.community
    record = membership(community, user.id)
    if record is not None and record.is_active:
        raise Conflict(f"You are already a member of {community.name}.")
    claimed = db.session.execute(update(Invitation).where(Invitation.id == invitation.id, is_open_clause())
                                 .values(accepted_at=now).execution_options(synchronize_session=False))
    if not claimed.rowcount:  # another request used the link a moment ago
        raise InvitationLinkGone("This invitation was already accepted: its link works once.")
    if invitation.user_id not in (None, user.id):  # the invited account's own invitation is used up too
        _drop_invited_membership(community, invitation.user_id)
    _close_open_invitations(community, user, accepted_at=now)
    record = record or Membership(community=community, user_id=user.id)
    record.role, record.status, record.decided_at = invitation.role, "active", now
    record.message, record.invited_by_id, record.decision_message = invitation.message, invitation.invited_by_id, ""
    db.session.add(record)
    joined(user, community)
    return record


def _close_open_invitations(community: Community, user: User, **closed: datetime) -> None:
    """Mark the person's other open invitations to this community accepted or declined."""
    db.session.execute(update(Invitation).where(
        Invitation.community_id == community.id, is_open_clause(),
        or_(Invitation.user_id == user.id, Invitation.email == normalize_email(user.email)))
        .values(**closed).execution_options(synchronize_session=False))


def decline_invitation(actor, community: Community, *, now: datetime | None = None) -> None:
    """Turn down the invitation waiting for the actor: it goes from their profile and its link stops working."""
    record = membership(community, actor.id)
    if record is None or record.status != "invited":
        raise NotFound("There is no invitation waiting for you here.")
    with transaction():
        _close_open_invitations(community, actor, declined_at=now or utcnow())
        db.session.delete(record)


# --- the email ---------------------------------------------------------------------------------

HTML_EMAIL = Markup("""<!doctype html>
<html><body>
<p>Hello{name},</p>
<p>{inviter} invites you to join the community “{community}” on {site} as {role}.</p>
{message}<p><a href="{link}">Accept the invitation</a></p>
<p>{how}</p>
<p>The link works once, until {expires} (UTC). If you do not want to join, ignore this email.</p>
</body></html>
""")


def _email(invitation: Invitation, *, inviter: str, name: str, token: str) -> dict[str, str]:
    site, community = current_app.config["SITE_NAME"], invitation.community.name
    link = secret_link_address() + invitation_path(token)
    role = ROLE_WITH_ARTICLE[invitation.role]
    expires = invitation.expires_at.strftime("%Y-%m-%d %H:%M")
    how = ("Log in to accept it; it is also waiting on your profile." if invitation.user_id else
           f"The link creates your {site} account for {invitation.email} and makes you a member in one step: "
           "you only choose a display name and a password.")
    quoted = "".join(f"> {line}\n" for line in invitation.message.splitlines())
    text_message = f"Their message:\n{quoted}\n" if invitation.message else ""
    html_message = Markup("<blockquote>{}</blockquote>\n").format(invitation.message) if invitation.message else ""
    return {
        "subject": f"{site}: {inviter} invites you to join {community}",
        "text": (f"Hello{' ' + name if name else ''},\n\n{inviter} invites you to join the community “{community}” "
                 f"on {site} as {role}.\n\n{text_message}Accept the invitation: {link}\n\n{how}\n\nThe link works "
                 f"once, until {expires} (UTC). If you do not want to join, ignore this email.\n"),
        "html": str(HTML_EMAIL.format(name=" " + name if name else "", inviter=inviter, community=community,
                                      site=site, role=role, message=html_message, link=link, how=how,
                                      expires=expires)),
    }
