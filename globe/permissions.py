"""Who may do what: the one table of rules, used by services, views, templates, search and the API.

Roles are compared here and nowhere else. `can()` answers, `require()` raises, and
`visible_scope()` turns the same rules into filters for SQL and search queries."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_login import AnonymousUserMixin
from sqlalchemy import Boolean, bindparam, or_, select, true

from .errors import PermissionDenied, Unauthorized
from .extensions import db
from .models import Community, Membership

COMMUNITY_ROLE_RANK = {"member": 1, "editor": 2, "facilitator": 3}


class Anonymous(AnonymousUserMixin):
    """A visitor who is not logged in: holds no role anywhere."""

    id = None
    is_admin = is_mentor = is_curator = False
    display_name = "Anonymous"


Rule = Callable[[object, object], bool]


def community_of(target) -> Community | None:
    """The CoP a target belongs to (the CoP itself, or a thing inside one)."""
    if isinstance(target, Community):
        return target
    return getattr(target, "community", None)


def community_role(actor, community: Community | None) -> str | None:
    """The actor's active role in the CoP, or None."""
    if community is None or not actor.is_authenticated:
        return None
    return db.session.scalar(
        select(Membership.role).where(
            Membership.community_id == community.id,
            Membership.user_id == actor.id,
            Membership.status == "active",
        )
    )


# --- building blocks -------------------------------------------------------------------------

def logged_in(actor, target) -> bool:
    return bool(actor.is_authenticated)


def site_admin(actor, target) -> bool:
    return bool(actor.is_authenticated and actor.is_admin)


def curator(actor, target) -> bool:
    return bool(actor.is_authenticated and (actor.is_admin or actor.is_curator))


def at_least(role: str) -> Rule:
    def rule(actor, target) -> bool:
        held = community_role(actor, community_of(target))
        return held is not None and COMMUNITY_ROLE_RANK[held] >= COMMUNITY_ROLE_RANK[role]
    rule.__name__ = f"at_least_{role}"
    return rule


def public_community(actor, target) -> bool:
    community = community_of(target)
    return community is not None and community.is_public


def not_archived(actor, target) -> bool:
    community = community_of(target)
    return community is not None and not community.is_archived


def wiki_open_to_members(actor, target) -> bool:
    community = community_of(target)
    return bool(community and community.members_can_edit_wiki) and at_least("member")(actor, target)


def in_knowledge_base(actor, target) -> bool:
    """Accepted knowledge-base pages are readable by everyone, whatever their CoP's visibility."""
    return bool(getattr(target, "in_knowledge_base", False)) and not getattr(target, "is_deleted", False)


def may_join(actor, target) -> bool:
    """A logged-in non-member may join or ask to join unless the CoP is invite-only."""
    return (logged_in(actor, target) and community_role(actor, target) is None
            and target.policy != "invite")


def is_mentor(actor, target) -> bool:
    return bool(actor.is_authenticated and actor.is_mentor)


def on_team(actor, proposal) -> bool:
    """An active member of the proposal's team."""
    return bool(actor.is_authenticated and proposal is not None and any(
        member.user_id == actor.id and member.status == "active" for member in proposal.team))


def invited_to_team(actor, proposal) -> bool:
    """Invited to the team: may read the proposal to decide whether to join."""
    return bool(actor.is_authenticated and proposal is not None and any(
        member.user_id == actor.id and member.status == "invited" for member in proposal.team))


def asked_mentor(actor, assignment) -> bool:
    """The mentor an assignment was offered to."""
    return bool(actor.is_authenticated and assignment is not None and assignment.mentor_id == actor.id)


def assigned_mentor(actor, proposal) -> bool:
    """A mentor asked (or agreed) to mentor this proposal."""
    return bool(actor.is_authenticated and proposal is not None and any(
        a.mentor_id == actor.id and a.status in ("invited", "accepted") for a in proposal.assignments))


def own_mentor_profile(actor, mentor) -> bool:
    """A mentor acting on their own mentor profile (the target is the mentor, a User)."""
    return bool(actor.is_authenticated and actor.is_mentor and mentor is not None
                and getattr(mentor, "id", None) == actor.id)


def showcased(actor, proposal) -> bool:
    return bool(proposal is not None and proposal.is_public)


def any_of(*rules: Rule) -> Rule:
    return lambda actor, target: any(rule(actor, target) for rule in rules)


def all_of(*rules: Rule) -> Rule:
    return lambda actor, target: all(rule(actor, target) for rule in rules)


view_content = any_of(site_admin, public_community, at_least("member"))
manage_community = all_of(not_archived, any_of(site_admin, at_least("facilitator")))

# --- the table -------------------------------------------------------------------------------

RULES: dict[str, Rule] = {
    "site.admin": site_admin,
    "accounts.grant_roles": site_admin,
    "communities.create": site_admin,
    "communities.edit": site_admin,
    "communities.archive": site_admin,
    "communities.view_content": view_content,
    "communities.view_members": view_content,
    "communities.join": all_of(not_archived, may_join),
    "communities.manage_members": manage_community,
    "wiki.read": view_content,
    "wiki.read_page": any_of(view_content, in_knowledge_base),
    "wiki.edit": all_of(not_archived, any_of(site_admin, at_least("editor"), wiki_open_to_members)),
    "wiki.delete": all_of(not_archived, any_of(site_admin, at_least("editor"))),
    "wiki.restore": any_of(site_admin, at_least("facilitator")),
    "wiki.propose_public": any_of(site_admin, all_of(public_community, at_least("editor")),
                                  at_least("facilitator")),
    "knowledge_base.curate": curator,
    "resources.view": view_content,
    "resources.add": all_of(not_archived, any_of(site_admin, at_least("member"))),
    "resources.moderate": any_of(site_admin, at_least("facilitator")),
    "resources.restore": any_of(site_admin, at_least("facilitator")),
    "incubator.propose": logged_in,
    "incubator.manage": site_admin,
    "proposals.view": any_of(site_admin, on_team, invited_to_team, assigned_mentor, showcased),
    "proposals.read_private": any_of(site_admin, on_team, invited_to_team, assigned_mentor),
    "proposals.act_as_team": any_of(site_admin, on_team),
    "proposals.discuss": any_of(site_admin, on_team, assigned_mentor),
    "reviews.read_private_notes": site_admin,
    "assignments.answer": asked_mentor,
    "mentors.edit_profile": own_mentor_profile,
}


def can(actor, action: str, target=None) -> bool:
    """True when the actor may perform the action on the target (a CoP or a thing in one)."""
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"unknown permission action {action!r}") from None
    return rule(actor, target)


def require(actor, action: str, target=None) -> None:
    """Raise Unauthorized (not logged in) or PermissionDenied unless can() allows the action."""
    if can(actor, action, target):
        return
    if not actor.is_authenticated:
        raise Unauthorized("Please log in to do that.")
    raise PermissionDenied("You are not allowed to do that.")


@dataclass(frozen=True)
class Scope:
    """What one viewer may see, as data that SQL and search filters are built from."""

    user_id: int | None
    is_admin: bool
    member_community_ids: frozenset[int]

    def principals(self) -> tuple[str, ...]:
        """Search access principals: a document is visible when it shares one of these."""
        found = ["public"]
        if self.user_id is not None:
            found.append(f"user:{self.user_id}")
        found += [f"cop:{cid}" for cid in sorted(self.member_community_ids)]
        if self.is_admin:
            found.append("role:admin")
        return tuple(found)

    def community_filter(self):
        """A WHERE clause on Community selecting the CoPs whose content this viewer may read."""
        if self.is_admin:
            return true()
        clauses = [Community.visibility == "public"]
        if self.member_community_ids:
            clauses.append(Community.id.in_(self.member_community_ids))
        return or_(*clauses)

    def params(self) -> dict:
        """Values for VISIBLE_COMMUNITY, the same filter written once with bound parameters."""
        return {"scope_ids": sorted(self.member_community_ids), "scope_admin": self.is_admin}


# The community filter as a fixed clause, for hot statements built once at import (values from params()).
VISIBLE_COMMUNITY = or_(Community.visibility == "public",
                        Community.id.in_(bindparam("scope_ids", expanding=True)),
                        bindparam("scope_admin", type_=Boolean))


def visible_scope(actor) -> Scope:
    """The viewer's scope, loaded with one query."""
    if not actor.is_authenticated:
        return Scope(None, False, frozenset())
    ids = db.session.scalars(
        select(Membership.community_id).where(Membership.user_id == actor.id, Membership.status == "active")
    )
    return Scope(actor.id, bool(actor.is_admin), frozenset(ids))
