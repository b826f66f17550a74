"""Incubator rules: drafting with a team, the lifecycle and its checks, mentors, reviews, privacy."""
import pytest
from factories import add_member, make_community, make_user

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from globe.extensions import db
from globe.models import MentorConflict, MentorProfile
from globe.permissions import Anonymous
from globe.services import comment_sections, incubator, mentoring, notifications, search

FIELDS = {"title": "Online speaking course for nurses", "summary": "A 6-week course",
          "description": "Weekly **speaking** tasks", "needs": "course design, publishing"}


@pytest.fixture
def people(app):
    return {"lead": make_user("Lead"), "admin": make_user("Admin", admin=True),
            "design": make_user("Dana", mentor=True, expertise="course design"),
            "publish": make_user("Pat", mentor=True, expertise="publishing, marketing"),
            "outsider": make_user("Outsider")}


def submitted(people, **extra):
    proposal = incubator.create_proposal(people["lead"], **{**FIELDS, **extra})
    incubator.transition(people["lead"], proposal, "submitted")
    return proposal


def test_draft_is_private_to_its_team(people):
    proposal = incubator.create_proposal(people["lead"], **FIELDS)
    assert proposal.status == "draft" and "<strong>speaking</strong>" in proposal.description_html
    for viewer in (people["outsider"], Anonymous(), people["design"]):
        with pytest.raises(NotFound):
            incubator.get_proposal(viewer, proposal.id)
    assert incubator.get_proposal(people["admin"], proposal.id) == proposal
    assert search.search(people["outsider"], text="nurses").total == 0
    assert search.search(people["lead"], text="nurses").total == 1


def test_lifecycle_cannot_skip_states(people):
    proposal = incubator.create_proposal(people["lead"], **FIELDS)
    with pytest.raises(Conflict):
        incubator.transition(people["admin"], proposal, "accepted", override_reason="skip")
    with pytest.raises(InvalidInput):
        incubator.transition(people["lead"], proposal, "flying")
    incubator.transition(people["lead"], proposal, "submitted")
    with pytest.raises(PermissionDenied):
        incubator.transition(people["lead"], proposal, "in_review")
    assert [e.kind for e in proposal.events] == ["created", "transition"]


def test_submitting_needs_a_complete_proposal(people):
    proposal = incubator.create_proposal(people["lead"], title="Just a title")
    with pytest.raises(InvalidInput) as err:
        incubator.transition(people["lead"], proposal, "submitted")
    assert {"summary", "description", "needs"} <= set(err.value.fields)
    assert proposal.status == "draft"


def test_submitted_content_is_frozen_until_back_to_draft(people):
    proposal = submitted(people)
    with pytest.raises(Conflict):
        incubator.update_proposal(people["lead"], proposal, title="Changed")
    incubator.transition(people["lead"], proposal, "draft")
    incubator.update_proposal(people["lead"], proposal, title="Changed")
    assert proposal.title == "Changed"


def test_deciding_without_a_review_needs_a_stated_reason(people):
    proposal = submitted(people)
    mentoring.assign(people["admin"], proposal, people["design"].id)
    assert proposal.status == "in_review"
    with pytest.raises(InvalidInput) as err:
        incubator.transition(people["admin"], proposal, "accepted")
    assert "override_reason" in err.value.fields
    incubator.transition(people["admin"], proposal, "accepted", message="Welcome!", override_reason="Urgent call")
    assert proposal.status == "accepted" and "Urgent call" in proposal.events[-1].message
    assert search.search(Anonymous(), text="nurses").total == 1  # showcased projects are public


def test_suggestions_rank_by_expertise_and_flag_conflicts(people):
    proposal = submitted(people, needs="publishing")
    db.session.add(MentorConflict(mentor_id=people["design"].id, user_id=people["lead"].id, reason="colleague"))
    db.session.commit()
    ranked = mentoring.suggestions(people["admin"], proposal)
    assert ranked[0].user_id == people["publish"].id and ranked[0].assignable
    conflicted = next(s for s in ranked if s.user_id == people["design"].id)
    assert conflicted.conflicts and not conflicted.assignable
    with pytest.raises(InvalidInput):
        mentoring.assign(people["admin"], proposal, people["design"].id)
    with pytest.raises(PermissionDenied):
        mentoring.suggestions(people["lead"], proposal)


def test_same_mentor_twice_and_capacity(people):
    proposal = submitted(people)
    mentoring.assign(people["admin"], proposal, people["publish"].id)
    with pytest.raises(Conflict):
        mentoring.assign(people["admin"], proposal, people["publish"].id)
    db.session.add(MentorProfile(user_id=people["design"].id, capacity=0))
    db.session.commit()
    with pytest.raises(InvalidInput) as err:
        mentoring.assign(people["admin"], proposal, people["design"].id)
    assert "override_capacity_reason" in err.value.fields
    mentoring.assign(people["admin"], proposal, people["design"].id, override_capacity_reason="Only expert")


def test_mentor_declines_and_admins_are_told(people):
    proposal = submitted(people)
    assignment = mentoring.assign(people["admin"], proposal, people["design"].id)
    assert notifications.unread_count(people["design"]) == 1
    with pytest.raises(InvalidInput):
        mentoring.answer(people["design"], assignment, accept=False, reason="")
    mentoring.answer(people["design"], assignment, accept=False, reason="No time this term")
    assert assignment.status == "declined" and notifications.unread_count(people["admin"]) == 2  # + the submission
    assert notifications.latest(people["admin"])[0].message.startswith("Dana declined to mentor")
    assert mentoring.mentor_queue(people["design"])["to_answer"] == []


def test_reviews_only_by_assigned_mentors_and_private_notes_stay_private(people):
    proposal = submitted(people)
    with pytest.raises(PermissionDenied):
        mentoring.write_review(people["design"], proposal, recommendation="accept", comments="Great")
    mentoring.assign(people["admin"], proposal, people["design"].id)
    review = mentoring.write_review(people["design"], proposal, recommendation="revise", comments="Add week 3",
                                    private_note="Team seems stretched")
    assert review.assignment.status == "accepted"
    assert notifications.unread_count(people["lead"]) >= 1
    again = mentoring.write_review(people["design"], proposal, recommendation="accept", comments="Now good")
    assert again.id == review.id and again.recommendation == "accept"
    with pytest.raises(InvalidInput):
        mentoring.write_review(people["design"], proposal, recommendation="maybe", comments="?")
    incubator.transition(people["admin"], proposal, "accepted")  # a review exists: no override needed


def test_auto_assignment_plan_balances_load(people):
    first, second = submitted(people, needs="course design"), submitted(people, needs="publishing")
    plan = mentoring.plan(people["admin"], per_proposal=1)
    chosen = {proposal_id: user_id for proposal_id, user_id, _ in plan.assignments}
    assert chosen == {first.id: people["design"].id, second.id: people["publish"].id}


def _colleagues(*people):
    """Make these people members of one community, so they may invite each other to a team."""
    community = make_community()
    for person in people:
        add_member(community, person)


def test_team_invitation_and_discussion(people):
    _colleagues(people["lead"], people["outsider"])
    proposal = incubator.create_proposal(people["lead"], team=[people["outsider"].id], **FIELDS)
    assert incubator.get_proposal(people["outsider"], proposal.id) == proposal  # invited: may read, to decide
    with pytest.raises(PermissionDenied):
        comment_sections.comment(people["outsider"], proposal, body="not yet on the team")
    with pytest.raises(NotFound):
        incubator.get_proposal(make_user(), proposal.id)
    incubator.accept_team_invitation(people["outsider"], proposal)
    assert incubator.get_proposal(people["outsider"], proposal.id) == proposal
    comment_sections.comment(people["outsider"], proposal, body="I can write week 2")
    with pytest.raises(PermissionDenied):
        comment_sections.comment(make_user(), proposal, body="hi")
    with pytest.raises(InvalidInput):
        incubator.create_proposal(people["lead"], team=[999999], **FIELDS)


def test_team_invitations_reach_only_people_who_share_a_community(people):
    stranger, colleague = make_user("Stranger"), make_user("Colleague")
    _colleagues(people["lead"], colleague)
    proposal = incubator.create_proposal(people["lead"], **FIELDS)
    refusals = []
    for email in (stranger.email, "nobody@example.org"):
        with pytest.raises(InvalidInput) as err:
            incubator.invite_by_email(people["lead"], proposal, email=email)
        refusals.append(err.value.fields)
    assert refusals[0] == refusals[1] and "Stranger" not in str(refusals[0])
    with pytest.raises(InvalidInput) as err:
        incubator.create_proposal(people["lead"], team=[stranger.id], **FIELDS)
    assert "Stranger" not in str(err.value.fields)
    incubator.invite_by_email(people["lead"], proposal, email=colleague.email.upper())
    assert [(m.user_id, m.status) for m in proposal.team][-1] == (colleague.id, "invited")


def test_proposal_from_a_community_the_author_can_see(people):
    private = make_community("private", visibility="members")
    with pytest.raises(InvalidInput):
        incubator.create_proposal(people["lead"], community="private", **FIELDS)
    add_member(private, people["lead"])
    assert incubator.create_proposal(people["lead"], community="private", **FIELDS).community == private


def test_a_mentor_on_the_team_never_reviews_it_nor_counts_as_a_review(people):
    _colleagues(people["lead"], people["design"])
    proposal = submitted(people)
    mentoring.answer(people["design"], mentoring.assign(people["admin"], proposal, people["design"].id), accept=True)
    mentoring.write_review(people["design"], proposal, recommendation="accept", comments="Looks good")
    incubator.invite_to_team(people["lead"], proposal, people["design"].id)  # the review came first
    with pytest.raises(Conflict):
        mentoring.write_review(people["design"], proposal, recommendation="accept", comments="Still good")
    with pytest.raises(Conflict):
        incubator.accept_team_invitation(people["design"], proposal)
    with pytest.raises(InvalidInput) as err:
        incubator.transition(people["admin"], proposal, "accepted")
    assert "override_reason" in err.value.fields and proposal.status == "in_review"
