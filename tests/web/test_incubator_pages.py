"""A proposal's journey in the browser: a member, an admin and a mentor."""
import re

from factories import add_member, make_community, make_user

from globe.extensions import db
from globe.models import Proposal
from globe.services import incubator, notifications


def test_member_admin_and_mentor_journey(make_web, app):
    make_user("Lead", email="lead@example.org")
    make_user("Admin", email="admin@example.org", admin=True)
    mentor = make_user("Dana", email="dana@example.org", mentor=True, expertise="course design")
    lead, admin, dana = make_web(), make_web(), make_web()
    lead.login("lead@example.org")
    response = lead.post("/incubator/new", {"title": "Nursing English course", "summary": "Six weeks online",
                                            "description": "Weekly tasks", "needs": "course design",
                                            "community": ""}, token_from="/incubator/new")
    url = response.headers["Location"]
    assert "Nursing English course" in lead.get(url).get_data(as_text=True)
    lead.post(f"{url}/transition", {"to": "submitted"}, token_from=url)
    proposal = db.session.scalar(db.select(Proposal))
    assert proposal.status == "submitted"

    admin.login("admin@example.org")
    page = admin.get(url).get_data(as_text=True)
    assert "Suggested mentors" in page and "Dana" in page and "Covers 1 of 1" in page
    admin.post(f"{url}/assign", {"mentor_id": str(mentor.id)}, token_from=url)
    assert proposal.status == "in_review" and notifications.unread_count(mentor) == 1

    dana.login("dana@example.org")
    queue = dana.get("/incubator/queue").get_data(as_text=True)
    assignment_id = re.search(r"/incubator/assignments/(\d+)/accept", queue).group(1)
    dana.post(f"/incubator/assignments/{assignment_id}/accept", {"reason": ""}, token_from="/incubator/queue")
    dana.post(f"{url}/review", {"recommendation": "accept", "comments": "Well planned", "private_note": "Solid team"},
              token_from=f"{url}/review")
    team_page = lead.get(url).get_data(as_text=True)
    assert "Well planned" in team_page and "Solid team" not in team_page
    reviewed = dana.get("/incubator/queue").get_data(as_text=True).split("<h2>Reviewed</h2>")[1]
    assert "Nursing English course" in reviewed and "accept" in reviewed
    assert "Solid team" in admin.get(url).get_data(as_text=True)

    admin.post(f"{url}/transition", {"to": "accepted", "message": "Welcome to the incubator"}, token_from=url)
    assert proposal.status == "accepted"
    showcase = make_web().get("/incubator").get_data(as_text=True)
    assert "Nursing English course" in showcase and "Lead" in showcase  # public, with its team
    assert "Dana" not in showcase  # she has not agreed to be named there
    assert "Welcome to the incubator" in lead.get("/notifications").get_data(as_text=True)


def test_drafts_and_board_are_private(make_web, app):
    make_user(email="lead@example.org")
    lead = make_web()
    lead.login("lead@example.org")
    url = lead.post("/incubator/new", {"title": "Secret idea", "community": ""},
                    token_from="/incubator/new").headers["Location"]
    stranger = make_web()
    make_user(email="other@example.org")
    stranger.login("other@example.org")
    assert stranger.get(url).status_code == 404
    assert stranger.get("/incubator/board").status_code == 403
    assert "Secret idea" not in stranger.get("/search?q=secret").get_data(as_text=True)


def test_the_team_form_invites_a_colleague_and_never_names_a_stranger(make_web, app):
    lead_user = make_user("Lead", email="lead@example.org")
    colleague, stranger = make_user("Cora Colleague"), make_user("Sam Stranger")
    community = make_community()
    add_member(community, lead_user), add_member(community, colleague)
    proposal = incubator.create_proposal(lead_user, title="Reading circles", summary="s", description="d")
    lead = make_web()
    lead.login("lead@example.org")
    url = f"/incubator/{proposal.id}"
    refused = lead.post(f"{url}/team", {"email": stranger.email}, token_from=url, follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "shares a community with you" in page and "Sam Stranger" not in page
    invited = lead.post(f"{url}/team", {"email": colleague.email}, token_from=url, follow_redirects=True)
    assert f"An invitation was sent to {colleague.email}" in invited.get_data(as_text=True)
    assert [m.user_id for m in proposal.team if m.status == "invited"] == [colleague.id]
