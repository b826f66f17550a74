"""Signing out ends the session on the server: copied session and remember-me cookies stop working after
logout, "sign out everywhere" and a password change, and each login gets a new remember-me value."""
from datetime import timedelta

from factories import PASSWORD, make_user
from testapp import app_config

from globe import create_app
from globe.models.base import utcnow
from globe.services import accounts

REMEMBER = "remember_token"


def copy_of(browser, make_web):
    """Another browser holding a copy of every cookie the first one has (a stolen cookie jar)."""
    thief = make_web()
    for cookie in browser.client._cookies.values():
        thief.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def only_remember_cookie(browser, make_web):
    """A browser whose session cookie is gone (closed and reopened) but that kept "Keep me logged in"."""
    other = make_web()
    other.client.set_cookie(REMEMBER, browser.client.get_cookie(REMEMBER).value)
    return other


def is_signed_in(browser) -> bool:
    return browser.get("/profile").status_code == 200


def login_remembered(browser, email: str, password: str = PASSWORD):
    response = browser.post("/login", {"email": email, "password": password, "remember": "y"})
    assert response.status_code == 302
    return browser.client.get_cookie(REMEMBER).value


def test_a_cookie_jar_copied_before_logout_is_refused_after_it(web, make_web, app):
    make_user(email="mei@example.org")
    web.login("mei@example.org")
    thief = copy_of(web, make_web)
    assert is_signed_in(thief)
    web.logout()
    assert not is_signed_in(thief)
    assert not is_signed_in(web)


def test_logout_leaves_the_other_browsers_signed_in(make_web, app):
    make_user(email="mei@example.org")
    laptop, phone = make_web(), make_web()
    laptop.login("mei@example.org")
    phone.login("mei@example.org")
    laptop.logout()
    assert is_signed_in(phone)


def test_sign_out_everywhere_ends_another_browsers_session(make_web, app):
    make_user(email="mei@example.org")
    laptop, phone = make_web(), make_web()
    laptop.login("mei@example.org")
    login_remembered(phone, "mei@example.org")
    remembered_phone = only_remember_cookie(phone, make_web)
    response = laptop.post("/profile/sessions/end-all", token_from="/profile")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not is_signed_in(phone) and not is_signed_in(remembered_phone) and not is_signed_in(laptop)


def test_sign_out_everywhere_needs_csrf(web, app):
    make_user(email="mei@example.org")
    web.login("mei@example.org")
    assert web.post("/profile/sessions/end-all", csrf=False).status_code == 400
    assert is_signed_in(web)


def test_the_remember_me_cookie_differs_at_each_login_and_dies_at_logout(web, make_web, app):
    make_user(email="mei@example.org")
    first = login_remembered(web, "mei@example.org")
    reopened = only_remember_cookie(web, make_web)
    assert is_signed_in(reopened)
    web.logout()
    assert not is_signed_in(reopened)
    second = login_remembered(web, "mei@example.org")
    assert second != first
    assert is_signed_in(only_remember_cookie(web, make_web))


def test_the_remember_me_cookie_has_the_session_cookies_attributes(web, app):
    make_user(email="mei@example.org")
    response = web.post("/login", {"email": "mei@example.org", "password": PASSWORD, "remember": "y"})
    remember = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(REMEMBER))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember


def test_a_secure_session_cookie_makes_the_remember_me_cookie_secure_too(tmp_path):
    config = create_app(app_config(tmp_path, SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Strict")).config
    assert config["REMEMBER_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SAMESITE"] == "Strict"


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(make_web, app):
    make_user(email="mei@example.org")
    laptop, phone = make_web(), make_web()
    login_remembered(laptop, "mei@example.org")
    laptop_reopened = only_remember_cookie(laptop, make_web)
    phone.login("mei@example.org")
    response = laptop.post("/profile/password", {"current_password": PASSWORD, "new_password": "a new password",
                                                 "confirm": "a new password"}, token_from="/profile/password")
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    assert is_signed_in(laptop) and is_signed_in(laptop_reopened)
    assert not is_signed_in(phone)
    assert accounts.authenticate("mei@example.org", "a new password") is not None
    assert accounts.authenticate("mei@example.org", PASSWORD) is None


def test_a_wrong_current_password_is_refused_and_nothing_typed_comes_back(web, app):
    make_user(email="mei@example.org")
    web.login("mei@example.org")
    response = web.post("/profile/password", {"current_password": "not my password",
                                              "new_password": "a new password", "confirm": "a new password"},
                        token_from="/profile/password")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "This is not your current password." in html
    assert "not my password" not in html and "a new password" not in html
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_a_new_password_follows_the_registration_rules(web, app):
    make_user(email="mei@example.org")
    web.login("mei@example.org")
    for new, confirm, message in (("short", "short", "at least 8"),
                                  ("a new password", "another one", "Passwords do not match.")):
        response = web.post("/profile/password", {"current_password": PASSWORD, "new_password": new,
                                                  "confirm": confirm}, token_from="/profile/password")
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_changing_the_password_needs_csrf_and_a_login(web, app):
    make_user(email="mei@example.org")
    assert web.get("/profile/password").status_code == 302
    web.login("mei@example.org")
    response = web.post("/profile/password", {"current_password": PASSWORD, "new_password": "a new password",
                                              "confirm": "a new password"}, csrf=False)
    assert response.status_code == 400
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_the_profile_lists_signed_in_browsers_and_links_the_password_page(make_web, app):
    make_user(email="mei@example.org")
    laptop, phone = make_web(), make_web()
    laptop.login("mei@example.org")
    phone.login("mei@example.org")
    html = laptop.get("/profile").get_data(as_text=True)
    assert html.count("(this browser)") == 1 and html.count(" UTC</td>") == 2
    assert 'href="/profile/password"' in html and "Sign out everywhere" in html


def change_by_api(app, token, body):
    with app.app_context():
        return app.test_client().put("/api/v1/me/password", json=body,
                                     headers={"Authorization": f"Bearer {token}"} if token else {})


def test_the_api_changes_the_password_and_signs_out_every_browser(web, app):
    user = make_user(email="mei@example.org")
    token = accounts.create_token(user, name="script", expires_in_days=None)[1]
    web.login("mei@example.org")
    response = change_by_api(app, token, {"current_password": PASSWORD, "new_password": "a new password"})
    assert response.status_code == 204 and not response.data
    assert not is_signed_in(web)
    assert accounts.authenticate("mei@example.org", "a new password") is not None
    assert accounts.user_for_token(token) is not None


def test_the_api_refuses_a_wrong_current_password_or_a_weak_new_one(app):
    user = make_user(email="mei@example.org")
    token = accounts.create_token(user, name="script", expires_in_days=None)[1]
    for body, field in (({"current_password": "wrong password", "new_password": "a new password"},
                         "current_password"),
                        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
                        ({"current_password": PASSWORD, "new_password": 12345678}, "new_password")):
        response = change_by_api(app, token, body)
        assert response.status_code == 422 and field in response.get_json()["errors"]
    assert change_by_api(app, None, {"current_password": PASSWORD, "new_password": "x" * 8}).status_code == 401
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_guessing_the_current_password_through_the_api_is_rate_limited(app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user(email="mei@example.org")
    token = accounts.create_token(user, name="script", expires_in_days=None)[1]
    for _ in range(3):
        assert change_by_api(app, token, {"current_password": "a guess", "new_password": "a new password"}
                             ).status_code == 422
    assert change_by_api(app, token, {"current_password": PASSWORD, "new_password": "a new password"}
                         ).status_code == 429


def test_guessing_the_current_password_on_the_page_is_rate_limited(web, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make_user(email="mei@example.org")
    web.login("mei@example.org")

    def change(current):
        return web.post("/profile/password", {"current_password": current, "new_password": "a new password",
                                              "confirm": "a new password"}, token_from="/profile/password")
    for _ in range(3):
        assert change("a guess").status_code == 400
    assert change(PASSWORD).status_code == 429
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_a_login_session_unused_for_longer_than_remember_me_lasts_ends(app):
    user = make_user(email="mei@example.org")
    key = accounts.start_session(user, user_agent="Test browser")
    session_id = f"{user.id}:{key}"
    assert accounts.user_for_session(session_id) == user
    later = utcnow() + timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"] + 60)
    assert accounts.user_for_session(session_id, now=later) is None
    assert accounts.user_for_session(f"{user.id + 1}:{key}") is None
    assert accounts.user_for_session(str(user.id)) is None  # a cookie from before login sessions existed
