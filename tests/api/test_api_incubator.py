"""The incubator over the API: a proposal's journey, suggestions, assignments, reviews and privacy."""
from factories import make_user

from globe.services import accounts


def token(user):
    return accounts.create_token(user, name="t", expires_in_days=None)[1]


def test_a_proposal_journey_over_the_api(api, app):
    lead, admin = make_user("Lead"), make_user("Admin", admin=True)
    mentor = make_user("Dana", mentor=True, expertise="course design")
    lead_t, admin_t, mentor_t = token(lead), token(admin), token(mentor)
    created = api("POST", "/api/v1/proposals", token=lead_t,
                  json={"title": "Course for nurses", "summary": "Six weeks", "description": "Tasks",
                        "needs": ["course design"], "team": []})
    assert created.status_code == 201 and created.get_json()["status"] == "draft"
    pid = created.get_json()["id"]
    assert api("GET", f"/api/v1/proposals/{pid}").status_code == 404
    assert api("GET", f"/api/v1/proposals/{pid}", token=token(make_user())).status_code == 404
    submitted = api("POST", f"/api/v1/proposals/{pid}/transitions", token=lead_t, json={"to": "submitted"})
    assert submitted.status_code == 200
    assert api("PATCH", f"/api/v1/proposals/{pid}", token=lead_t, json={"title": "x"}).status_code == 409
    ranked = api("GET", f"/api/v1/proposals/{pid}/mentor-suggestions", token=admin_t).get_json()
    assert ranked[0]["user_id"] == mentor.id and ranked[0]["reasons"]
    assert api("GET", f"/api/v1/proposals/{pid}/mentor-suggestions", token=lead_t).status_code == 403
    assigned = api("POST", f"/api/v1/proposals/{pid}/assignments", token=admin_t, json={"mentor_id": mentor.id})
    assert assigned.status_code == 201
    again = api("POST", f"/api/v1/proposals/{pid}/assignments", token=admin_t, json={"mentor_id": mentor.id})
    assert again.status_code == 409
    answer = api("PUT", f"/api/v1/assignments/{assigned.get_json()['id']}", token=mentor_t, json={"status": "accepted"})
    assert answer.status_code == 200
    review = api("POST", f"/api/v1/proposals/{pid}/reviews", token=mentor_t,
                 json={"recommendation": "accept", "comments": "Strong", "private_note": "for admins"})
    assert review.status_code == 201
    team_view = api("GET", f"/api/v1/proposals/{pid}", token=lead_t).get_json()
    assert team_view["reviews"][0]["comments"] == "Strong" and "private_note" not in team_view["reviews"][0]
    admin_view = api("GET", f"/api/v1/proposals/{pid}", token=admin_t).get_json()
    assert admin_view["reviews"][0]["private_note"] == "for admins"
    decided = api("POST", f"/api/v1/proposals/{pid}/transitions", token=admin_t, json={"to": "accepted"})
    assert decided.status_code == 200 and decided.get_json()["status"] == "accepted"
    public = api("GET", f"/api/v1/proposals/{pid}").get_json()
    assert public["title"] == "Course for nurses" and "reviews" not in public
    mentors = api("GET", "/api/v1/mentors").get_json()
    assert mentors["items"][0]["expertise"] == ["course design"]


def test_bad_incubator_input(api, app):
    lead_t = token(make_user())
    assert api("POST", "/api/v1/proposals", json={"title": "x"}).status_code == 401
    assert api("POST", "/api/v1/proposals", token=lead_t, json={"title": ""}).status_code == 422
    assert api("POST", "/api/v1/proposals", token=lead_t, json={"title": "x", "team": "everyone"}).status_code == 422
    pid = api("POST", "/api/v1/proposals", token=lead_t, json={"title": "x"}).get_json()["id"]
    assert api("POST", f"/api/v1/proposals/{pid}/transitions", token=lead_t, json={"to": "launched"}).status_code == 403
    assert api("POST", f"/api/v1/proposals/{pid}/transitions", token=lead_t, json={"to": "nowhere"}).status_code == 422
    reviewed = api("POST", f"/api/v1/proposals/{pid}/reviews", token=lead_t, json={"recommendation": "accept"})
    assert reviewed.status_code == 403


def test_a_mentor_manages_their_profile_over_the_api(api, app):
    make_user("Lee", email="lee@example.org")
    mentor_t = token(make_user("Dana", mentor=True, expertise="course design"))
    mine = api("GET", "/api/v1/mentors/me", token=mentor_t).get_json()
    assert (mine["capacity"], mine["available"], mine["show_in_showcase"], mine["conflicts"]) == (3, True, False, [])
    saved = api("PUT", "/api/v1/mentors/me", token=mentor_t, json={"capacity": 5, "show_in_showcase": True})
    assert saved.status_code == 200
    assert (saved.get_json()["capacity"], saved.get_json()["available"], saved.get_json()["show_in_showcase"]) == (
        5, True, True)
    declared = api("POST", "/api/v1/mentors/me/conflicts", token=mentor_t,
                   json={"person_email": "lee@example.org", "reason": "colleague"})
    assert declared.status_code == 201
    again = api("POST", "/api/v1/mentors/me/conflicts", token=mentor_t,
                json={"person_email": "lee@example.org", "reason": "colleague"})
    assert again.status_code == 409
    assert len(api("GET", "/api/v1/mentors/me", token=mentor_t).get_json()["conflicts"]) == 1
    conflict_id = declared.get_json()["id"]
    assert api("DELETE", f"/api/v1/mentors/me/conflicts/{conflict_id}", token=mentor_t).status_code == 204
    assert api("DELETE", f"/api/v1/mentors/me/conflicts/{conflict_id}", token=mentor_t).status_code == 404


def test_bad_mentor_profile_input(api, app):
    mentor_t = token(make_user(mentor=True))
    assert api("GET", "/api/v1/mentors/me").status_code == 401
    assert api("GET", "/api/v1/mentors/me", token=token(make_user())).status_code == 403
    for body in ({"capacity": 0}, {"capacity": "5"}, {"available": "yes"}, {"show_in_showcase": None}):
        response = api("PUT", "/api/v1/mentors/me", token=mentor_t, json=body)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert api("GET", "/api/v1/mentors/me", token=mentor_t).get_json()["capacity"] == 3
    for body in ({"reason": "x"}, {"person_email": 5, "reason": "x"}, {"proposal_id": "7", "reason": "x"},
                 {"proposal_id": 424242, "reason": "x"}):
        assert api("POST", "/api/v1/mentors/me/conflicts", token=mentor_t, json=body).status_code == 422
