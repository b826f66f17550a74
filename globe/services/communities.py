"""Communities of practice: creating them, finding the visible ones, and managing membership."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from ..db import lock_row, transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import Community, Membership, User
from ..models.base import utcnow
from ..models.communities import POLICIES, ROLES, VISIBILITIES
from ..models.invitations import invitation_is_current
from ..models.resources import LICENSES
from ..permissions import by_rank, can, require, role_at_least, visible_scope
from ..urls import community_members_path, community_path
from .following import follow_automatically
from .notifications import notify
from .oai import tombstones as oai_tombstones
from .search import queue_community_content
from .validation import SLUG_RE, Checker, shorten

ROLE_WITH_ARTICLE = {"member": "a member", "editor": "an editor", "organiser": "an organiser",
                     "facilitator": "a facilitator"}

# --- reading ---------------------------------------------------------------------------------

def get_community(slug: str) -> Community:
    """The CoP with this slug (visible or not: its name and domain are never secret)."""
    community = db.session.scalar(select(Community).where(Community.slug == (slug or "").lower()))
    if community is None:
        raise NotFound("No community with that address.")
    return community


def get_readable(actor, slug: str) -> Community:
    """The CoP if the actor may read its content; PermissionDenied for a members-only CoP."""
    community = get_community(slug)
    require(actor, "communities.view_content", community)
    return community


def list_directory(actor, *, include_archived: bool = False) -> list[tuple[Community, int, str | None]]:
    """Every CoP with its active member count and the actor's role; archived ones for admins only."""
    counts = (select(Membership.community_id, func.count().label("n"))
              .where(Membership.status == "active").group_by(Membership.community_id).subquery())
    query = (select(Community, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.community_id == Community.id).order_by(Community.name))
    if not (include_archived and can(actor, "site.admin")):
        query = query.where(Community.is_archived.is_(False))
    roles = my_memberships(actor)
    return [(c, n, roles.get(c.id)) for c, n in db.session.execute(query)]


def my_memberships(actor) -> dict[int, str]:
    """community_id -> role, or the pending/invited status, for the actor."""
    if not actor.is_authenticated or actor.id is None:
        return {}
    rows = db.session.execute(select(Membership.community_id, Membership.role, Membership.status)
                              .where(Membership.user_id == actor.id, invitation_is_current(utcnow())))
    return {cid: role if status == "active" else status for cid, role, status in rows}


def membership(community: Community, user_id: int | None) -> Membership | None:
    if user_id is None:
        return None
    return db.session.scalar(select(Membership).where(
        Membership.community_id == community.id, Membership.user_id == user_id))


def has_current_invitation(record: Membership) -> bool:
    return bool(db.session.scalar(select(exists().where(Membership.id == record.id,
                                                        invitation_is_current(utcnow())))))


def list_members(actor, community: Community, *, status: str = "active") -> list[Membership]:
    """Members (or pending requests / open invitations, for those who manage the CoP)."""
    require(actor, "communities.view_members", community)
    if status != "active":
        require(actor, "communities.manage_members", community)
    rows = db.session.scalars(select(Membership).join(User, Membership.user_id == User.id)
                              .where(Membership.community_id == community.id, Membership.status == status)
                              .order_by(User.display_name).options(contains_eager(Membership.user)))
    return sorted(rows, key=lambda m: by_rank(m.role))


def names_of(slugs) -> dict[str, str]:
    """slug -> name for these CoPs (names are never secret)."""
    slugs = list(slugs)
    if not slugs:
        return {}
    return dict(db.session.execute(select(Community.slug, Community.name).where(Community.slug.in_(slugs))).all())


def slugs_of(community_ids) -> list[str]:
    """The slugs of these CoPs (by id), for showing what a token is limited to."""
    ids = list(community_ids)
    return list(db.session.scalars(select(Community.slug).where(Community.id.in_(ids)))) if ids else []


def count_members(community: Community) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.community_id == community.id, Membership.status == "active"))


def communities_of(user: User) -> list[Membership]:
    """A person's memberships of every status (invitations while they have not expired), newest first."""
    return list(db.session.scalars(select(Membership).where(Membership.user_id == user.id,
                                                            invitation_is_current(utcnow()))
                                   .order_by(Membership.created_at.desc()).options(selectinload(Membership.community))))


def memberships_seen_by(actor, person: User) -> list[Membership]:
    """A person's active memberships, in the communities whose content the actor may read."""
    return [m for m in communities_of(person)
            if m.is_active and can(actor, "communities.view_content", m.community)]


def share_a_community(person: User, other: User) -> bool:
    """True when both are active members of at least one community."""
    mine = select(Membership.community_id).where(Membership.user_id == person.id, Membership.status == "active")
    return bool(db.session.scalar(select(exists().where(
        Membership.user_id == other.id, Membership.status == "active", Membership.community_id.in_(mine)))))


# --- creating and editing CoPs ---------------------------------------------------------------

def _check_settings(check: Checker, data: dict) -> dict:
    return {
        "name": check.text("name", data.get("name"), max_length=120, required=True),
        "domain": check.text("domain", data.get("domain"), max_length=300, required=True),
        "description": check.text("description", data.get("description"), max_length=20000),
        "policy": check.choice("policy", data.get("policy", "open"), POLICIES),
        "visibility": check.choice("visibility", data.get("visibility", "public"), VISIBILITIES),
        "default_license": check.choice("default_license", data.get("default_license", "cc-by"), LICENSES,
                                        label="Default licence"),
        "members_can_edit_wiki": bool(data.get("members_can_edit_wiki", False)),
    }


def create_community(actor, *, slug: str, first_facilitator_email: str = "", **data) -> Community:
    """A new CoP (site admins only) with its first facilitator: the admin who creates it, or the address
    `first_facilitator_email`, invited as facilitator (by email; an account also on its profile). Only the
    system actor (demo, command line) creates one with nobody, and appoints them itself."""
    require(actor, "communities.create")
    check = Checker()
    invited_email = _first_facilitator_email(actor, check, first_facilitator_email)
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        check.add("slug", "Use 1-60 lowercase letters, digits and hyphens, not starting or ending with a hyphen.")
    elif db.session.scalar(select(Community.id).where(Community.slug == slug)):
        check.add("slug", "Another community already uses this address.")
    settings = _check_settings(check, data)
    check.done()
    from .invitations import invite_first_facilitator
    with transaction():
        community = Community(slug=slug, **settings)
        db.session.add(community)
        if invited_email:
            invite_first_facilitator(actor, community, invited_email)
        elif getattr(actor, "id", None) is not None:
            db.session.add(Membership(community=community, user_id=actor.id, role="facilitator", status="active"))
    return community


def _first_facilitator_email(actor, check: Checker, email: str) -> str:
    """The address to invite as first facilitator, "" when the creator is the facilitator themselves."""
    from .accounts import normalize_email
    address = normalize_email(email)
    if not address or address == normalize_email(getattr(actor, "email", "") or ""):
        return ""
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        check.add("first_facilitator_email", "Enter a valid email address, or leave the field empty to be the "
                                             "first facilitator yourself.")
        return ""


def update_community(actor, community: Community, **data) -> Community:
    """Change a CoP's settings; the slug (its address) stays fixed."""
    require(actor, "communities.edit", community)
    check = Checker()
    settings = _check_settings(check, data)
    check.done()
    with transaction():
        visibility_changed = settings["visibility"] != community.visibility
        for key, value in settings.items():
            setattr(community, key, value)
        if visibility_changed:
            queue_community_content(community)  # who may see its content is part of the index
            oai_tombstones.community_visibility_changed(community)
    return community


def set_archived(actor, community: Community, archived: bool) -> Community:
    """Archive (read-only, out of the directory) or bring back a CoP."""
    require(actor, "communities.archive", community)
    with transaction():
        community.is_archived = archived
    return community


# --- joining and leaving ---------------------------------------------------------------------

def join(actor, community: Community, *, message: str = "") -> Membership:
    """Open CoP: member at once. Request CoP: a pending request. Invite-only: refused."""
    existing = membership(community, actor.id) if actor.is_authenticated else None
    if existing and existing.status in ("active", "pending"):
        raise Conflict("You are already a member." if existing.is_active else "Your request is already waiting.")
    if existing and existing.status == "invited" and has_current_invitation(existing):
        from .invitations import accept_invitation
        return accept_invitation(actor, community)
    if community.policy == "invite" and actor.is_authenticated:
        raise InvalidInput({"_": ["This community is by invitation only; a facilitator can invite you."]})
    require(actor, "communities.join", community)
    check = Checker()
    message = check.text("message", message, max_length=2000)
    check.done()
    status = "active" if community.policy == "open" else "pending"
    with transaction():
        record = existing or Membership(community=community, user_id=actor.id)
        record.role, record.status, record.message = "member", status, message
        record.decision_message, record.decided_at = "", None
        db.session.add(record)
        if status == "active":
            joined(actor, community)
        else:
            tell_facilitators_of_request(actor, community, message)
    return record


def joined(user: User, community: Community) -> None:
    """In the transaction that makes `user` an active member: they follow the community (new things only),
    unless they turned automatic following off."""
    follow_automatically(user, community, "new")


def facilitators(community: Community) -> list[User]:
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.community_id == community.id, Membership.status == "active",
        Membership.role == "facilitator").order_by(User.id)))


def tell_facilitators_of_request(actor, community: Community, message: str) -> None:
    said = f" Their message: “{shorten(message)}”" if message else ""
    notify(facilitators(community), "membership.request",
           f"{actor.display_name} asks to join “{community.name}”.{said}",
           url=community_members_path(community.slug), actor=actor, community=community)


def leave(actor, community: Community) -> None:
    """Leave a CoP, withdraw a request, or turn down an invitation."""
    record = membership(community, actor.id)
    if record is None or record.status == "declined":
        raise NotFound("You are not a member of this community.")
    if record.status == "invited":
        from .invitations import decline_invitation
        decline_invitation(actor, community)
        return
    with transaction():
        _ensure_other_facilitator(community, record)
        db.session.delete(record)


# --- facilitators' tools ---------------------------------------------------------------------

def decide_request(actor, community: Community, user_id: int, *, approve: bool, message: str = "") -> Membership:
    """Approve or decline a pending request, optionally with a message to the person."""
    require(actor, "communities.manage_members", community)
    record = membership(community, user_id)
    if record is None or record.status != "pending":
        raise Conflict("There is no pending request from this person.")
    check = Checker()
    message = check.text("message", message, max_length=2000)
    check.done()
    with transaction():
        record.status = "active" if approve else "declined"
        record.decision_message, record.decided_at = message, utcnow()
        if approve:
            joined(record.user, community)
        answer = "accepted" if approve else "declined"
        said = f" Their message: “{shorten(message)}”" if message else ""
        tell_requester(actor, community, record.user,
                       f"{actor.display_name} {answer} your request to join “{community.name}”.{said}")
    return record


def tell_requester(actor, community: Community, person: User, message: str) -> None:
    """The answer to someone's request to join. Someone declined by a members-only community cannot open
    it, so their notice is about no community (which would hide it from them)."""
    about = community if can(person, "communities.view_content", community) else None
    notify(person, "membership.answer", message, url=community_path(community.slug), actor=actor, community=about)


def add_member(actor, community: Community, user: User, *, role: str = "member") -> Membership:
    """A site admin (or the demo loader and command line) puts someone in a CoP directly, with a role."""
    require(actor, "site.admin")
    check = Checker()
    check.choice("role", role, ROLES)
    check.done()
    with transaction():
        record = membership(community, user.id) or Membership(community=community, user_id=user.id)
        record.role, record.status, record.decided_at = role, "active", utcnow()
        db.session.add(record)
    return record


def set_role(actor, community: Community, user_id: int, role: str) -> Membership:
    """Change an active member's role; the last facilitator cannot step down."""
    require(actor, "communities.manage_members", community)
    check = Checker()
    check.choice("role", role, ROLES)
    check.done()
    record = _active_member(community, user_id)
    with transaction():
        if not role_at_least(role, "facilitator"):
            _ensure_other_facilitator(community, record)
        if record.role != role:
            notify(record.user, "membership.role",
                   f"{actor.display_name} made you {ROLE_WITH_ARTICLE[role]} of “{community.name}”.",
                   url=community_path(community.slug), actor=actor, community=community)
        record.role = role
    return record


def approve_or_set(actor, community: Community, user_id: int, *, role: str | None, status: str | None) -> Membership:
    """The API's PUT on a member: approve a request and/or set a role."""
    if status not in (None, "active"):
        raise InvalidInput({"status": ["Only 'active' (approve a request) can be set."]})
    record = membership(community, user_id)
    if status == "active" and record is not None and record.status == "pending":
        record = decide_request(actor, community, user_id, approve=True)
    if role is not None:
        record = set_role(actor, community, user_id, role)
    if record is None or (role is None and status is None):
        raise InvalidInput({"_": ["Give a role, or status 'active' to approve a request."]})
    return record


def remove_member(actor, community: Community, user_id: int) -> None:
    require(actor, "communities.manage_members", community)
    record = membership(community, user_id)
    if record is None or record.status == "declined":
        raise NotFound("This person is not a member.")
    with transaction():
        _ensure_other_facilitator(community, record)
        person, was_member = record.user, record.is_active
        db.session.delete(record)
        if was_member:  # about no community: they can no longer open a members-only one
            notify(person, "membership.role", f"{actor.display_name} removed you from “{community.name}”.",
                   url=community_path(community.slug), actor=actor)


def _active_member(community: Community, user_id: int) -> Membership:
    record = membership(community, user_id)
    if record is None or not record.is_active:
        raise NotFound("This person is not an active member.")
    return record


def _ensure_other_facilitator(community: Community, record: Membership) -> None:
    """Refuse to take away the community's last facilitator.

    Runs inside the change's transaction, after locking the community row, so two facilitators
    demoting each other at the same moment are decided one after the other, never both."""
    lock_row(Community, community.id)
    db.session.refresh(record)
    if not (record.is_active and role_at_least(record.role, "facilitator")):
        return
    others = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.community_id == community.id, Membership.status == "active",
        Membership.role == "facilitator", Membership.id != record.id))
    if not others:
        raise Conflict("A community must keep at least one facilitator: appoint another one first.")


def visible_communities(actor) -> list[Community]:
    """CoPs whose content the actor may read, by name."""
    return list(db.session.scalars(select(Community).where(visible_scope(actor).community_filter())
                                   .where(Community.is_archived.is_(False)).order_by(Community.name)))
