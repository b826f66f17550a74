"""The mentor profile page (capacity, availability, conflicts, showcase consent) and mentors in the showcase."""
import re

import pytest
from factories import add_member, make_community, make_user

from globe.services import incubator, mentoring

PAGE = "/incubator/mentor-profile"


@pytest.fixture
def dana(app):
    return make_user("Dana", email="dana@example.org", mentor=True, expertise="course design")


@pytest.fixture
def browser(make_web, dana):
    web = make_web()
    web.login("dana@example.org")
    return web


def settings_form(capacity="4", available=True, showcase=False) -> dict:
    data = {"settings-capacity": capacity}
    if available:
        data["settings-available"] = "y"
    if showcase:
        data["settings-show_in_showcase"] = "y"
    return data


def test_the_page_is_linked_from_the_queue_and_the_profile(browser):
    for page in ("/incubator/queue", "/profile", "/incubator"):
        assert f'href="{PAGE}"' in browser.get(page).get_data(as_text=True)


def test_a_mentor_saves_capacity_availability_and_consent(browser, dana):
    page = browser.get(PAGE).get_data(as_text=True)
    assert 'name="settings-capacity"' in page and 'value="3"' in page  # the default, shown
    response = browser.post(PAGE, settings_form(capacity="5", available=False, showcase=True), token_from=PAGE)
    assert response.status_code == 302
    settings = mentoring.my_profile(dana)
    assert (settings.capacity, settings.available, settings.show_in_showcase) == (5, False, True)
    assert "You are paused" in browser.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("capacity", ["0", "21", "many", ""])
def test_a_bad_capacity_is_shown_on_the_form_and_nothing_changes(browser, dana, capacity):
    response = browser.post(PAGE, settings_form(capacity=capacity, available=False), token_from=PAGE)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and "settings-capacity-error" in page
    settings = mentoring.my_profile(dana)
    assert (settings.capacity, settings.available) == (3, True)


def test_posting_without_the_csrf_token_fails(browser, dana):
    response = browser.post(PAGE, settings_form(capacity="9"), csrf=False)
    assert response.status_code == 400
    assert mentoring.my_profile(dana).capacity == 3


def test_only_mentors_have_the_page(make_web, app):
    make_user(email="member@example.org")
    member = make_web()
    member.login("member@example.org")
    assert member.get(PAGE).status_code == 403
    anonymous = make_web().get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_declaring_and_removing_a_conflict_with_a_person(browser, dana):
    make_user("Lee Lead", email="lee@example.org")
    response = browser.post(PAGE, {"person-person_email": "lee@example.org", "person-reason": "My former student"},
                            token_from=PAGE)
    assert response.status_code == 302
    page = browser.get(PAGE).get_data(as_text=True)
    assert "Lee Lead" in page and "My former student" in page
    remove = re.search(r'action="(/incubator/mentor-profile/conflicts/\d+/remove)"', page).group(1)
    assert browser.post(remove, {}, token_from=PAGE).status_code == 302
    assert "My former student" not in browser.get(PAGE).get_data(as_text=True)
    assert mentoring.declared_conflicts(dana) == []


def test_conflict_errors_are_shown_on_the_right_form(browser, dana):
    unknown = browser.post(PAGE, {"person-person_email": "ghost@example.org", "person-reason": "x"}, token_from=PAGE)
    assert unknown.status_code == 400 and "Nobody with this email" in unknown.get_data(as_text=True)
    myself = browser.post(PAGE, {"person-person_email": "dana@example.org", "person-reason": "x"}, token_from=PAGE)
    assert "yourself" in myself.get_data(as_text=True)
    make_user(email="lee@example.org")
    browser.post(PAGE, {"person-person_email": "lee@example.org", "person-reason": "colleague"}, token_from=PAGE)
    twice = browser.post(PAGE, {"person-person_email": "lee@example.org", "person-reason": "again"}, token_from=PAGE)
    assert twice.status_code == 400 and "already declared" in twice.get_data(as_text=True)
    assert len(mentoring.declared_conflicts(dana)) == 1


def test_a_conflict_with_an_assigned_proposal_frees_the_mentor(browser, dana):
    lead, admin = make_user("Lead"), make_user("Admin", admin=True)
    proposal = incubator.create_proposal(lead, title="Course for nurses", summary="s", description="d",
                                         needs="course design")
    incubator.transition(lead, proposal, "submitted")
    mentoring.assign(admin, proposal, dana.id)
    page = browser.get(PAGE).get_data(as_text=True)
    assert f'<option value="{proposal.id}">Course for nurses</option>' in page
    response = browser.post(PAGE, {"proposal-proposal_id": str(proposal.id), "proposal-reason": "I consult for them"},
                            token_from=PAGE)
    assert response.status_code == 302
    assert "Nothing to answer." in browser.get("/incubator/queue").get_data(as_text=True)
    assert browser.get(f"/incubator/{proposal.id}").status_code == 404
    assert "With a proposal you can no longer see" in browser.get(PAGE).get_data(as_text=True)


def showcased_project(mentors):
    """An accepted project from a CoP, with a two-person team and the given mentors (who accepted)."""
    community = make_community(name="Large Classes")
    lead, partner, admin = make_user("Lee Lead"), make_user("Pia Partner"), make_user("Admin", admin=True)
    add_member(community, lead), add_member(community, partner)
    proposal = incubator.create_proposal(lead, title="Course for nurses", summary="Six weeks of speaking",
                                         description="d", needs="course design", community=community.slug,
                                         team=[partner.id])
    incubator.accept_team_invitation(partner, proposal)
    incubator.transition(lead, proposal, "submitted")
    for mentor in mentors:
        mentoring.answer(mentor, mentoring.assign(admin, proposal, mentor.id), accept=True)
    mentoring.write_review(mentors[0], proposal, recommendation="accept", comments="Clear plan, try it.")
    incubator.transition(admin, proposal, "accepted")
    return proposal


def test_the_showcase_shows_the_project_and_only_the_mentors_who_consented(make_web, dana):
    pat = make_user("Pat Publisher", mentor=True, expertise="publishing")
    mentoring.update_profile(dana, capacity=3, available=True, show_in_showcase=True)
    proposal = showcased_project([dana, pat])
    visitor = make_web()
    showcase = visitor.get("/incubator").get_data(as_text=True)
    card = showcase[showcase.index("Course for nurses"):]
    for shown in ("Six weeks of speaking", "Large Classes", "Lee Lead", "Pia Partner", "Dana"):
        assert shown in card
    assert "Pat Publisher" not in showcase
    page = visitor.get(f"/incubator/{proposal.id}").get_data(as_text=True)
    assert "mentors: <span dir=\"auto\">Dana</span>" in page and "Pat Publisher" not in page
    assert "Clear plan" not in page  # reviews stay private


def test_without_consent_no_mentor_is_named_in_the_showcase(make_web, dana):
    proposal = showcased_project([dana])
    visitor = make_web()
    assert "Dana" not in visitor.get("/incubator").get_data(as_text=True)
    page = visitor.get(f"/incubator/{proposal.id}").get_data(as_text=True)
    assert "Course for nurses" in page and "Dana" not in page
    mentoring.update_profile(dana, capacity=3, available=True, show_in_showcase=True)
    assert "Dana" in visitor.get("/incubator").get_data(as_text=True)
