"""A mentor's own profile: capacity, availability, declared conflicts and showcase consent, and how
suggestions, assignments and the auto-assignment plan respect them."""
import pytest
from factories import make_user

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthorized
from globe.extensions import db
from globe.models import MentorConflict
from globe.permissions import Anonymous
from globe.services import incubator, mentoring, notifications

FIELDS = {"title": "Online speaking course for nurses", "summary": "A 6-week course",
          "description": "Weekly speaking tasks", "needs": "course design"}


@pytest.fixture
def people(app):
    return {"lead": make_user("Lead", email="lead@example.org"), "admin": make_user("Admin", admin=True),
            "dana": make_user("Dana", mentor=True, expertise="course design"),
            "pat": make_user("Pat", mentor=True, expertise="course design"), "member": make_user("Member")}


def submitted(people, **extra):
    proposal = incubator.create_proposal(people["lead"], **{**FIELDS, **extra})
    incubator.transition(people["lead"], proposal, "submitted")
    return proposal


def suggestion_for(people, proposal, mentor):
    return next(s for s in mentoring.suggestions(people["admin"], proposal) if s.user_id == mentor.id)


def test_a_mentor_starts_with_defaults_and_no_showcase_consent(people):
    settings = mentoring.my_profile(people["dana"])
    assert (settings.capacity, settings.available, settings.show_in_showcase) == (mentoring.DEFAULT_CAPACITY, True,
                                                                                 False)


def test_saving_settings(people):
    mentoring.update_profile(people["dana"], capacity=5, available=False, show_in_showcase=True)
    db.session.expire_all()
    settings = mentoring.my_profile(people["dana"])
    assert (settings.capacity, settings.available, settings.show_in_showcase) == (5, False, True)


@pytest.mark.parametrize("capacity", [0, -1, 21, "3", 2.5, True, None])
def test_capacity_out_of_range_or_not_a_number_is_refused_and_nothing_changes(people, capacity):
    mentoring.update_profile(people["dana"], capacity=4, available=True, show_in_showcase=False)
    with pytest.raises(InvalidInput) as err:
        mentoring.update_profile(people["dana"], capacity=capacity, available=False, show_in_showcase=True)
    assert "capacity" in err.value.fields
    db.session.expire_all()
    settings = mentoring.my_profile(people["dana"])
    assert (settings.capacity, settings.available, settings.show_in_showcase) == (4, True, False)


def test_only_a_mentor_edits_a_mentor_profile(people):
    with pytest.raises(PermissionDenied):
        mentoring.update_profile(people["member"], capacity=2, available=True, show_in_showcase=True)
    with pytest.raises(PermissionDenied):
        mentoring.declare_conflict(people["admin"], person_email="lead@example.org", reason="friend")
    with pytest.raises(Unauthorized):
        mentoring.my_profile(Anonymous())


def test_a_paused_mentor_is_not_assignable_by_hand_or_by_plan(people):
    proposal = submitted(people)
    mentoring.update_profile(people["dana"], capacity=3, available=False, show_in_showcase=False)
    paused = suggestion_for(people, proposal, people["dana"])
    assert not paused.assignable and "Paused: not taking new assignments" in paused.reasons
    with pytest.raises(InvalidInput) as err:
        mentoring.assign(people["admin"], proposal, people["dana"].id)
    assert "not taking new assignments" in err.value.fields["mentor_id"][0]
    assert [m for _, m, _ in mentoring.plan(people["admin"], per_proposal=1).assignments] == [people["pat"].id]
    mentoring.update_profile(people["dana"], capacity=3, available=True, show_in_showcase=False)
    assert mentoring.assign(people["admin"], proposal, people["dana"].id).status == "invited"


def test_the_capacity_a_mentor_sets_is_the_one_assignment_respects(people):
    first, second = submitted(people), submitted(people, title="Second course")
    mentoring.update_profile(people["dana"], capacity=1, available=True, show_in_showcase=False)
    mentoring.assign(people["admin"], first, people["dana"].id)
    assert suggestion_for(people, second, people["dana"]).over_capacity
    with pytest.raises(InvalidInput) as err:
        mentoring.assign(people["admin"], second, people["dana"].id)
    assert "override_capacity_reason" in err.value.fields
    assert mentoring.active_load(people["dana"]) == 1


def test_a_conflict_with_a_person_blocks_their_proposals(people):
    proposal = submitted(people)
    conflict = mentoring.declare_conflict(people["dana"], person_email=" LEAD@example.org ", reason="My sister")
    assert conflict.person == people["lead"] and conflict.reason == "My sister"
    conflicted = suggestion_for(people, proposal, people["dana"])
    assert conflicted.conflicts == ("Declared a conflict with a team member",) and not conflicted.assignable
    with pytest.raises(InvalidInput):
        mentoring.assign(people["admin"], proposal, people["dana"].id)
    assert [m for _, m, _ in mentoring.plan(people["admin"], per_proposal=1).assignments] == [people["pat"].id]
    assert "My sister" not in " ".join(conflicted.reasons + conflicted.conflicts)  # the reason stays private


@pytest.mark.parametrize("kwargs, field", [
    ({"person_email": "nobody@example.org", "reason": "x"}, "person_email"),
    ({"person_email": "", "reason": "x"}, "person_email"),
    ({"person_email": "lead@example.org", "proposal_id": 1, "reason": "x"}, "person_email"),
    ({"person_email": "lead@example.org", "reason": "  "}, "reason"),
    ({"person_email": "lead@example.org", "reason": "x" * 301}, "reason"),
    ({"proposal_id": 999999, "reason": "x"}, "proposal_id"),
])
def test_bad_conflicts_are_refused_and_nothing_is_stored(people, kwargs, field):
    with pytest.raises(InvalidInput) as err:
        mentoring.declare_conflict(people["dana"], **kwargs)
    assert field in err.value.fields
    assert mentoring.declared_conflicts(people["dana"]) == []


def test_no_conflict_with_yourself_and_none_twice(people):
    dana = people["dana"]
    with pytest.raises(InvalidInput) as err:
        mentoring.declare_conflict(dana, person_email=dana.email, reason="me")
    assert "yourself" in err.value.fields["person_email"][0]
    mentoring.declare_conflict(dana, person_email="lead@example.org", reason="colleague")
    with pytest.raises(Conflict):
        mentoring.declare_conflict(dana, person_email="lead@example.org", reason="still a colleague")
    assert len(mentoring.declared_conflicts(dana)) == 1


def test_a_conflict_only_with_a_proposal_the_mentor_can_see(people):
    hidden = submitted(people)  # submitted, not assigned to Dana: she cannot see it
    with pytest.raises(InvalidInput) as err:
        mentoring.declare_conflict(people["dana"], proposal_id=hidden.id, reason="x")
    assert "proposal_id" in err.value.fields


def test_declaring_a_conflict_ends_the_assignment_there_and_tells_the_admins(people):
    proposal = submitted(people)
    assignment = mentoring.assign(people["admin"], proposal, people["dana"].id)
    mentoring.answer(people["dana"], assignment, accept=True)
    mentoring.declare_conflict(people["dana"], proposal_id=proposal.id, reason="I advise a competitor")
    assert assignment.status == "declined" and mentoring.active_load(people["dana"]) == 0
    assert notifications.unread_count(people["admin"]) == 2  # the submission, then this
    assert "I advise a competitor" not in " ".join(e.message for e in proposal.events)
    with pytest.raises(NotFound):
        incubator.get_proposal(people["dana"], proposal.id)  # no longer one of her proposals
    assert suggestion_for(people, proposal, people["dana"]).conflicts == ("Declared a conflict with this proposal",)


def test_removing_a_conflict(people):
    proposal = submitted(people)
    conflict = mentoring.declare_conflict(people["dana"], person_email="lead@example.org", reason="colleague")
    with pytest.raises(NotFound):
        mentoring.remove_conflict(people["pat"], conflict.id)  # not Pat's
    mentoring.remove_conflict(people["dana"], conflict.id)
    assert db.session.get(MentorConflict, conflict.id) is None
    assert suggestion_for(people, proposal, people["dana"]).assignable


def accepted_with(people, *mentors):
    proposal = submitted(people)
    for mentor in mentors:
        assignment = mentoring.assign(people["admin"], proposal, mentor.id)
        mentoring.answer(mentor, assignment, accept=True)
    mentoring.write_review(mentors[0], proposal, recommendation="accept", comments="Good")
    incubator.transition(people["admin"], proposal, "accepted")
    return proposal


def test_showcase_names_only_mentors_who_consented(people):
    mentoring.update_profile(people["dana"], capacity=3, available=True, show_in_showcase=True)
    proposal = accepted_with(people, people["dana"], people["pat"])
    assert mentoring.showcase_mentors([proposal]) == {proposal.id: [people["dana"]]}
    mentoring.update_profile(people["dana"], capacity=3, available=True, show_in_showcase=False)
    assert mentoring.showcase_mentors([proposal]) == {}


def test_showcase_names_no_mentor_of_a_private_proposal_nor_one_who_has_not_accepted(people):
    for mentor in (people["dana"], people["pat"]):
        mentoring.update_profile(mentor, capacity=3, available=True, show_in_showcase=True)
    in_review = submitted(people)
    mentoring.answer(people["dana"], mentoring.assign(people["admin"], in_review, people["dana"].id), accept=True)
    assert mentoring.showcase_mentors([in_review]) == {}
    showcased = accepted_with(people, people["dana"])
    mentoring.assign(people["admin"], showcased, people["pat"].id)  # asked, not yet agreed
    assert mentoring.showcase_mentors([showcased]) == {showcased.id: [people["dana"]]}
