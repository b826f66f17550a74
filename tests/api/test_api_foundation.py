"""The JSON API's ground: tokens, Bearer auth, problem+json, pagination, communities and members."""
import pytest
from factories import PASSWORD, add_member, make_community, make_user

from globe.services import accounts, communities


def token_for(user):
    return accounts.create_token(user, name="test", expires_in_days=None)[1]


def test_token_from_email_and_password(api, app):
    user = make_user(email="mei@example.org")
    response = api("POST", "/api/v1/tokens", json={"email": "MEI@example.org", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["expires"].endswith("Z")
    me = api("GET", "/api/v1/me", token=body["token"]).get_json()
    assert (me["id"], me["email"]) == (user.id, "mei@example.org")


def test_bad_credentials_and_bad_tokens_are_401_problems(api, app):
    make_user(email="mei@example.org")
    response = api("POST", "/api/v1/tokens", json={"email": "mei@example.org", "password": "wrong password"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()) >= {"type", "title", "status", "detail"}
    assert api("GET", "/api/v1/communities", token="glb_forged").status_code == 401
    assert api("GET", "/api/v1/me").status_code == 401


def test_token_endpoint_rejects_malformed_bodies(api, app):
    assert api("POST", "/api/v1/tokens", data="not json", content_type="application/json").status_code == 400
    response = api("POST", "/api/v1/tokens", json={"email": "a@b.org", "password": "x", "expires_in_days": "soon"})
    assert response.status_code in (401, 422)


def test_token_endpoint_is_rate_limited(api, app):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    make_user(email="mei@example.org")
    for _ in range(2):
        api("POST", "/api/v1/tokens", json={"email": "mei@example.org", "password": "wrong password"})
    response = api("POST", "/api/v1/tokens", json={"email": "mei@example.org", "password": PASSWORD})
    assert response.status_code == 429 and response.mimetype == "application/problem+json"


def test_api_ignores_the_session_cookie(app):
    make_user(email="mei@example.org")
    client = app.test_client()
    with app.app_context():
        html = client.get("/login").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    with app.app_context():
        client.post("/login", data={"email": "mei@example.org", "password": PASSWORD, "csrf_token": token})
        assert client.get("/profile").status_code == 200  # logged in on the pages
        assert client.get("/api/v1/me").status_code == 401  # but anonymous to the API


def test_communities_list_is_paginated_with_links(api, app):
    for n in range(5):
        make_community(f"cop-{n}", name=f"CoP {n}")
    response = api("GET", "/api/v1/communities?per_page=2&page=2")
    body = response.get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (5, 2, 2, 2)
    assert 'rel="next"' in response.headers["Link"] and 'rel="prev"' in response.headers["Link"]
    assert set(body["items"][0]) >= {"slug", "name", "domain", "policy", "visibility", "member_count", "my_role"}


@pytest.mark.parametrize("query", ["page=0", "page=-1", "per_page=abc", "page=1.5"])
def test_bad_paging_is_a_clear_error(api, app, query):
    response = api("GET", f"/api/v1/communities?{query}")
    assert response.status_code == 400 and "errors" in response.get_json()


def test_per_page_is_capped(api, app):
    make_community()
    assert api("GET", "/api/v1/communities?per_page=10000").get_json()["per_page"] == 100


def test_admin_creates_community_and_others_cannot(api, app):
    admin, user = make_user(admin=True), make_user()
    payload = {"slug": "young-learners", "name": "Young Learners", "domain": "Children", "policy": "request",
               "visibility": "members"}
    assert api("POST", "/api/v1/communities", token=token_for(user), json=payload).status_code == 403
    assert api("POST", "/api/v1/communities", json=payload).status_code == 401
    response = api("POST", "/api/v1/communities", token=token_for(admin), json=payload)
    assert response.status_code == 201 and response.get_json()["visibility"] == "members"
    again = api("POST", "/api/v1/communities", token=token_for(admin), json=payload)
    assert again.status_code == 422 and "slug" in again.get_json()["errors"]


def test_one_community_hides_description_of_members_only_cop(api, app):
    make_community("private", visibility="members", description="Secret plans")
    body = api("GET", "/api/v1/communities/private").get_json()
    assert body["name"] and "description" not in body
    assert api("GET", "/api/v1/communities/nope").status_code == 404


def test_join_request_and_approval_over_the_api(api, app):
    facilitator, user = make_user(), make_user()
    make_community("eap", policy="request", facilitator=facilitator)
    response = api("POST", "/api/v1/communities/eap/join", token=token_for(user), json={"message": "Hello"})
    assert response.status_code == 202 and response.get_json()["status"] == "pending"
    assert api("POST", "/api/v1/communities/eap/join", token=token_for(user)).status_code == 409
    response = api("PUT", f"/api/v1/communities/eap/members/{user.id}", token=token_for(facilitator),
                   json={"status": "active", "role": "editor"})
    assert response.status_code == 200 and response.get_json()["role"] == "editor"


def test_members_list_respects_visibility(api, app):
    member = make_user()
    community = make_community("private", visibility="members")
    add_member(community, member)
    assert api("GET", "/api/v1/communities/private/members").status_code == 401
    assert api("GET", "/api/v1/communities/private/members", token=token_for(make_user())).status_code == 403
    body = api("GET", "/api/v1/communities/private/members", token=token_for(member)).get_json()
    assert [item["user_id"] for item in body["items"]] == [member.id]


def test_member_cannot_set_roles_and_last_facilitator_is_kept(api, app):
    facilitator, member = make_user(), make_user()
    community = make_community("cop", facilitator=facilitator)
    add_member(community, member)
    response = api("PUT", f"/api/v1/communities/cop/members/{member.id}", token=token_for(member),
                   json={"role": "facilitator"})
    assert response.status_code == 403
    response = api("PUT", f"/api/v1/communities/cop/members/{facilitator.id}", token=token_for(facilitator),
                   json={"role": "member"})
    assert response.status_code == 409
    response = api("PUT", f"/api/v1/communities/cop/members/{member.id}", token=token_for(facilitator),
                   json={"role": "owner"})
    assert response.status_code == 422
    assert communities.membership(community, member.id).role == "member"


def test_leaving_through_the_api(api, app):
    user = make_user()
    community = make_community("cop")
    add_member(community, user)
    assert api("DELETE", f"/api/v1/communities/cop/members/{user.id}", token=token_for(user)).status_code == 204
    assert communities.membership(community, user.id) is None
