"""POST /api/v1/password-resets and /password-resets/{token}: 202 for every address, the emailed token sets
a new password once (204), then 410; forged tokens 400, weak passwords 422, nothing changed by a refusal."""
import re
from datetime import timedelta

import pytest
from factories import PASSWORD, make_user

from globe.extensions import db
from globe.models import OutboxMessage
from globe.models.accounts import PasswordReset
from globe.services import accounts

NEW_PASSWORD = "a brand new password"
TOKEN_RE = re.compile(r"/password-reset/([A-Za-z0-9_-]+)")


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def emails_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_address == address)))


def ask(api, email) -> str:
    response = api("POST", "/api/v1/password-resets", json={"email": email})
    assert response.status_code == 202
    return response.get_json()["detail"]


def emailed_token(api, email: str = "mei@example.org") -> str:
    ask(api, email)
    return TOKEN_RE.findall(emails_to(email)[-1].text_body)[0]


def reset(api, token: str, password: str = NEW_PASSWORD):
    return api("POST", f"/api/v1/password-resets/{token}", json={"password": password})


def test_the_same_answer_for_every_address_and_an_email_only_for_an_account(api, mei):
    assert ask(api, "mei@example.org") == ask(api, "nobody@example.org") == ask(api, "not an address")
    assert len(emails_to("mei@example.org")) == 1 and emails_to("nobody@example.org") == []


def test_the_emailed_token_sets_the_password_once(api, mei):
    token = emailed_token(api)
    browser_key = accounts.start_session(mei)
    response = reset(api, token)
    assert response.status_code == 204 and not response.data
    assert accounts.authenticate("mei@example.org", NEW_PASSWORD) is not None
    assert accounts.authenticate("mei@example.org", PASSWORD) is None
    assert accounts.user_for_session(f"{mei.id}:{browser_key}") is None  # signed out everywhere
    again = reset(api, token, "yet another password")
    assert again.status_code == 410 and again.mimetype == "application/problem+json"
    assert accounts.authenticate("mei@example.org", NEW_PASSWORD) is not None


def test_an_expired_token_is_gone(api, mei):
    token = emailed_token(api)
    record = db.session.scalar(db.select(PasswordReset))
    record.expires_at = record.created_at - timedelta(seconds=1)
    db.session.commit()
    assert reset(api, token).status_code == 410
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


@pytest.mark.parametrize("token", ["forged", "glb_" + "x" * 43, "y" * 1000])
def test_a_forged_token_is_a_bad_request(api, mei, token):
    response = reset(api, token)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


@pytest.mark.parametrize("password", ["short", "x" * 257, 12345678])
def test_a_weak_or_wrong_typed_password_is_invalid_and_the_token_still_works(api, mei, password):
    token = emailed_token(api)
    response = reset(api, token, password)
    assert response.status_code == 422 and "password" in response.get_json()["errors"]
    assert reset(api, token).status_code == 204


def test_bad_bodies_are_refused_clearly(api, mei):
    assert api("POST", "/api/v1/password-resets", data="email=x").status_code == 415
    assert api("POST", "/api/v1/password-resets", json=["mei@example.org"]).status_code == 400
    assert api("POST", "/api/v1/password-resets", json={"email": 5}).status_code == 422
    assert emails_to("mei@example.org") == []


def test_a_suspended_account_gets_the_same_answer_and_no_email(api, mei):
    admin = make_user("Ada", email="ada@example.org", admin=True)
    accounts.set_suspended(admin, mei, suspended=True, reason="Spam.")
    ask(api, "mei@example.org")
    assert emails_to("mei@example.org") == []


def test_requests_are_rate_limited_per_address(app, api, mei):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    statuses = [api("POST", "/api/v1/password-resets", json={"email": "mei@example.org"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(3)]
    assert statuses == [202, 202, 429] and len(emails_to("mei@example.org")) == 2


def test_requests_are_rate_limited_per_ip(app, api, mei):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    statuses = [api("POST", "/api/v1/password-resets", json={"email": f"person{n}@example.org"}).status_code
                for n in range(3)]
    assert statuses == [202, 202, 429]
