"""Incubator proposals: writing them with a team, the lifecycle with its checks, the timeline
(its discussion is the proposal's comments: services.conversations)."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

import wiki

from ..db import transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import Community, User
from ..models.base import utcnow
from ..models.incubator import EDITABLE_STATES, STATES, Assignment, Proposal, Review, TeamMember, TimelineEvent
from ..permissions import PROPOSAL, TEAM_READERS, assigned_mentor, can, require, visible_scope
from ..urls import project_path
from .accounts import find_user_by_email
from .communities import share_a_community
from .notifications import notify
from .search import queue_for_indexing
from .validation import Checker, parse_tags

# to-state: (the states it may come from, who may move it there)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submitted": (frozenset({"draft", "revise"}), "team"),
    "draft": (frozenset({"submitted", "revise"}), "team"),
    "in_review": (frozenset({"submitted"}), "admin"),
    "accepted": (frozenset({"in_review", "paused"}), "admin"),
    "revise": (frozenset({"in_review"}), "admin"),
    "declined": (frozenset({"in_review"}), "admin"),
    "launched": (frozenset({"accepted", "paused"}), "admin"),
    "paused": (frozenset({"accepted", "launched"}), "admin"),
    "withdrawn": (frozenset(STATES) - {"withdrawn", "declined"}, "team"),
}
DECISIONS = frozenset({"accepted", "revise", "declined"})
# How each state reads inside a sentence ("The proposal is ...").
STATE_PHRASES = {"draft": "a draft", "submitted": "submitted", "in_review": "in review", "accepted": "accepted",
                 "revise": "back with its team for revision", "declined": "declined", "launched": "launched",
                 "paused": "paused", "withdrawn": "withdrawn"}
# What the person who moved a proposal to a state is told.
TRANSITION_DONE = {
    "draft": "The proposal is a draft again: edit it and submit it when it is ready.",
    "submitted": "The proposal was submitted: the incubator admins will assign mentors to review it.",
    "in_review": "The proposal is now in review by its mentors.",
    "accepted": "The proposal was accepted: the project is in development and shown in the showcase.",
    "revise": "The proposal was sent back for revision: the team can edit it and submit it again.",
    "declined": "The proposal was declined.",
    "launched": "The project was launched and is shown in the showcase.",
    "paused": "The project is paused.",
    "withdrawn": "The proposal was withdrawn.",
}
# What the team is told of an admin's decision.
TEAM_NEWS = {
    "accepted": "Your proposal “{title}” was accepted: the project is in development and shown in the showcase.",
    "revise": "Your proposal “{title}” was sent back for revision: edit it and submit it again.",
    "declined": "Your proposal “{title}” was declined.",
    "launched": "Your project “{title}” was launched and is shown in the showcase.",
    "paused": "Your project “{title}” is paused.",
}
TEXT_LIMITS = {"title": 200, "summary": 500, "description": 20000, "problem": 5000, "audience": 5000,
               "milestones": 5000}


# --- reading ---------------------------------------------------------------------------------

def get_editable(actor, proposal_id: int) -> Proposal:
    """A proposal its team may edit: checked before any field is shown (its edit form holds private fields)."""
    proposal = get_proposal(actor, proposal_id)
    require(actor, "proposals.act_as_team", proposal)
    return proposal


def get_proposal(actor, proposal_id: int) -> Proposal:
    """A proposal the actor may see (drafts only by their team, mentors and admins); else NotFound."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can(actor, "proposals.view", proposal):
        raise NotFound("No such proposal.")
    return proposal


def visible_proposals(actor, *, status: str | None = None) -> list[Proposal]:
    """Admins see every proposal; others their teams', their assignments' and the public showcase."""
    query = select(Proposal).order_by(Proposal.updated_at.desc()).options(
        selectinload(Proposal.community), selectinload(Proposal.team).selectinload(TeamMember.user))
    if status is not None:
        query = query.where(Proposal.status == status)
    return list(db.session.scalars(query.where(PROPOSAL.sql_filter(visible_scope(actor)))))


def timeline(actor, proposal: Proposal) -> list[TimelineEvent]:
    """The proposal's history; private entries (admins' notes) only for admins and its mentors."""
    private = can(actor, "proposals.read_private", proposal)
    return [event for event in proposal.events if private or not event.is_private]


# --- writing ---------------------------------------------------------------------------------

def _check_fields(data: dict, *, partial: bool) -> dict:
    check, clean = Checker(), {}
    for field, limit in TEXT_LIMITS.items():
        if not partial or field in data:
            clean[field] = check.text(field, data.get(field), max_length=limit, required=field == "title")
    if not partial or "needs" in data:
        clean["needs"] = parse_tags(data.get("needs"))
    check.done()
    return clean


def _community(actor, slug: str | None) -> Community | None:
    if not slug:
        return None
    community = db.session.scalar(select(Community).where(Community.slug == slug))
    if community is None or not can(actor, "communities.view_content", community):
        raise InvalidInput({"community": ["No community with that address that you can see."]})
    return community


def create_proposal(actor, *, community: str | None = None, team: list[int] = (), **fields) -> Proposal:
    """A new draft; the author leads its team and may invite co-members."""
    require(actor, "incubator.propose")
    clean = _check_fields(fields, partial=False)
    with transaction():
        proposal = Proposal(owner_id=actor.id, community=_community(actor, community), status="draft", **clean)
        proposal.description_html = wiki.render_markdown(clean["description"])
        proposal.team.append(TeamMember(user_id=actor.id, status="active"))
        db.session.add(proposal)
        db.session.flush()
        for user_id in team:
            _invite(actor, proposal, user_id)
        record_event(actor, proposal, "created", message="Proposal drafted.")
        queue_for_indexing("project", proposal.id)
    return proposal


def update_proposal(actor, proposal: Proposal, *, community: str | None = "", **fields) -> Proposal:
    """Edit a draft (or a proposal sent back for revision); a submitted one must go back to draft first."""
    require(actor, "proposals.act_as_team", proposal)
    if proposal.status not in EDITABLE_STATES:
        raise Conflict("Only a draft, or a proposal sent back for revision, can be edited: "
                       "move it back to draft first.")
    clean = _check_fields(fields, partial=True)
    with transaction():
        for field, value in clean.items():
            setattr(proposal, field, value)
        if "description" in clean:
            proposal.description_html = wiki.render_markdown(clean["description"])
        if community != "":
            proposal.community = _community(actor, community)
        proposal.updated_at = utcnow()
        queue_for_indexing("project", proposal.id)
    return proposal


NOBODY_TO_INVITE = "Nobody with this email shares a community with you: invite people you know from a community."


def _invite(actor, proposal: Proposal, user_id: int) -> TeamMember:
    """Invite someone who shares a community with the inviter (anyone else is refused the same way
    as an unknown id, so the team list never names a stranger)."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not (user.id == actor.id or share_a_community(actor, user)):
        raise InvalidInput({"team": [f"No one with id {user_id} shares a community with you."]})
    if any(member.user_id == user.id for member in proposal.team):
        raise Conflict(f"{user.display_name} is already on the team.")
    member = TeamMember(user_id=user.id, status="invited")
    proposal.team.append(member)
    tell([user], f"{actor.display_name} invites you to the team of the proposal “{proposal.title}”.",
         proposal=proposal, actor=actor)
    return member


def invite_to_team(actor, proposal: Proposal, user_id: int) -> TeamMember:
    require(actor, "proposals.act_as_team", proposal)
    with transaction():
        member = _invite(actor, proposal, user_id)
        queue_for_indexing("project", proposal.id)  # the invited person may now find it
    return member


def invite_by_email(actor, proposal: Proposal, *, email: str) -> TeamMember:
    """Invite a co-member by email address. An unknown address and a stranger's are refused with
    the same words, so the form never tells anyone who holds an address."""
    require(actor, "proposals.act_as_team", proposal)
    user = find_user_by_email(email or "")
    if user is None or not share_a_community(actor, user):
        raise InvalidInput({"email": [NOBODY_TO_INVITE]})
    return invite_to_team(actor, proposal, user.id)


def accept_team_invitation(actor, proposal: Proposal) -> TeamMember:
    member = next((m for m in proposal.team if m.user_id == actor.id and m.status == "invited"), None)
    if member is None:
        raise NotFound("There is no invitation to this team for you.")
    if assigned_mentor(actor, proposal):
        raise Conflict("You are a mentor of this proposal: ask an admin to release you from mentoring it "
                       "before you join its team.")
    with transaction():
        member.status = "active"
        record_event(actor, proposal, "team", message=f"{actor.display_name} joined the team.")
        queue_for_indexing("project", proposal.id)  # who may find it changed
    return member


# --- the lifecycle ---------------------------------------------------------------------------

def transition(actor, proposal: Proposal, to: str, *, message: str = "", override_reason: str = "") -> Proposal:
    """Move a proposal along its lifecycle: no skipping states, and no decision without a review
    unless an admin states why."""
    if to not in TRANSITIONS:
        raise InvalidInput({"to": [f"Unknown state. Choose one of: {', '.join(TRANSITIONS)}."]})
    sources, who = TRANSITIONS[to]
    require(actor, "proposals.act_as_team" if who == "team" else "incubator.manage", proposal)
    if proposal.status not in sources:
        raise Conflict(f"This cannot be done now: the proposal is {STATE_PHRASES[proposal.status]}.")
    check = Checker()
    message = check.text("message", message, max_length=5000)
    override_reason = check.text("override_reason", override_reason, max_length=1000)
    if to in DECISIONS and not _has_review(proposal) and not override_reason:
        check.add("override_reason", "No mentor has reviewed this proposal yet: give a reason to decide anyway.")
    if to == "submitted":
        _check_complete(check, proposal)
    check.done()
    with transaction():
        previous, proposal.status, proposal.updated_at = proposal.status, to, utcnow()
        if to == "submitted":
            proposal.submitted_at = utcnow()
            tell(admins(), f"{actor.display_name} submitted the proposal “{proposal.title}”: assign mentors to "
                           "review it.", proposal=proposal, actor=actor)
        note = message + (f"\n\nDecided without a review: {override_reason}" if override_reason else "")
        record_event(actor, proposal, "transition", from_status=previous, to_status=to, message=note.strip())
        if to in TEAM_NEWS:
            tell_team(proposal, TEAM_NEWS[to].format(title=proposal.title) + (f" {message}" if message else ""),
                      actor=actor)
        queue_for_indexing("project", proposal.id)
    return proposal


def next_states(actor, proposal: Proposal) -> list[str]:
    """The states this person may move the proposal to now (the buttons a page shows)."""
    return [to for to, (sources, who) in TRANSITIONS.items() if proposal.status in sources and can(
        actor, "proposals.act_as_team" if who == "team" else "incubator.manage", proposal)]


def is_on_team(actor, proposal: Proposal) -> bool:
    return any(member.user_id == actor.id and member.status == "active" for member in proposal.team)


def _has_review(proposal: Proposal) -> bool:
    """Whether an independent review exists: one by a mentor who is not on the team (active or
    invited) now, whichever came first, the review or the place on the team."""
    team = select(TeamMember.user_id).where(TeamMember.proposal_id == proposal.id,
                                            TeamMember.status.in_(TEAM_READERS))
    return bool(db.session.scalar(select(exists().where(
        Review.assignment_id == Assignment.id, Assignment.proposal_id == proposal.id,
        Assignment.mentor_id.not_in(team)))))


def _check_complete(check: Checker, proposal: Proposal) -> None:
    for field, label in (("summary", "a summary"), ("description", "a description")):
        if not getattr(proposal, field):
            check.add(field, f"Add {label} before submitting.")
    if not proposal.needs:
        check.add("needs", "Say what kinds of help you need (expertise tags) before submitting.")


def tell_team(proposal: Proposal, message: str, *, actor=None) -> None:
    tell([member.user for member in proposal.team if member.status == "active"], message, proposal=proposal,
         actor=actor)


def admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.is_admin.is_(True)).order_by(User.id)))


def tell(people, message: str, *, proposal: Proposal, actor=None) -> None:
    """Tell people of something about a proposal, in the caller's transaction: notify() checks, when
    writing and when showing the notice, that each may open the proposal."""
    notify(people, "incubator", message, url=project_path(proposal.id), actor=actor, target=proposal)


def record_event(actor, proposal: Proposal, kind: str, *, message: str = "", from_status: str | None = None,
           to_status: str | None = None, private: bool = False) -> TimelineEvent:
    event = TimelineEvent(proposal=proposal, actor_id=actor.id, kind=kind, message=message,
                          from_status=from_status, to_status=to_status, is_private=private)
    db.session.add(event)
    return event
