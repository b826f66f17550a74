"""Personal tokens are read-only or read-write: a read-only token reads everything its owner may,
and every other request with it is refused."""
import re

from factories import make_community, make_user

from globe.services import accounts


def test_a_read_only_token_reads_and_is_refused_every_change(api, app):
    make_community("speaking")
    reader = make_user(email="reader@example.org")
    token = accounts.create_token(reader, name="stats", expires_in_days=None, scope="read")[1]
    assert api("GET", "/api/v1/me", token=token).status_code == 200
    assert api("GET", "/api/v1/communities/speaking", token=token).status_code == 200
    for method, url, body in (("POST", "/api/v1/communities/speaking/join", None),
                              ("PUT", "/api/v1/me/password", {"current_password": "password123",
                                                              "new_password": "another long one"}),
                              ("DELETE", "/api/v1/communities/speaking/members/1", None)):
        refused = api(method, url, token=token, json=body)
        assert refused.status_code == 403 and "read-only" in refused.get_json()["detail"], (method, url)
    assert accounts.authenticate("reader@example.org", "password123") == reader


def test_tokens_are_issued_with_a_scope_and_write_is_the_api_default(api, app):
    make_community("speaking")
    make_user(email="mei@example.org")
    issued = api("POST", "/api/v1/tokens", json={"email": "mei@example.org", "password": "password123"})
    assert issued.status_code == 201 and issued.get_json()["scope"] == "write"
    assert api("POST", "/api/v1/communities/speaking/join", token=issued.get_json()["token"]).status_code == 201
    bad = api("POST", "/api/v1/tokens", json={"email": "mei@example.org", "password": "password123",
                                              "scope": "admin"})
    assert bad.status_code == 422 and "scope" in bad.get_json()["errors"]


def test_the_profile_creates_read_only_tokens_by_default_and_lists_each_scope(web, app):
    make_user(email="ola@example.org")
    web.login("ola@example.org")
    created = web.post("/profile/tokens", {"name": "dashboard", "scope": "read"}, token_from="/profile")
    plain = re.search(r"(glb_[A-Za-z0-9_\-]+)", created.get_data(as_text=True)).group(1)
    assert accounts.user_for_token(plain).current_token_scope == "read"
    profile = web.get("/profile").get_data(as_text=True)
    assert "dashboard" in profile and "read only" in profile
    assert re.search(r'<input[^>]*checked[^>]*value="read"|<input[^>]*value="read"[^>]*checked', profile)
