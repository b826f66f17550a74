"""Mentors in the incubator: profiles and conflicts, ranked suggestions, assignments, reviews, the queue."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from ..db import transaction
from ..errors import Conflict, GlobeError, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..models import Membership, User
from ..models.base import utcnow
from ..models.incubator import (
    ACTIVE_ASSIGNMENT_STATES,
    RECOMMENDATIONS,
    Assignment,
    MentorConflict,
    MentorProfile,
    Proposal,
    Review,
    TeamMember,
)
from ..permissions import can, invited_to_team, on_team, require
from .accounts import find_user_by_email
from .incubator import admins, record_event, tell, tell_team, transition
from .mentor_matching import MatchingPolicy, Mentor, ProposalFacts, Suggestion, plan_assignments, rank_mentors
from .search import queue_for_indexing
from .validation import Checker

DEFAULT_CAPACITY = 3  # active assignments a mentor takes when they have not said otherwise
MAX_CAPACITY = 20


# --- facts for the matcher -------------------------------------------------------------------

def _default_profile(user_id: int) -> MentorProfile:
    """A mentor's settings until they change them (not stored): never shown in the showcase unasked."""
    return MentorProfile(user_id=user_id, capacity=DEFAULT_CAPACITY, available=True, show_in_showcase=False)


def profile(user: User) -> MentorProfile:
    return db.session.get(MentorProfile, user.id) or _default_profile(user.id)


def _mentors() -> list[Mentor]:
    """Every mentor with load, conflicts and CoPs, in four queries whatever their number."""
    users = list(db.session.scalars(select(User).where(User.is_mentor.is_(True))))
    ids = [user.id for user in users]
    loads = dict(db.session.execute(select(Assignment.mentor_id, func.count()).where(
        Assignment.mentor_id.in_(ids), Assignment.status.in_(ACTIVE_ASSIGNMENT_STATES))
        .group_by(Assignment.mentor_id)).all())
    stored = {p.user_id: p for p in db.session.scalars(select(MentorProfile).where(MentorProfile.user_id.in_(ids)))}
    conflicts = list(db.session.scalars(select(MentorConflict).where(MentorConflict.mentor_id.in_(ids))))
    cops: dict[int, set[int]] = {}
    for user_id, community_id in db.session.execute(select(Membership.user_id, Membership.community_id).where(
            Membership.user_id.in_(ids), Membership.status == "active")):
        cops.setdefault(user_id, set()).add(community_id)
    profiles = {user_id: stored.get(user_id) or _default_profile(user_id) for user_id in ids}
    return [Mentor(
        user_id=user.id, name=user.display_name, expertise=tuple(user.expertise or ()),
        active_load=loads.get(user.id, 0), capacity=profiles[user.id].capacity,
        available=profiles[user.id].available,
        conflict_user_ids=frozenset(c.user_id for c in conflicts if c.mentor_id == user.id and c.user_id),
        conflict_proposal_ids=frozenset(c.proposal_id for c in conflicts if c.mentor_id == user.id and c.proposal_id),
        community_ids=frozenset(cops.get(user.id, ()))) for user in users]


def mentor_directory() -> list[Mentor]:
    """Every mentor's expertise, capacity and current load (public: it helps teams ask for help)."""
    return sorted(_mentors(), key=lambda mentor: mentor.name.lower())


def showcase_mentors(proposals: list[Proposal]) -> dict[int, list[User]]:
    """The mentors named on showcased projects: only those who agreed to mentor and to be shown."""
    public_ids = [proposal.id for proposal in proposals if proposal.is_public]
    rows = db.session.execute(
        select(Assignment.proposal_id, User).join(User, User.id == Assignment.mentor_id)
        .join(MentorProfile, MentorProfile.user_id == Assignment.mentor_id)
        .where(Assignment.proposal_id.in_(public_ids), Assignment.status == "accepted",
               MentorProfile.show_in_showcase.is_(True))
        .order_by(User.display_name, User.id)) if public_ids else ()
    shown: dict[int, list[User]] = {}
    for proposal_id, mentor in rows:
        shown.setdefault(proposal_id, []).append(mentor)
    return shown


def _facts(proposal: Proposal) -> ProposalFacts:
    size = None
    if proposal.community_id is not None:
        size = db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.community_id == proposal.community_id, Membership.status == "active"))
    return ProposalFacts(
        proposal_id=proposal.id, needs=tuple(proposal.needs or ()),
        team_user_ids=frozenset(m.user_id for m in proposal.team), community_id=proposal.community_id,
        community_size=size,
        assigned_mentor_ids=frozenset(a.mentor_id for a in proposal.assignments
                                      if a.status in ACTIVE_ASSIGNMENT_STATES),
        declined_mentor_ids=frozenset(a.mentor_id for a in proposal.assignments if a.status == "declined"))


def _policy() -> MatchingPolicy:
    return MatchingPolicy(small_community_size=current_app.config.get("INCUBATOR_SMALL_COP_SIZE"))


def suggestions(actor, proposal: Proposal) -> list[Suggestion]:
    require(actor, "incubator.manage", proposal)
    return rank_mentors(_facts(proposal), _mentors(), _policy())


# --- assignments -----------------------------------------------------------------------------

def assign(actor, proposal: Proposal, mentor_id: int, *, override_capacity_reason: str = "") -> Assignment:
    """Assign a mentor: never a conflicted one or twice; over capacity only with a stated reason."""
    require(actor, "incubator.manage", proposal)
    if proposal.status not in ("submitted", "in_review", "revise", "accepted", "launched", "paused"):
        raise Conflict("Mentors are assigned once a proposal is submitted.")
    found = next((s for s in suggestions(actor, proposal) if s.user_id == mentor_id), None)
    if found is None:
        raise InvalidInput({"mentor_id": ["This person is not a mentor."]})
    if mentor_id in _facts(proposal).assigned_mentor_ids:
        raise Conflict(f"{found.name} is already assigned to this proposal.")
    if found.conflicts:
        raise InvalidInput({"mentor_id": [f"{found.name} cannot be assigned: {'; '.join(found.conflicts)}"]})
    if not found.assignable:  # neither conflicted nor already assigned: the mentor paused themselves
        raise InvalidInput({"mentor_id": [f"{found.name} is not taking new assignments at the moment."]})
    reason = Checker().text("override_capacity_reason", override_capacity_reason, max_length=500)
    if found.over_capacity and not reason:
        raise InvalidInput({"override_capacity_reason": [
            f"{found.name} is at capacity ({found.load} of {found.capacity}): give a reason to assign anyway."]})
    with transaction():
        assignment = next((a for a in proposal.assignments if a.mentor_id == mentor_id), None) or Assignment(
            proposal=proposal, mentor_id=mentor_id)
        assignment.status, assignment.assigned_by_id, assignment.override_reason = "invited", actor.id, reason
        assignment.decline_reason, assignment.answered_at = "", None
        db.session.add(assignment)
        record_event(actor, proposal, "assignment", message=f"{found.name} was asked to mentor this proposal.")
        tell([db.session.get(User, mentor_id)], f"You are asked to mentor “{proposal.title}”.", proposal=proposal,
             actor=actor)
        queue_for_indexing("project", proposal.id)  # its mentors may now find it
        if proposal.status == "submitted":
            transition(actor, proposal, "in_review")
    return assignment


def answer(actor, assignment: Assignment, *, accept: bool, reason: str = "") -> Assignment:
    """The mentor accepts, or declines with a reason (which frees the slot and tells the admins)."""
    require(actor, "assignments.answer", assignment)
    if assignment.status != "invited":
        raise Conflict("This assignment has already been answered.")
    check = Checker()
    reason = check.text("reason", reason, max_length=500, required=not accept, label="Reason")
    check.done()
    with transaction():
        if not accept:
            _withdraw(actor, assignment, reason=reason)
            return assignment
        assignment.status, assignment.answered_at = "accepted", utcnow()
        queue_for_indexing("project", assignment.proposal_id)
        record_event(actor, assignment.proposal, "assignment", message=f"{actor.display_name} accepted to mentor.")
    return assignment


def _withdraw(actor, assignment: Assignment, *, reason: str) -> None:
    """End an active assignment (in the caller's transaction): the slot frees up, the admins are told."""
    assignment.status, assignment.answered_at, assignment.decline_reason = "declined", utcnow(), reason
    queue_for_indexing("project", assignment.proposal_id)  # the mentor no longer finds it
    record_event(actor, assignment.proposal, "assignment", message=f"{actor.display_name} declined to mentor: {reason}")
    tell(admins(), f"{actor.display_name} declined to mentor “{assignment.proposal.title}”: {reason}",
         proposal=assignment.proposal, actor=actor)


def write_review(actor, proposal: Proposal, *, recommendation: str, comments: str, private_note: str = "") -> Review:
    """An assigned mentor's review (updated when written again); the note is for admins only."""
    assignment = next((a for a in proposal.assignments if a.mentor_id == actor.id
                       and a.status in ACTIVE_ASSIGNMENT_STATES), None)
    if assignment is None:
        raise PermissionDenied("Only a mentor assigned to this proposal can review it.")
    if on_team(actor, proposal) or invited_to_team(actor, proposal):
        raise Conflict("You are on this proposal's team, so you cannot review it: leave the team or "
                       "ask an admin to assign another mentor.")
    check = Checker()
    check.choice("recommendation", recommendation, RECOMMENDATIONS)
    comments = check.text("comments", comments, max_length=20000, required=True, label="Comments")
    private_note = check.text("private_note", private_note, max_length=5000, label="Private note")
    check.done()
    with transaction():
        if assignment.status == "invited":
            assignment.status, assignment.answered_at = "accepted", utcnow()
        review = assignment.review or Review(assignment=assignment)
        review.recommendation, review.comments, review.private_note = recommendation, comments, private_note
        review.updated_at = utcnow()
        db.session.add(review)
        record_event(actor, proposal, "review", message=f"{actor.display_name} recommends: {recommendation}.")
        tell_team(proposal, f"A mentor reviewed “{proposal.title}”.", actor=actor)
    return review


def plan(actor, *, per_proposal: int):
    """Auto-assignment plan for submitted or in-review proposals lacking mentors (shown before applying)."""
    require(actor, "incubator.manage")
    if not 1 <= per_proposal <= 10:
        raise InvalidInput({"per_proposal": ["Choose between 1 and 10 mentors per proposal."]})
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.status.in_(("submitted", "in_review")))))
    return plan_assignments([_facts(p) for p in proposals], _mentors(), per_proposal=per_proposal, policy=_policy())


def apply_plan(actor, plan) -> int:
    """Make a previewed plan's assignments, each checked again (things may have changed since)."""
    applied = 0
    for proposal_id, mentor_id, _ in plan.assignments:
        proposal = db.session.get(Proposal, proposal_id)
        try:
            assign(actor, proposal, mentor_id)
        except GlobeError:
            continue  # e.g. the mentor became unavailable since the preview; the others still go ahead
        applied += 1
    return applied


# --- a mentor's own profile: capacity, availability, conflicts, showcase consent --------------

def my_profile(actor) -> MentorProfile:
    require(actor, "mentors.edit_profile", actor)
    return profile(actor)


def active_load(mentor: User) -> int:
    """Assignments the mentor holds now (accepted, or awaiting their answer)."""
    return db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.mentor_id == mentor.id, Assignment.status.in_(ACTIVE_ASSIGNMENT_STATES)))


def update_profile(actor, *, capacity: int, available: bool, show_in_showcase: bool) -> MentorProfile:
    """Save the mentor's settings; a capacity below their current load only stops new assignments."""
    require(actor, "mentors.edit_profile", actor)
    check = Checker()
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        check.add("capacity", f"Capacity must be a whole number from 1 to {MAX_CAPACITY}. "
                              "To take no new assignments for now, say you are not available.")
    for name, value in (("available", available), ("show_in_showcase", show_in_showcase)):
        if not isinstance(value, bool):
            check.add(name, "Choose yes or no.")
    check.done()
    with transaction():
        settings = profile(actor)
        settings.capacity, settings.available, settings.show_in_showcase = capacity, available, show_in_showcase
        db.session.add(settings)
    return settings


def declared_conflicts(actor) -> list[MentorConflict]:
    require(actor, "mentors.edit_profile", actor)
    return list(db.session.scalars(select(MentorConflict).where(MentorConflict.mentor_id == actor.id)
                                   .order_by(MentorConflict.id)))


def declare_conflict(actor, *, reason: str, person_email: str = "", proposal_id: int | None = None) -> MentorConflict:
    """A conflict of interest with one person (picked by email) or one proposal the mentor can see.

    From then on the mentor cannot be assigned there; an assignment they hold there ends now."""
    require(actor, "mentors.edit_profile", actor)
    check = Checker()
    reason = check.text("reason", reason, max_length=300, required=True, label="Reason")
    person, proposal = _conflict_target(actor, check, person_email, proposal_id)
    check.done()
    if _already_declared(actor, person, proposal):
        raise Conflict("You have already declared this conflict of interest.")
    with transaction():
        conflict = MentorConflict(mentor_id=actor.id, person=person, proposal=proposal, reason=reason)
        db.session.add(conflict)
        for assignment in _assignments_touched(actor, person, proposal):
            _withdraw(actor, assignment, reason="conflict of interest declared")
    return conflict


def _conflict_target(actor, check: Checker, person_email: str, proposal_id: int | None):
    """The person or the proposal a conflict is declared with: exactly one of them."""
    person_email = (person_email or "").strip()
    if bool(person_email) == (proposal_id is not None):
        check.add("person_email", "Name either one person (by email) or one proposal.")
        return None, None
    if proposal_id is not None:
        proposal = db.session.get(Proposal, proposal_id) if isinstance(proposal_id, int) else None
        if proposal is None or not can(actor, "proposals.view", proposal):
            check.add("proposal_id", "No such proposal that you can see.")
        return None, proposal
    person = find_user_by_email(person_email)
    if person is None:
        check.add("person_email", "Nobody with this email has a Globe account.")
    elif person.id == actor.id:
        check.add("person_email", "You cannot declare a conflict of interest with yourself.")
    return person, None


def _already_declared(actor, person: User | None, proposal: Proposal | None) -> bool:
    query = select(MentorConflict.id).where(MentorConflict.mentor_id == actor.id)
    query = query.where(MentorConflict.proposal_id == proposal.id) if proposal is not None else query.where(
        MentorConflict.user_id == person.id)
    return db.session.scalar(query.limit(1)) is not None


def _assignments_touched(actor, person: User | None, proposal: Proposal | None) -> list[Assignment]:
    """The mentor's active assignments that a new conflict rules out."""
    query = select(Assignment).where(Assignment.mentor_id == actor.id,
                                     Assignment.status.in_(ACTIVE_ASSIGNMENT_STATES))
    if proposal is not None:
        query = query.where(Assignment.proposal_id == proposal.id)
    else:
        query = query.join(TeamMember, TeamMember.proposal_id == Assignment.proposal_id).where(
            TeamMember.user_id == person.id)
    return list(db.session.scalars(query))


def remove_conflict(actor, conflict_id: int) -> None:
    require(actor, "mentors.edit_profile", actor)
    conflict = db.session.get(MentorConflict, conflict_id)
    if conflict is None or conflict.mentor_id != actor.id:
        raise NotFound("No such declared conflict.")
    with transaction():
        db.session.delete(conflict)


def mentor_queue(actor) -> dict[str, list[Assignment]]:
    """A mentor's assignments: to answer, to review, reviewed."""
    require(actor, "mentors.view_queue")
    mine = list(db.session.scalars(select(Assignment).where(Assignment.mentor_id == actor.id)
                                   .order_by(Assignment.created_at)))
    return {"to_answer": [a for a in mine if a.status == "invited"],
            "to_review": [a for a in mine if a.status == "accepted" and a.review is None],
            "reviewed": [a for a in mine if a.review is not None]}


def get_assignment(actor, assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or (assignment.mentor_id != actor.id and not can(actor, "site.admin")):
        raise NotFound("No such assignment.")
    return assignment
