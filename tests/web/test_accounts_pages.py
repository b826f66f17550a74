"""Registering, logging in and out, the profile and tokens, as a person in a browser would."""
import pytest
from factories import PASSWORD, make_user

from globe.services import accounts


def test_register_logs_in_and_shows_the_directory(web):
    response = web.post("/register", {"email": "new@example.org", "display_name": "Nadia",
                                      "password": "a good password", "confirm": "a good password"},
                        token_from="/register")
    assert response.status_code == 302
    page = web.get("/").get_data(as_text=True)
    assert "Nadia" in page and "Log out" in page


def test_register_errors_keep_what_was_typed(web, app):
    make_user(email="taken@example.org")
    response = web.post("/register", {"email": "taken@example.org", "display_name": "Second",
                                      "password": "a good password", "confirm": "a good password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already exists" in html and 'value="Second"' in html


def test_register_with_mismatched_passwords(web):
    response = web.post("/register", {"email": "x@example.org", "display_name": "X",
                                      "password": "a good password", "confirm": "another one"})
    assert response.status_code == 400
    assert accounts.find_user_by_email("x@example.org") is None


def test_bad_login_gets_one_generic_message(web, app):
    make_user(email="mei@example.org")
    for email, password in (("mei@example.org", "wrong password"), ("nobody@example.org", PASSWORD)):
        response = web.post("/login", {"email": email, "password": password})
        assert response.status_code == 400
        assert "Email or password is incorrect." in response.get_data(as_text=True)


@pytest.mark.parametrize("next_value, location", [
    ("/profile", "/profile"),
    ("/search%3Fq%3Dlesson%2520plans", "/search?q=lesson%20plans"),
    ("//evil.example/x", "/"),
    ("/%09/evil.example", "/"),
    ("%2F%09%2Fevil.example", "/"),
    ("/%250A/evil.example", "/"),
    ("/%0A/evil.example", "/"),
    ("/%0D%0ASet-Cookie:%20x=1", "/"),
    ("/%5C%5Cevil.example", "/"),
    ("/%5Cevil.example", "/"),
    ("%2F%2Fevil.example", "/"),
    ("/%252F%252Fevil.example", "/"),
    ("https://evil.example", "/"),
    ("https:/evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("%20//evil.example", "/"),
    ("evil.example", "/"),
])
def test_login_follows_next_only_to_a_path_on_this_site(web, app, next_value, location):
    make_user(email="mei@example.org")
    response = web.post(f"/login?next={next_value}", {"email": "mei@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_login_from_a_new_browser_slows_down_per_account(web, app, stopped_login_clock):
    app.config["LOGIN_FAILURES_BEFORE_BACKOFF"] = 3
    make_user(email="mei@example.org")
    for _ in range(3):
        assert web.post("/login", {"email": "mei@example.org", "password": "wrong password"}).status_code == 400
    blocked = web.post("/login", {"email": "mei@example.org", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 2
    assert "must wait <strong>2 seconds</strong>" in blocked.get_data(as_text=True)


def test_logout_needs_a_post_with_csrf(web, app):
    make_user(email="mei@example.org")
    web.login("mei@example.org")
    assert web.get("/logout").status_code == 405
    assert web.post("/logout", csrf=False).status_code == 400
    assert web.get("/profile").status_code == 200
    web.logout()
    assert web.get("/profile").status_code == 302


def test_session_cookie_is_httponly_and_lax(web, app):
    make_user(email="mei@example.org")
    response = web.login("mei@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_profile_edit_and_public_profile(web, app):
    user = make_user(email="mei@example.org")
    web.login("mei@example.org")
    response = web.post("/profile/edit", {"display_name": "Mei Chen", "bio": "Primary teacher",
                                          "expertise": "Phonics, storytelling", "languages": "English",
                                          "country": "China"}, token_from="/profile/edit")
    assert response.status_code == 302
    public = web.get(f"/people/{user.id}").get_data(as_text=True)
    assert "Mei Chen" in public and "phonics, storytelling" in public
    assert "mei@example.org" not in public  # emails stay private


def test_profile_edit_refuses_an_empty_name(web, app):
    make_user(email="mei@example.org", name="Mei")
    web.login("mei@example.org")
    response = web.post("/profile/edit", {"display_name": " ", "bio": ""})
    assert response.status_code == 400
    assert accounts.find_user_by_email("mei@example.org").display_name == "Mei"


def test_token_is_shown_once_then_revoked(web, app):
    user = make_user(email="mei@example.org")
    web.login("mei@example.org")
    page = web.post("/profile/tokens", {"name": "LMS sync", "expires_in_days": "30"}).get_data(as_text=True)
    plain = page.split('readonly value="')[1].split('"')[0]
    assert accounts.user_for_token(plain) == user
    profile = web.get("/profile").get_data(as_text=True)
    assert "LMS sync" in profile and plain not in profile
    token = accounts.list_tokens(user)[0]
    assert web.post(f"/profile/tokens/{token.id}/revoke", token_from="/profile").status_code == 302
    assert accounts.user_for_token(plain) is None


FORMS = [
    ("/register", {"email": "x@example.org", "display_name": "X", "password": "password123", "confirm": "password123"}),
    ("/login", {"email": "x@example.org", "password": "password123"}),
    ("/logout", {}),
    ("/profile/edit", {"display_name": "X"}),
    ("/profile/tokens", {"name": "t"}),
    ("/profile/tokens/1/revoke", {}),
    ("/invitations/cop/accept", {}),
    ("/c/cop/join", {}),
    ("/c/cop/leave", {}),
    ("/c/cop/members/decide", {"user_id": "1", "decision": "approve"}),
    ("/c/cop/members/invite", {"emails": "x@example.org"}),
    ("/c/cop/invitations/1/resend", {}),
    ("/c/cop/invitations/1/revoke", {}),
    ("/c/cop/members/role", {"user_id": "1", "role": "editor"}),
    ("/c/cop/members/remove", {"user_id": "1"}),
    ("/communities/new", {"slug": "new", "name": "New", "domain": "New"}),
    ("/c/cop/settings", {"name": "New", "domain": "New"}),
    ("/c/cop/archive", {}),
    ("/admin/people/1/roles", {"is_admin": "y"}),
    ("/c/cop/wiki/-/new", {"title": "T", "body": "b", "base_revision": "0", "save": "1"}),
    ("/c/cop/wiki/page/edit", {"title": "T", "body": "b", "base_revision": "1", "save": "1"}),
    ("/c/cop/wiki/page/rename", {"new_title": "New"}),
    ("/c/cop/wiki/page/delete", {}),
    ("/c/cop/wiki/page/restore", {}),
    ("/c/cop/wiki/page/revert/1", {}),
    ("/c/cop/wiki/page/attachments", {}),
    ("/c/cop/wiki/page/propose", {"message": "m"}),
    ("/knowledge-base/requests/1", {"comment-body": "c"}),
    ("/c/cop/resources/new", {"title": "T", "url": "https://example.org"}),
    ("/resources/1/edit", {"title": "T"}),
    ("/resources/1/versions", {}),
    ("/resources/1/delete", {}),
    ("/boards", {"name": "B"}),
    ("/boards/1/items", {"resource_id": "1"}),
    ("/boards/1/delete", {}),
    ("/incubator/new", {"title": "T"}),
    ("/incubator/1/transition", {"to": "submitted"}),
    ("/incubator/1/comments", {"body": "b"}),
    ("/incubator/1/team", {"email": "x@example.org"}),
    ("/incubator/1/assign", {"mentor_id": "1"}),
    ("/incubator/1/review", {"recommendation": "accept", "comments": "c"}),
    ("/incubator/board/auto-assign", {"per_proposal": "1"}),
    ("/incubator/assignments/1/accept", {}),
    ("/notifications", {}),
]


@pytest.mark.parametrize("url, data", FORMS)
def test_every_form_refuses_a_post_without_csrf_token(web, app, url, data):
    from factories import add_member, make_community
    admin = make_user(email="admin@example.org", admin=True)
    community = make_community("cop", facilitator=admin)
    add_member(community, make_user(email="x@example.org"))
    web.login("admin@example.org")
    response = web.post(url, data, csrf=False)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    response = web.post(url, {**data, "csrf_token": "forged"}, csrf=False)
    assert response.status_code == 400
