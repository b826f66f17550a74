"""Who may do what and who may see what: the one owner of Globe's access rules.

Roles are compared here and nowhere else. `can()` answers and `require()` raises from the RULES
table. Visibility has one definition per kind of content (a `Visibility` made of `Grant`s), and
each yields the three forms Globe needs: the yes/no check, the SQL filter for lists, and the
principals the search index stores, so a page, a list and a search result never disagree.

An API token limited to some communities is handled here too, and only here (see `token_communities`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_login import AnonymousUserMixin
from sqlalchemy import Select, exists, false, or_, select, true

from .errors import PermissionDenied, Unauthorized
from .extensions import db
from .models import Assignment, Community, Membership, Proposal, TeamMember, Thread, WikiPage
from .models.communities import ROLES
from .models.incubator import ACTIVE_ASSIGNMENT_STATES, PUBLIC_STATES

COMMUNITY_ROLE_RANK = {role: rank for rank, role in enumerate(ROLES, start=1)}
TEAM_READERS = ("active", "invited")  # invited people read a proposal to decide whether to join


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


# --- API tokens limited to communities --------------------------------------------------------
# A personal token may be limited to some of its owner's communities (ApiToken.communities). Whoever
# uses it acts as if the owner were a member of those communities only and held no site-wide role
# (admin, curator, mentor): elsewhere they read only what anyone may read, and they change nothing
# outside those communities, not even things that belong to no community (incubator proposals,
# mentoring, site administration). Three hooks apply it: community_role(), holds_site_role() and
# visible_scope() for reading, and can() for changing.

READ_ACTIONS = frozenset({
    "communities.view_content", "communities.view_members", "wiki.read", "wiki.read_page", "wiki.view_deleted",
    "resources.view", "proposals.view", "proposals.read_private", "reviews.read_private_notes",
    "mentors.view_queue", "conversations.view", "conversations.view_hidden",
    "meetings.view",
})  # every other action changes something: add a new reading action here, or limited tokens are refused it


def token_communities(actor) -> frozenset[int] | None:
    """The ids of the communities the caller's API token is limited to, or None: not limited (a browser
    session, or a token for every community). Set by services.accounts.user_for_token."""
    return getattr(actor, "current_token_communities", None)


def within_token_limit(actor, community: Community | None) -> bool:
    """False when the actor's token is limited to communities and this is not one of them."""
    limit = token_communities(actor)
    return limit is None or (community is not None and community.id in limit)


def holds_site_role(actor, flag: str) -> bool:
    """The actor is signed in and holds a site-wide role (`is_admin`, `is_mentor`, `is_curator`); a token
    limited to communities carries none."""
    return bool(actor.is_authenticated and getattr(actor, flag, False) and token_communities(actor) is None)


def community_role(actor, community: Community | None) -> str | None:
    """The actor's active role in the CoP, or None (also outside the communities their token is limited to)."""
    if community is None or not actor.is_authenticated or not within_token_limit(actor, community):
        return None
    return db.session.scalar(
        select(Membership.role).where(
            Membership.community_id == community.id,
            Membership.user_id == actor.id,
            Membership.status == "active",
        )
    )


def role_at_least(held: str | None, role: str) -> bool:
    """True when a held CoP role (or None) includes `role`: roles are ordered, each includes the ones before."""
    return held is not None and COMMUNITY_ROLE_RANK[held] >= COMMUNITY_ROLE_RANK[role]


def roles_at_least(role: str) -> tuple[str, ...]:
    """The CoP roles that include `role` (for SQL: `Membership.role.in_(roles_at_least("editor"))`)."""
    return tuple(held for held in ROLES if role_at_least(held, role))


def by_rank(role: str | None) -> int:
    """Sort key putting facilitators first, then organisers, editors, members."""
    return -COMMUNITY_ROLE_RANK.get(role or "", 0)


# --- visibility: who may see each kind of content ----------------------------------------------

PUBLIC, ADMINS = "public", "role:admin"


class Grant:
    """One reason a person may see a thing, written in two forms side by side: the principals an
    object hands out (stored in the search index, and compared with the viewer's for the yes/no
    check) and the SQL clause selecting the objects a viewer's scope reaches (for lists)."""

    def principals(self, target) -> tuple[str, ...]:
        raise NotImplementedError

    def clause(self, scope: Scope):
        raise NotImplementedError


class PublicCommunity(Grant):
    """Everyone reads a public CoP's content. SQL: on Community."""

    def principals(self, target):
        community = community_of(target)
        return (PUBLIC,) if community is not None and community.is_public else ()

    def clause(self, scope):
        return Community.visibility == "public"


class CommunityMembers(Grant):
    """Active members read their CoP's content (requests and invitations give nothing). SQL: on Community."""

    def principals(self, target):
        community = community_of(target)
        return (f"cop:{community.id}",) if community is not None else ()

    def clause(self, scope):
        if isinstance(scope.member_community_ids, Select):  # membership_scope(): left to the database
            return Community.id.in_(scope.member_community_ids)
        return Community.id.in_(scope.member_community_ids) if scope.member_community_ids else false()


class SiteAdmins(Grant):
    def principals(self, target):
        return (ADMINS,)

    def clause(self, scope):
        return true() if scope.is_admin else false()


class AcceptedInKnowledgeBase(Grant):
    """Accepted knowledge-base pages are readable by everyone, whatever their CoP's visibility. SQL: on WikiPage."""

    def principals(self, page):
        accepted = getattr(page, "in_knowledge_base", False) and not getattr(page, "is_deleted", False)
        return (PUBLIC,) if accepted else ()

    def clause(self, scope):
        return (WikiPage.kb_status == "accepted") & WikiPage.is_deleted.is_(False)


class Showcased(Grant):
    """Accepted and launched projects are in the public showcase. SQL: on Proposal."""

    def principals(self, proposal):
        return (PUBLIC,) if proposal is not None and proposal.is_public else ()

    def clause(self, scope):
        return Proposal.status.in_(PUBLIC_STATES)


class ProposalTeam(Grant):
    """The team, and people invited to it. SQL: on Proposal."""

    def principals(self, proposal):
        return tuple(f"user:{m.user_id}" for m in sorted(proposal.team, key=lambda m: m.user_id)
                     if m.status in TEAM_READERS) if proposal is not None else ()

    def clause(self, scope):
        if scope.user_id is None:
            return false()
        return exists().where(TeamMember.proposal_id == Proposal.id, TeamMember.user_id == scope.user_id,
                              TeamMember.status.in_(TEAM_READERS))


class ProposalMentors(Grant):
    """Mentors asked to mentor the proposal, or who agreed. SQL: on Proposal."""

    def principals(self, proposal):
        return tuple(f"user:{a.mentor_id}" for a in sorted(proposal.assignments, key=lambda a: a.mentor_id)
                     if a.status in ACTIVE_ASSIGNMENT_STATES) if proposal is not None else ()

    def clause(self, scope):
        if scope.user_id is None:
            return false()
        return exists().where(Assignment.proposal_id == Proposal.id, Assignment.mentor_id == scope.user_id,
                              Assignment.status.in_(ACTIVE_ASSIGNMENT_STATES))


class Visibility:
    """Who may see one kind of content: any of its grants suffices."""

    def __init__(self, *grants: Grant) -> None:
        self.grants = grants

    def principals(self, target) -> tuple[str, ...]:
        """What the search index stores for this object ("public" alone when anyone may see it)."""
        found = dict.fromkeys(p for grant in self.grants for p in grant.principals(target))
        return (PUBLIC,) if PUBLIC in found else tuple(found)

    def sql_filter(self, scope: Scope):
        """A WHERE clause keeping the rows this scope may see."""
        return or_(*(grant.clause(scope) for grant in self.grants))

    def allows(self, actor, target) -> bool:
        principals = self.principals(target)
        return PUBLIC in principals or visible_scope(actor).sees(principals)

    def rule(self, actor, target) -> bool:
        return target is not None and self.allows(actor, target)


class ThreadVisibility(Visibility):
    """A board thread is seen like its community's content, a comment thread like what it is about (a
    proposal's comments only by its team, mentors and admins). A hidden or deleted thread is seen here by
    admins only; its community's facilitators see it through "conversations.view_hidden"."""

    def principals(self, thread) -> tuple[str, ...]:
        if thread.is_hidden or thread.is_deleted:
            return (ADMINS,)
        if thread.subject_type is not None:
            subject = thread.subject
            return SUBJECT_VISIBILITY[thread.subject_type].principals(subject) if subject is not None else ()
        return COMMUNITY_CONTENT.principals(thread)

    def sql_filter(self, scope: Scope):
        """On Thread: the board threads (not comment threads) this scope may see."""
        return (Thread.subject_type.is_(None) & Thread.hidden_at.is_(None) & Thread.deleted_at.is_(None)
                & Thread.community_id.in_(select(Community.id).where(COMMUNITY_CONTENT.sql_filter(scope))))


COMMUNITY_CONTENT = Visibility(PublicCommunity(), CommunityMembers(), SiteAdmins())
WIKI_PAGE = Visibility(*COMMUNITY_CONTENT.grants, AcceptedInKnowledgeBase())
PROPOSAL = Visibility(Showcased(), ProposalTeam(), ProposalMentors(), SiteAdmins())
PROPOSAL_PRIVATE = Visibility(ProposalTeam(), ProposalMentors(), SiteAdmins())
SUBJECT_VISIBILITY = {"page": WIKI_PAGE, "resource": COMMUNITY_CONTENT, "proposal": PROPOSAL_PRIVATE}
THREAD = ThreadVisibility()


# --- building blocks -------------------------------------------------------------------------

def logged_in(actor, target) -> bool:
    return bool(actor.is_authenticated)


def site_admin(actor, target) -> bool:
    return holds_site_role(actor, "is_admin")


def curator(actor, target) -> bool:
    return holds_site_role(actor, "is_admin") or holds_site_role(actor, "is_curator")


def at_least(role: str) -> Rule:
    def rule(actor, target) -> bool:
        return role_at_least(community_role(actor, community_of(target)), role)
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


def may_join(actor, target) -> bool:
    """A logged-in non-member may join or ask to join unless the CoP is invite-only."""
    return (logged_in(actor, target) and community_role(actor, target) is None
            and target.policy != "invite")


def owns(actor, target) -> bool:
    """The person who shared a resource (or owns a thing with an owner)."""
    owner_id = getattr(target, "owner_id", None)
    return bool(actor.is_authenticated and owner_id is not None and owner_id == actor.id)


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
        a.mentor_id == actor.id and a.status in ACTIVE_ASSIGNMENT_STATES for a in proposal.assignments))


def site_mentor(actor, target) -> bool:
    return holds_site_role(actor, "is_mentor")


def own_mentor_profile(actor, mentor) -> bool:
    """A mentor acting on their own mentor profile (the target is the mentor, a User)."""
    return bool(holds_site_role(actor, "is_mentor") and mentor is not None
                and getattr(mentor, "id", None) == actor.id)


def email_confirmed(actor, target) -> bool:
    """The actor followed the link mailed to their address (or the site does not ask for it)."""
    if not current_app.config.get("REQUIRE_EMAIL_VERIFICATION", True):
        return True
    return bool(getattr(actor, "email_verified", False))


def any_of(*rules: Rule) -> Rule:
    return lambda actor, target: any(rule(actor, target) for rule in rules)


def all_of(*rules: Rule) -> Rule:
    return lambda actor, target: all(rule(actor, target) for rule in rules)


def posts(rule: Rule) -> Rule:
    """Posting, uploading or editing anything: allowed by the rule, once the person's email address is
    confirmed (GLOBE_REQUIRE_EMAIL_VERIFICATION). Reading and joining never need it."""
    combined = all_of(email_confirmed, rule)
    POSTING_RULES[combined] = rule
    return combined


def writes(*rules: Rule) -> Rule:
    """A change inside a CoP: allowed by any of the rules, by a confirmed address, never in an archived CoP."""
    rule = posts(all_of(not_archived, any_of(*rules)))
    WRITE_RULES.add(rule)
    return rule


WRITE_RULES: set[Rule] = set()  # the rules made by writes(), so a refusal can say "archived"
POSTING_RULES: dict[Rule, Rule] = {}  # each rule made by posts(), and the same rule without the email check


view_content = COMMUNITY_CONTENT.rule
manage_community = writes(site_admin, at_least("facilitator"))
member_writes = writes(site_admin, at_least("member"))
moderates_community = any_of(site_admin, writes(at_least("facilitator")))


def thread_of(target):
    """The thread a post belongs to (or the thread itself)."""
    return target.thread if hasattr(target, "thread") else target


def posts_in_thread(actor, target) -> bool:
    """Who may write in a thread (`target`: it or one of its posts): in a proposal's comments, its team, its
    mentors and admins; anywhere else, the members of the thread's community."""
    thread = thread_of(target)
    if thread.subject_type == "proposal":
        return RULES["proposals.discuss"](actor, thread.subject)
    return member_writes(actor, thread)


def moderates_thread(actor, target) -> bool:
    """Moderators of a community's threads (`target`: the community, a thread or a post): its facilitators
    and site admins; of a proposal's comments, site admins only (a proposal started in a community is still
    none of its facilitators' business)."""
    about_proposal = not isinstance(target, Community) and thread_of(target).subject_type == "proposal"
    if about_proposal or community_of(target) is None:
        return site_admin(actor, target)
    return moderates_community(actor, target)


def owns_action_point(actor, action_point) -> bool:
    """The person an action point was given to."""
    return bool(actor.is_authenticated and action_point is not None and action_point.owner_id == actor.id)


organises = writes(site_admin, at_least("organiser"))


def wrote(actor, target) -> bool:
    """The author of a post or of a thread."""
    return bool(actor.is_authenticated and target is not None and target.author_id == actor.id)

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
    "communities.join_by_link": all_of(not_archived, logged_in),  # the link stands in for the policy
    "communities.manage_members": manage_community,
    "wiki.read": view_content,
    "wiki.read_page": WIKI_PAGE.rule,
    "wiki.edit": writes(site_admin, at_least("editor"), wiki_open_to_members),
    "wiki.delete": writes(site_admin, at_least("editor")),
    "wiki.view_deleted": any_of(site_admin, at_least("facilitator")),
    "wiki.restore": writes(site_admin, at_least("facilitator")),
    "wiki.propose_public": writes(site_admin, all_of(public_community, at_least("editor")),
                                  at_least("facilitator")),
    "knowledge_base.curate": curator,
    "resources.view": view_content,
    "resources.add": writes(site_admin, at_least("member")),
    "resources.edit": writes(site_admin, owns, at_least("facilitator")),
    "resources.moderate": writes(site_admin, at_least("facilitator")),
    "resources.restore": writes(site_admin, owns, at_least("facilitator")),
    "incubator.propose": posts(logged_in),
    "incubator.manage": site_admin,
    "proposals.view": PROPOSAL.rule,
    "proposals.read_private": any_of(site_admin, on_team, invited_to_team, assigned_mentor),
    "proposals.act_as_team": posts(any_of(site_admin, on_team)),
    "proposals.discuss": posts(any_of(site_admin, on_team, assigned_mentor)),
    "reviews.read_private_notes": site_admin,
    "assignments.answer": posts(asked_mentor),
    "mentors.edit_profile": posts(own_mentor_profile),
    "mentors.view_queue": site_mentor,
    "conversations.view": THREAD.rule,
    "conversations.view_hidden": moderates_thread,
    "conversations.start": member_writes,
    "conversations.announce": organises,
    "conversations.post": posts_in_thread,
    "conversations.moderate": moderates_thread,
    "conversations.accept": any_of(moderates_thread, all_of(wrote, posts_in_thread)),
    "posts.edit": all_of(wrote, posts_in_thread),
    "posts.delete": any_of(moderates_thread, all_of(wrote, posts(logged_in))),
    "posts.restore": moderates_thread,
    "conversations.thank": posts(logged_in),
    "conversations.flag": posts(logged_in),
    "meetings.view": view_content,  # a meeting, its agenda, replies and action points: like its community's content
    "meetings.schedule": organises,  # also change, cancel, decide on agenda topics, record attendance, take notes
    "meetings.propose_topic": member_writes,
    "meetings.rsvp": member_writes,
    "action_points.update": any_of(organises, all_of(owns_action_point, member_writes)),
}


# What a refusal says, with what to do next (the default: "You are not allowed to do that.").
REFUSALS: dict[str, str] = {
    "site.admin": "Only site admins can do that.",
    "accounts.grant_roles": "Only site admins can change site roles.",
    "communities.create": "Only site admins can create communities.",
    "communities.edit": "Only site admins can change a community's settings.",
    "communities.view_content": "This community's content is for its members: ask to join it.",
    "communities.view_members": "This community's member list is for its members: ask to join it.",
    "communities.manage_members": "Only the community's facilitators can manage its members.",
    "wiki.read": "This community's wiki is for its members: ask to join it.",
    "wiki.read_page": "This page is for the community's members: ask to join it.",
    "wiki.edit": "Only the community's editors can edit its wiki: a facilitator can make you an editor.",
    "wiki.delete": "Only the community's editors can delete its pages.",
    "wiki.restore": "Only the community's facilitators can restore deleted pages.",
    "resources.add": "Join the community to share resources in it.",
    "resources.edit": "Only the person who shared this resource and the community's facilitators can change it.",
    "resources.restore": "Only the person who shared this resource and the community's facilitators can restore it.",
    "knowledge_base.curate": "Only the knowledge base's curators can decide on pages.",
    "incubator.manage": "Only incubator admins can do that.",
    "proposals.act_as_team": "Only the proposal's team can do that.",
    "proposals.discuss": "Only the team, its mentors and the admins take part in this discussion.",
    "assignments.answer": "Only the mentor who was asked can answer this assignment.",
    "mentors.view_queue": "Only mentors have a mentoring queue.",
    "conversations.view": "This discussion is for the community's members: ask to join it.",
    "conversations.start": "Join the community to start a discussion in it.",
    "conversations.announce": "Only the community's organisers and facilitators can post announcements.",
    "conversations.post": "Join the community to take part in its discussions.",
    "conversations.moderate": "Only the community's facilitators can moderate its discussions.",
    "conversations.accept": "Only the person who asked and the community's facilitators can accept an answer.",
    "posts.edit": "Only the person who wrote a post can edit it.",
    "posts.delete": "Only the person who wrote a post and the community's facilitators can delete it.",
    "posts.restore": "Only the community's facilitators can restore a post.",
    "meetings.view": "This community's meetings are for its members: ask to join it.",
    "meetings.schedule": "Only the community's organisers and facilitators can arrange its meetings: a facilitator "
                         "can make you an organiser.",
    "meetings.propose_topic": "Join the community to propose topics for its meetings.",
    "meetings.rsvp": "Join the community to say whether you will come.",
    "action_points.update": "Only the person an action point was given to and the community's organisers can "
                            "change it.",
}
TOKEN_LIMIT_REFUSAL = ("This token is limited to some communities: it can change nothing outside them. "
                       "Create a token for this community (or for all of them) on your profile.")
ARCHIVED_REFUSAL = "This community is archived: its content stays readable but can no longer be changed."


def unconfirmed_refusal(actor) -> str:
    """What a person who has not followed their emailed link yet is told when they try to post or edit."""
    return (f"Confirm your email address first: we sent a link to {actor.email}; you can resend it from your "
            "profile. Until then you can read and join communities.")


def can(actor, action: str, target=None) -> bool:
    """True when the actor may perform the action on the target (a CoP or a thing in one)."""
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"unknown permission action {action!r}") from None
    if action not in READ_ACTIONS and not within_token_limit(actor, community_of(target)):
        return False  # a token limited to communities changes nothing outside them
    return rule(actor, target)


def require(actor, action: str, target=None) -> None:
    """Raise Unauthorized (not logged in) or PermissionDenied unless can() allows the action."""
    if can(actor, action, target):
        return
    if not actor.is_authenticated:
        raise Unauthorized("Please log in to do that.")
    community = community_of(target)
    if action not in READ_ACTIONS and not within_token_limit(actor, community):
        raise PermissionDenied(TOKEN_LIMIT_REFUSAL)
    if RULES[action] in WRITE_RULES and community is not None and community.is_archived:
        raise PermissionDenied(ARCHIVED_REFUSAL)
    allowed_once_confirmed = POSTING_RULES.get(RULES[action])
    if allowed_once_confirmed is not None and allowed_once_confirmed(actor, target):
        raise PermissionDenied(unconfirmed_refusal(actor))
    raise PermissionDenied(REFUSALS.get(action, "You are not allowed to do that."))


@dataclass(frozen=True)
class Scope:
    """What one viewer may see, as data: the principals they hold and the CoPs they belong to."""

    user_id: int | None
    is_admin: bool
    member_community_ids: frozenset[int]  # or, from membership_scope(), a subquery selecting them

    def principals(self) -> tuple[str, ...]:
        """Search access principals: a document is visible when it shares one of these."""
        found = [PUBLIC]
        if self.user_id is not None:
            found.append(f"user:{self.user_id}")
        found += [f"cop:{cid}" for cid in sorted(self.member_community_ids)]
        if self.is_admin:
            found.append(ADMINS)
        return tuple(found)

    def sees(self, principals: tuple[str, ...]) -> bool:
        return not set(principals).isdisjoint(self.principals())

    def community_filter(self):
        """A WHERE clause on Community selecting the CoPs whose content this viewer may read."""
        return COMMUNITY_CONTENT.sql_filter(self)


def visible_scope(actor) -> Scope:
    """The viewer's scope, loaded with one query (narrowed to the communities their token is limited to)."""
    return visible_scopes([actor])[0]


def membership_scope(actor) -> Scope:
    """visible_scope() with the viewer's communities as a SQL subquery instead of loaded, so a filter built
    from it (community_filter) runs inside one query: for counts on every page, like the bell's. Only for
    SQL: its principals() cannot be listed. A token limited to some communities gets the loaded scope."""
    if not actor.is_authenticated or token_communities(actor) is not None:
        return visible_scope(actor)
    communities = select(Membership.community_id).where(Membership.user_id == actor.id,
                                                        Membership.status == "active")
    return Scope(actor.id, holds_site_role(actor, "is_admin"), communities)


def visible_scopes(actors: list) -> list[Scope]:
    """visible_scope() of each of many people, with one query for them all."""
    member_of: dict[int, set[int]] = {}
    signed_in = {actor.id for actor in actors if actor.is_authenticated}
    if signed_in:
        for user_id, community_id in db.session.execute(select(Membership.user_id, Membership.community_id).where(
                Membership.user_id.in_(signed_in), Membership.status == "active")):
            member_of.setdefault(user_id, set()).add(community_id)
    return [_scope(actor, member_of) for actor in actors]


def _scope(actor, member_of: dict[int, set[int]]) -> Scope:
    if not actor.is_authenticated:
        return Scope(None, False, frozenset())
    ids, limit = frozenset(member_of.get(actor.id, ())), token_communities(actor)
    return Scope(actor.id, holds_site_role(actor, "is_admin"), ids if limit is None else ids & limit)


def who_can(actors: list, action: str, target) -> list:
    """The actors who can() perform the action on the target, in their order. Reading content whose rule is a
    Visibility costs one query for them all (telling thousands of followers); any other action asks can()."""
    visibility = getattr(RULES[action], "__self__", None)  # RULES holds a Visibility's bound .rule
    if action not in READ_ACTIONS or not isinstance(visibility, Visibility) or target is None:
        return [actor for actor in actors if can(actor, action, target)]
    principals = visibility.principals(target)
    if PUBLIC in principals:
        return list(actors)
    return [actor for actor, scope in zip(actors, visible_scopes(actors), strict=True) if scope.sees(principals)]
