"""The demo's incubator: proposals in every state, mentors in each situation suggestions explain."""

from __future__ import annotations

from ..extensions import db
from ..models import MentorConflict, Proposal
from ..services import accounts, incubator, mentoring
from ..services.accounts import SYSTEM
from .people import MENTOR_POOL, person

PROPOSALS = [
    # title, summary, needs, final state
    (
        "English for nurses: a 6-week online course",
        "Speaking and writing for hospital shifts, for B1 nurses.",
        "course design, publishing",
        "accepted",
    ),
    (
        "A skills-based syllabus for large classes",
        "A term plan built around pair and group work for 60+ learners.",
        "course design",
        "in_review",
    ),
    (
        "Graded readers by teachers, for teens",
        "Short stories written and illustrated by teachers.",
        "publishing, marketing",
        "submitted",
    ),
    (
        "Pronunciation app idea",
        "A low-bandwidth app for minimal-pair practice.",
        "business strategy",
        "draft",
    ),
]


def load_incubator(people: dict) -> None:
    _proposals(people)
    _mentor_pool(people)


def _proposals(people: dict) -> None:
    lead, admin = people["teacher@globe.example"], people["admin@globe.example"]
    design, publishing = (
        people["mentor.design@globe.example"],
        people["mentor.publishing@globe.example"],
    )
    existing = set(db.session.scalars(db.select(Proposal.title)))
    # One mentor agreed to be named in the showcase; the other did not (the default).
    mentoring.update_profile(design, capacity=4, available=True, show_in_showcase=True)
    for title, summary, needs, state in PROPOSALS:
        if title in existing:
            continue
        proposal = incubator.create_proposal(
            lead,
            title=title,
            summary=summary,
            needs=needs,
            description=f"{summary}\n\nWe have drafted the first unit and "
            "tried it with two classes.",
            community="large-classes",
        )
        if state == "draft":
            continue
        incubator.transition(lead, proposal, "submitted")
        if state == "submitted":
            continue
        mentor = design if "course design" in needs else publishing
        assignment = mentoring.assign(admin, proposal, mentor.id)
        mentoring.answer(mentor, assignment, accept=True)
        mentoring.write_review(
            mentor,
            proposal,
            recommendation="accept",
            comments="Clear audience and a realistic plan. Pilot one unit first.",
        )
        if state == "accepted":
            incubator.transition(admin, proposal, "accepted", message="Welcome to the incubator!")


def _mentor_pool(people: dict) -> None:
    """Mentors in every situation the suggestions explain: a good match, paused, full, conflicted.
    "Graded readers" stays submitted without mentors, for the board's auto-assign."""
    admin, lead = people["admin@globe.example"], people["teacher@globe.example"]
    for email, name, expertise, capacity, available, named in MENTOR_POOL:
        mentor = person(email, name, f"Mentor: {expertise}.")
        accounts.set_site_roles(
            SYSTEM, mentor, is_admin=False, is_mentor=True, is_curator=False, expertise=expertise
        )
        mentoring.update_profile(
            mentor, capacity=capacity, available=available, show_in_showcase=named
        )
    busy = accounts.find_user_by_email("mentor.busy@globe.example")
    nurses = db.session.scalar(
        db.select(Proposal).where(Proposal.title.startswith("English for nurses"))
    )
    if nurses is not None and all(a.mentor_id != busy.id for a in nurses.assignments):
        mentoring.answer(busy, mentoring.assign(admin, nurses, busy.id), accept=True)
    conflicted = accounts.find_user_by_email("mentor.conflicted@globe.example")
    if (
        db.session.scalar(
            db.select(MentorConflict.id).where(MentorConflict.mentor_id == conflicted.id)
        )
        is None
    ):
        mentoring.declare_conflict(
            conflicted, reason="We co-wrote a coursebook.", person_email=lead.email
        )
