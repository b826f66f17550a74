"""The login page under password guessing: the owner's own browser signs in at once, a new browser is asked to
wait (without learning whether the password was right) and can get an emailed sign-in link, the owner is warned
once, and the per-address limit still holds."""
from __future__ import annotations

import re

import pytest
from factories import PASSWORD, make_user
from mail_server import SITE
from sqlalchemy import select

from globe.auth import DEVICE_COOKIE
from globe.extensions import db
from globe.models import OutboxMessage

OWNER = "mei@example.org"
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
CSRF_VALUE_RE = re.compile(r'csrf_token" type="hidden" value="[^"]*"')
LINK_RE = re.compile(re.escape(SITE) + r"(/sign-in/[A-Za-z0-9_-]+)")


@pytest.fixture
def app(public_site):
    return public_site


@pytest.fixture
def mei(app):
    return make_user("Mei", email=OWNER)


def log_in(browser, password: str, *, email: str = OWNER, environ=None):
    return browser.post("/login", {"email": email, "password": password}, environ_base=environ or {})


def guess_twenty_times(browser, email: str = OWNER) -> list[int]:
    return [log_in(browser, f"guess {n}", email=email, environ=ATTACKER).status_code for n in range(20)]


def without_csrf_tokens(page: str) -> str:
    """A page with its CSRF tokens blanked: they carry the second they were made in."""
    return CSRF_VALUE_RE.sub('csrf_token" type="hidden" value=""', page)


def emails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                   .order_by(OutboxMessage.id)))


def test_the_owner_signs_in_at_once_after_twenty_wrong_guesses_elsewhere(app, mei, make_web):
    owner = make_web()
    owner.login(OWNER)
    owner.logout()
    statuses = guess_twenty_times(make_web())
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}
    assert log_in(owner, PASSWORD).status_code == 302


def test_the_device_cookie_is_kept_like_the_session_cookie(app, mei, web):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = log_in(web, PASSWORD)
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(DEVICE_COOKIE + "=")]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie


def test_a_new_browser_is_told_how_long_to_wait_and_never_whether_the_password_was_right(app, mei, make_web,
                                                                                       stopped_login_clock):
    guess_twenty_times(make_web())
    newcomer = make_web()
    right, wrong = log_in(newcomer, PASSWORD), log_in(newcomer, "another guess")
    assert right.status_code == wrong.status_code == 429
    page = right.get_data(as_text=True)
    assert "must wait <strong>2 seconds</strong>" in page and "Email me a sign-in link" in page
    assert f'value="{OWNER}"' in page.split("Email me a sign-in link")[0].split("link-heading")[-1]
    assert without_csrf_tokens(page) == without_csrf_tokens(wrong.get_data(as_text=True))


def test_the_right_password_during_a_wait_gets_a_sign_in_link_that_works_once(app, mei, make_web):
    guess_twenty_times(make_web())
    newcomer = make_web()
    assert log_in(newcomer, PASSWORD).status_code == 429
    sent = newcomer.post("/login/email-link", {"link-email": OWNER, "link-password": PASSWORD})
    assert sent.status_code == 200 and "Check your email" in sent.get_data(as_text=True)
    [link_email] = [message for message in emails_to(OWNER) if "sign-in link" in message.subject]
    [path] = LINK_RE.findall(link_email.text_body)
    assert f'href="{SITE}{path}"' in link_email.html_body
    assert newcomer.get(path).status_code == 200  # opening the link (a mail scanner may) does not use it
    assert newcomer.post(path, csrf=False).status_code == 400
    signed_in = newcomer.post(path, token_from=path)
    assert signed_in.status_code == 302
    assert "Mei" in newcomer.get("/profile").get_data(as_text=True)
    assert newcomer.get(path).status_code == 410
    assert make_web().post(path, {"csrf_token": "x"}).status_code in (400, 410)


def test_a_link_request_answers_alike_for_a_wrong_password_and_an_unknown_address(app, mei, make_web):
    browser = make_web()
    answers = [browser.post("/login/email-link", {"link-email": email, "link-password": password})
               for email, password in ((OWNER, "wrong"), ("nobody@example.org", PASSWORD))]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert emails_to(OWNER) == emails_to("nobody@example.org") == []


def test_the_owner_receives_exactly_one_warning(app, mei, make_web):
    guess_twenty_times(make_web())
    guess_twenty_times(make_web())
    [warning] = emails_to(OWNER)
    assert "trying to guess your password" in warning.subject
    assert f"{SITE}/forgot-password" in warning.text_body


def test_guessing_at_unknown_addresses_sends_nothing(app, mei, make_web):
    statuses = guess_twenty_times(make_web(), "nobody@example.org")
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}  # the same answers as for an account
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_per_address_limit_still_holds(app, mei, make_web):
    app.config["LOGIN_IP_RATE_LIMIT"] = "3 per minute"
    attacker = make_web()
    assert [log_in(attacker, "guess", email=f"user{n}@example.org", environ=ATTACKER).status_code
            for n in range(4)] == [400, 400, 400, 429]
    assert "Too many attempts" in log_in(attacker, PASSWORD, environ=ATTACKER).get_data(as_text=True)
    assert log_in(make_web(), PASSWORD).status_code == 302  # another address is not affected


def test_forms_without_csrf_fail(app, mei, web):
    assert web.post("/login/email-link", {"link-email": OWNER, "link-password": PASSWORD},
                    csrf=False).status_code == 400
    assert emails_to(OWNER) == []


@pytest.mark.parametrize("path, status", [("/sign-in/forged", 400), ("/sign-in/" + "x" * 300, 400)])
def test_a_forged_sign_in_link_is_refused_clearly(app, web, path, status):
    response = web.get(path)
    assert response.status_code == status and "This link does not work" in response.get_data(as_text=True)


def test_guesses_slow_down_token_requests_but_the_owners_browser_still_makes_tokens(app, mei, make_web):
    owner = make_web()
    owner.login(OWNER)
    guess_twenty_times(make_web())
    asked = app.test_client().post("/api/v1/tokens", json={"email": OWNER, "password": PASSWORD},
                                   environ_base=ATTACKER)
    assert asked.status_code == 429 and "wait" in asked.get_json()["detail"]
    made = owner.post("/profile/tokens", {"name": "laptop", "expires_in_days": "30", "scope": "read"},
                      token_from="/profile")
    assert made.status_code == 200 and "glb_" in made.get_data(as_text=True)
