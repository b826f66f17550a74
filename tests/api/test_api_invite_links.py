"""Invite links over the API: facilitators make, list and revoke them; others are refused."""
from factories import add_member, make_community, make_user

from globe.services import accounts, communities, invite_links


def test_a_facilitator_makes_lists_and_revokes_invite_links(api, app):
    facilitator = make_user()
    community = make_community("speaking", policy="invite", facilitator=facilitator)
    token = accounts.create_token(facilitator, name="t", expires_in_days=None)[1]
    made = api("POST", "/api/v1/communities/speaking/invite-links", token=token,
               json={"expires_in_days": 7, "max_uses": 2, "mode": "request"})
    assert made.status_code == 201
    body = made.get_json()
    assert body["mode"] == "request" and body["uses"] == 0 and "/join/" in body["url"]
    newcomer = make_user()
    invite_links.join_through_link(newcomer, body["url"].rsplit("/", 1)[1])
    assert communities.membership(community, newcomer.id).status == "pending"
    listed = api("GET", "/api/v1/communities/speaking/invite-links", token=token).get_json()
    assert [(item["id"], item["uses"], item["max_uses"]) for item in listed["items"]] == [(body["id"], 1, 2)]
    assert "url" not in listed["items"][0]
    assert api("DELETE", f"/api/v1/communities/speaking/invite-links/{body['id']}", token=token).status_code == 204
    assert api("GET", "/api/v1/communities/speaking/invite-links", token=token).get_json()["total"] == 0


def test_invite_links_are_for_facilitators_and_bad_settings_are_422(api, app):
    facilitator, member = make_user(), make_user()
    community = make_community("speaking", facilitator=facilitator)
    add_member(community, member)
    member_token = accounts.create_token(member, name="t", expires_in_days=None)[1]
    token = accounts.create_token(facilitator, name="t", expires_in_days=None)[1]
    url = "/api/v1/communities/speaking/invite-links"
    assert api("POST", url, token=member_token, json={"expires_in_days": 7}).status_code == 403
    assert api("GET", url, token=member_token).status_code == 403
    assert api("GET", url).status_code in (401, 403)
    for bad in ({}, {"expires_in_days": 0}, {"expires_in_days": "7"}, {"expires_in_days": 7, "max_uses": -1},
                {"expires_in_days": 7, "mode": "sudo"}):
        assert api("POST", url, token=token, json=bad).status_code == 422, bad
    assert api("DELETE", f"{url}/999", token=token).status_code == 404
