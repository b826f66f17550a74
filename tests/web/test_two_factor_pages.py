"""Two-factor sign-in through the pages: turning it on (a QR code drawn on the server, recovery codes shown once),
signing in with the app's code or a recovery code, wrong, replayed and late codes, turning it off, and the
GLOBE_REQUIRE_ADMIN_2FA rule keeping admins and curators on the set-up page."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from factories import PASSWORD, make_user
from sqlalchemy import select

from globe.extensions import db
from globe.models import OutboxMessage
from globe.models.base import utcnow
from globe.services import two_factor
from globe.views.two_factor import PENDING

SECOND_STEP = "/login/two-factor"
CODE_RE = re.compile(r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>")


def app_code(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def wrong_code(user) -> str:
    """Six digits that are the app's code for no step near now."""
    totp, now = pyotp.TOTP(user.totp_secret), utcnow()
    near = {totp.at(now + timedelta(seconds=30 * step)) for step in range(-2, 3)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555") if code not in near)


def turn_on(user) -> list[str]:
    """Turn it on as if five minutes ago, so that the current code has not been used yet."""
    before = utcnow() - timedelta(minutes=5)
    two_factor.start_setup(user)
    return two_factor.confirm_setup(user, code=pyotp.TOTP(user.totp_secret).at(before), now=before)


def password_step(browser, email: str = "mei@example.org", **extra):
    return browser.post("/login", {"email": email, "password": PASSWORD, **extra})


def second_step(browser, token_from: str = SECOND_STEP, **fields):
    return browser.post(SECOND_STEP, fields, token_from=token_from)


def is_signed_in(browser) -> bool:
    return browser.get("/profile").status_code == 200


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def test_turning_it_on_shows_the_qr_code_and_key_then_ten_recovery_codes_once(web, mei):
    web.login(mei.email)
    assert 'href="/profile/two-factor"' in web.get("/profile").get_data(as_text=True)
    page = web.get("/profile/two-factor").get_data(as_text=True)
    secret = db.session.get(type(mei), mei.id).totp_secret
    assert '<svg' in page and 'class="qr-code"' in page  # drawn on the server, no image to fetch
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert '<label for="code">' in page

    response = web.post("/profile/two-factor/confirm", {"code": pyotp.TOTP(secret).now()},
                        token_from="/profile/two-factor")
    assert response.status_code == 200
    codes = CODE_RE.findall(response.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert "data:text/plain" in response.get_data(as_text=True)  # the download link, no second request
    managed = web.get("/profile/two-factor").get_data(as_text=True)
    assert "<strong>10</strong> unused recovery codes" in managed
    assert not any(code in managed for code in codes)


def test_a_wrong_code_at_set_up_keeps_it_off(web, mei):
    web.login(mei.email)
    web.get("/profile/two-factor")
    response = web.post("/profile/two-factor/confirm", {"code": wrong_code(db.session.get(type(mei), mei.id))},
                        token_from="/profile/two-factor")
    assert response.status_code == 400 and "not right" in response.get_data(as_text=True)
    assert not two_factor.is_enabled(db.session.get(type(mei), mei.id))


def test_signing_in_asks_for_the_code_after_the_password(web, mei):
    turn_on(mei)
    response = password_step(web)
    assert response.status_code == 302 and response.location.endswith(SECOND_STEP)
    assert not is_signed_in(web)
    page = web.get(SECOND_STEP).get_data(as_text=True)
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    response = second_step(web, code=app_code(mei))
    assert response.status_code == 302
    assert is_signed_in(web)


def test_the_next_page_and_keep_me_logged_in_survive_the_second_step(web, mei):
    turn_on(mei)
    web.post("/login?next=/notifications", {"email": mei.email, "password": PASSWORD, "remember": "y"})
    response = second_step(web, code=app_code(mei))
    assert response.location.endswith("/notifications")
    assert web.client.get_cookie("remember_token") is not None


def test_a_wrong_code_is_refused_and_the_same_code_cannot_be_used_twice(web, make_web, mei):
    turn_on(mei)
    password_step(web)
    response = second_step(web, code=wrong_code(mei))
    assert response.status_code == 400 and "not right" in response.get_data(as_text=True)
    assert "Enter the code" in second_step(web, code="").get_data(as_text=True)
    code = app_code(mei)
    assert second_step(web, code=code).status_code == 302

    other = make_web()  # someone who saw the code being typed, with the password
    password_step(other)
    assert second_step(other, code=code).status_code == 400
    assert not is_signed_in(other)


def test_wrong_codes_are_rate_limited(app, web, mei):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    turn_on(mei)
    password_step(web)
    statuses = [second_step(web, code=wrong_code(mei)).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_the_pending_sign_in_expires(web, mei):
    turn_on(mei)
    password_step(web)
    with web.client.session_transaction() as session:
        session[PENDING] = {**session[PENDING], "until": session[PENDING]["until"] - 301}
    response = second_step(web, token_from="/login", code=app_code(mei))
    assert response.status_code == 302 and response.location.endswith("/login")
    assert not is_signed_in(web)


def test_the_second_step_belongs_to_the_browser_that_gave_the_password(web, make_web, mei):
    turn_on(mei)
    password_step(web)
    other = make_web()
    response = second_step(other, token_from="/login", code=app_code(mei))
    assert response.status_code == 302 and response.location.endswith("/login")
    assert not is_signed_in(other)


def test_the_second_step_needs_a_csrf_token(web, mei):
    turn_on(mei)
    password_step(web)
    assert web.post(SECOND_STEP, {"code": app_code(mei)}, csrf=False).status_code == 400
    assert not is_signed_in(web)


def test_a_recovery_code_signs_in_once_and_says_how_many_remain(web, make_web, mei):
    codes = turn_on(mei)
    password_step(web)
    response = second_step(web, recovery_code=codes[0])
    assert response.status_code == 302
    assert "9 recovery codes left" in web.get("/").get_data(as_text=True)

    other = make_web()
    password_step(other)
    assert second_step(other, recovery_code=codes[0]).status_code == 400


def test_new_recovery_codes_and_turning_it_off_each_need_a_code(web, mei):
    old = turn_on(mei)
    password_step(web)
    second_step(web, code=app_code(mei))
    response = web.post("/profile/two-factor/turn-off", {"password": "wrong password", "code": wrong_code(mei)},
                        token_from="/profile/two-factor")
    assert response.status_code == 400
    assert two_factor.is_enabled(db.session.get(type(mei), mei.id))
    codes = web.post("/profile/two-factor/recovery-codes", {"current_code": wrong_code(mei)},
                     token_from="/profile/two-factor")
    assert codes.status_code == 400

    # the app's code was just used to sign in, so it cannot be used again: a recovery code proves it instead
    assert web.post("/profile/two-factor/recovery-codes", {"current_code": app_code(mei)},
                    token_from="/profile/two-factor").status_code == 400
    new_codes = web.post("/profile/two-factor/recovery-codes", {"current_code": old[0]},
                         token_from="/profile/two-factor")
    fresh = CODE_RE.findall(new_codes.get_data(as_text=True))
    assert len(fresh) == 10
    response = web.post("/profile/two-factor/turn-off", {"password": PASSWORD, "code": fresh[0]},
                        token_from="/profile/two-factor")
    assert response.status_code == 302
    web.logout()
    assert password_step(web).location.endswith("/")  # the password alone again


def test_a_password_reset_link_does_not_skip_the_second_step(web, mei):
    turn_on(mei)
    web.post("/forgot-password", {"email": mei.email}, token_from="/forgot-password")
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == mei.email)).all()
    link = re.search(r"/password-reset/[A-Za-z0-9_-]+", message.text_body).group(0)
    response = web.post(link, {"password": "a brand new password", "confirm": "a brand new password"},
                        token_from=link)
    assert response.status_code == 302 and response.location.endswith(SECOND_STEP)
    assert not is_signed_in(web)
    assert second_step(web, code=app_code(mei)).status_code == 302
    assert is_signed_in(web)


def test_admins_must_turn_it_on_when_the_site_requires_it(app, web):
    app.config["REQUIRE_ADMIN_2FA"] = True
    admin = make_user("Ada", email="ada@example.org", admin=True)
    web.login(admin.email)
    for page in ("/", "/profile", "/admin/people"):
        response = web.get(page)
        assert response.status_code == 302 and response.location.endswith("/profile/two-factor"), page
    page = web.get("/profile/two-factor")
    assert page.status_code == 200 and "asks its admins and curators" in page.get_data(as_text=True)
    secret = db.session.get(type(admin), admin.id).totp_secret
    web.post("/profile/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}, token_from="/profile/two-factor")
    assert web.get("/admin/people").status_code == 200


def test_a_required_admin_may_still_sign_out_and_use_api_tokens(app, web):
    from globe.services import accounts
    admin = make_user("Ada", email="ada@example.org", admin=True)
    _, token = accounts.create_token(admin, name="script", expires_in_days=None, scope="read")
    app.config["REQUIRE_ADMIN_2FA"] = True
    assert web.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    web.login(admin.email)
    assert web.post("/logout", token_from="/profile/two-factor").status_code == 302
    assert not is_signed_in(web)


def test_people_without_a_staff_role_are_not_asked_to(app, web, mei):
    app.config["REQUIRE_ADMIN_2FA"] = True
    web.login(mei.email)
    assert web.get("/profile").status_code == 200


def test_the_disable_command_turns_it_off(app, mei):
    turn_on(mei)
    result = app.test_cli_runner().invoke(args=["globe", "disable-2fa", "--email", "MEI@example.org"])
    assert result.exit_code == 0, result.output
    assert not two_factor.is_enabled(db.session.get(type(mei), mei.id))
    again = app.test_cli_runner().invoke(args=["globe", "disable-2fa", "--email", "mei@example.org"])
    assert again.exit_code != 0 and "has not turned" in again.output
    unknown = app.test_cli_runner().invoke(args=["globe", "disable-2fa", "--email", "nobody@example.org"])
    assert unknown.exit_code != 0


def test_an_admin_turns_it_off_from_the_people_page(app, web, make_web, mei):
    turn_on(mei)
    make_user("Ada", email="ada@example.org", admin=True)
    web.login("ada@example.org")
    roles_page = f"/admin/people/{mei.id}/roles"
    assert "Turn off two-factor sign-in" in web.get(roles_page).get_data(as_text=True)
    member = make_web()
    member.login(make_user().email)
    assert member.post(f"/admin/people/{mei.id}/two-factor/off", token_from="/profile").status_code == 403
    assert two_factor.is_enabled(db.session.get(type(mei), mei.id))
    response = web.post(f"/admin/people/{mei.id}/two-factor/off", token_from=roles_page)
    assert response.status_code == 302
    assert not two_factor.is_enabled(db.session.get(type(mei), mei.id))
    assert "is off for Mei" in web.get(roles_page).get_data(as_text=True)


def test_an_api_token_for_an_account_with_two_factor_needs_a_code(web, mei):
    turn_on(mei)
    body = {"email": mei.email, "password": PASSWORD, "name": "script"}
    assert web.open("/api/v1/tokens", method="POST", json=body).status_code == 401
    assert web.open("/api/v1/tokens", method="POST", json={**body, "code": wrong_code(mei)}).status_code == 401
    response = web.open("/api/v1/tokens", method="POST", json={**body, "code": app_code(mei)})
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert web.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
