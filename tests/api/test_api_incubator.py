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
    assert api("POST", f"/api/v1/proposals/{pid}/transitions", token=lead_t, json={"to": "submitted"}).status_code == 200
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
    assert api("POST", f"/api/v1/proposals/{pid}/reviews", token=lead_t, json={"recommendation": "accept"}).status_code == 403
