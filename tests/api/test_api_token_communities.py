"""Tokens limited to communities: the token's owner acts as a member of those communities only, holds no
site-wide role, and changes nothing outside them."""
import pytest
from factories import add_member, make_community, make_page, make_user

from globe.services import accounts

PROPOSAL = {"title": "Pen pals", "summary": "Letters between classes", "problem": "Isolation",
            "audience": "Teachers", "plan": "Pair classes"}


@pytest.fixture
def limited(app):
    """Someone who edits two members-only communities, with a read-write token limited to `allowed`."""
    owner = make_user("Owner", email="owner@example.org")
    for slug in ("allowed", "other"):
        community = make_community(slug, name=f"{slug.title()} Club", visibility="members")
        add_member(community, owner, "editor")
        make_page(community, f"Albatross {slug}", body=f"Albatross notes for {slug}.")
    make_community("open-cop")
    token = accounts.create_token(owner, name="lms", expires_in_days=None, communities=["allowed"])[1]
    everywhere = accounts.create_token(owner, name="all", expires_in_days=None)[1]
    return token, everywhere


CHANGE = {"body": "Changed.", "base_revision": 1}


@pytest.mark.parametrize("method, url, body, allowed", [
    ("GET", "/api/v1/communities/allowed/wiki/albatross-allowed", None, True),
    ("GET", "/api/v1/communities/other/wiki/albatross-other", None, False),
    ("GET", "/api/v1/communities/allowed/members", None, True),
    ("GET", "/api/v1/communities/other/members", None, False),
    ("PUT", "/api/v1/communities/allowed/wiki/albatross-allowed", CHANGE, True),
    ("PUT", "/api/v1/communities/other/wiki/albatross-other", CHANGE, False),
    ("PUT", "/api/v1/communities/other/wiki/a-new-page", {"body": "New."}, False),
    ("POST", "/api/v1/communities/open-cop/join", None, False),
    ("POST", "/api/v1/proposals", PROPOSAL, False),
])
def test_a_limited_token_reads_and_changes_only_its_communities(api, limited, method, url, body, allowed):
    """Each request works with the limited token inside `allowed`; outside it is refused, and the same
    request with the owner's unlimited token works."""
    token, everywhere = limited
    answer = api(method, url, token=token, json=body)
    if allowed:
        assert answer.status_code in (200, 201), answer.get_json()
        return
    assert answer.status_code == 403, answer.get_json()
    if method != "GET":
        assert "limited to some communities" in answer.get_json()["detail"]
    assert api(method, url, token=everywhere, json=body).status_code in (200, 201)


def test_search_totals_and_facets_leave_out_the_other_communities(api, limited):
    token, everywhere = limited
    narrowed = api("GET", "/api/v1/search?q=albatross", token=token).get_json()
    assert narrowed["total"] == 1 and narrowed["facets"]["community"] == {"allowed": 1}
    assert api("GET", "/api/v1/search?q=albatross&community=other", token=token).get_json()["total"] == 0
    assert api("GET", "/api/v1/search?q=albatross", token=everywhere).get_json()["total"] == 2


def test_a_limited_token_of_an_admin_carries_no_site_wide_role(api, app):
    admin = make_user("Ada", email="ada@example.org", admin=True)
    allowed, other = make_community("allowed", visibility="members"), make_community("other", visibility="members")
    add_member(allowed, admin)
    make_page(other, "Secret plans")
    someone = make_user()
    token = accounts.create_token(admin, name="sync", expires_in_days=None, communities=["allowed"])[1]
    assert api("GET", "/api/v1/communities/other/wiki/secret-plans", token=token).status_code == 403
    assert api("PUT", f"/api/v1/users/{someone.id}", token=token, json={"suspended": True}).status_code == 403
    assert api("GET", "/api/v1/search?q=secret", token=token).get_json()["total"] == 0


def test_tokens_are_limited_over_the_api_to_the_caller_s_own_communities(api, limited):
    issued = api("POST", "/api/v1/tokens", json={"email": "owner@example.org", "password": "password123",
                                                 "communities": ["allowed", "other"]})
    assert issued.status_code == 201 and issued.get_json()["communities"] == ["allowed", "other"]
    assert api("GET", "/api/v1/communities/other/members", token=issued.get_json()["token"]).status_code == 200
    refused = api("POST", "/api/v1/tokens", json={"email": "owner@example.org", "password": "password123",
                                                  "communities": ["open-cop"]})
    assert refused.status_code == 422 and "open-cop" in refused.get_json()["errors"]["communities"][0]
    assert api("POST", "/api/v1/tokens", json={"email": "owner@example.org", "password": "password123",
                                               "communities": [3]}).status_code == 422


def test_the_profile_makes_a_limited_token_and_shows_its_communities(web, limited):
    web.login("owner@example.org")
    form = web.get("/profile").get_data(as_text=True)
    assert 'value="allowed"' in form and 'value="other"' in form and 'value="open-cop"' not in form
    created = web.post("/profile/tokens", {"name": "gradebook", "scope": "read", "communities": "other"},
                       token_from="/profile")
    assert created.status_code == 200
    rows = web.get("/profile").get_data(as_text=True)
    row = rows.split("gradebook", 1)[1].split("</tr>", 1)[0]
    assert "Other Club" in row and "Allowed Club" not in row and "read only" in row
