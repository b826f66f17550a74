"""PUT /api/v1/me/email: 202 with the same answer whether or not the address is taken, a link mailed to the new
address, nothing changed until it is followed; and an unverified caller's writes refused with what to do."""
import re

import pytest
from factories import PASSWORD, make_user

from globe.extensions import db
from globe.models import OutboxMessage
from globe.services import accounts, email_verification

TOKEN_RE = re.compile(r"/confirm-email/([A-Za-z0-9_-]+)")


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def token_for(user, scope: str = "write") -> str:
    return accounts.create_token(user, name="script", expires_in_days=None, scope=scope)[1]


def emails_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_address == address)))


def change(api, token, email, password=PASSWORD):
    return api("PUT", "/api/v1/me/email", token, json={"email": email, "current_password": password})


def test_a_change_is_accepted_and_waits_for_the_link(api, mei):
    token = token_for(mei)
    response = change(api, token, "mei@new.example")
    assert response.status_code == 202 and "stays mei@example.org" in response.get_json()["detail"]
    me = api("GET", "/api/v1/me", token).get_json()
    assert me["email"] == "mei@example.org" and me["email_verified"] is True
    [email] = emails_to("mei@new.example")
    email_verification.follow_link(mei, TOKEN_RE.findall(email.text_body)[0])
    assert api("GET", "/api/v1/me", token).get_json()["email"] == "mei@new.example"  # tokens keep working


def test_a_taken_address_gets_the_same_answer(api, mei):
    make_user(email="taken@example.org")
    token = token_for(mei)
    taken, free = change(api, token, "taken@example.org"), change(api, token, "free@example.org")
    assert taken.status_code == free.status_code == 202
    assert taken.get_json()["detail"].replace("taken", "free") == free.get_json()["detail"]
    assert emails_to("taken@example.org") == []


@pytest.mark.parametrize("body, field", [
    ({"email": "mei@new.example", "current_password": "wrong password"}, "current_password"),
    ({"email": "not an address", "current_password": PASSWORD}, "email"),
    ({"email": "mei@example.org", "current_password": PASSWORD}, "email"),
    ({"email": ["x@example.org"], "current_password": PASSWORD}, "email"),
])
def test_bad_input_is_422_and_sends_nothing(api, mei, body, field):
    response = api("PUT", "/api/v1/me/email", token_for(mei), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert db.session.scalar(db.select(OutboxMessage)) is None


def test_a_change_needs_a_read_write_token(api, mei):
    assert change(api, None, "mei@new.example").status_code == 401
    assert change(api, token_for(mei, "read"), "mei@new.example").status_code == 403


def test_an_unverified_caller_is_refused_writes_with_what_to_do(api, app):
    kim = email_verification.register(email="kim@example.org", display_name="Kim", password=PASSWORD)
    token = token_for(kim)
    assert api("GET", "/api/v1/me", token).get_json()["email_verified"] is False
    response = api("POST", "/api/v1/proposals", token, json={"title": "A project", "summary": "s",
                                                               "description": "d"})
    assert response.status_code == 403
    assert response.get_json()["detail"].startswith("Confirm your email address first: we sent a link to "
                                                    "kim@example.org; you can resend it from your profile")


def test_an_unverified_caller_can_ask_for_a_new_link(api, app):
    kim = email_verification.register(email="kim@example.org", display_name="Kim", password=PASSWORD)
    token = token_for(kim)
    response = api("POST", "/api/v1/me/email-verification", token)
    assert response.status_code == 202 and "kim@example.org" in response.get_json()["detail"]
    assert len(emails_to("kim@example.org")) == 2
    assert api("POST", "/api/v1/me/email-verification", token).status_code == 202
    assert api("POST", "/api/v1/me/email-verification", token).status_code == 422  # 3 links an hour
    assert api("POST", "/api/v1/me/email-verification").status_code == 401


def test_a_confirmed_caller_gets_422(api, mei):
    response = api("POST", "/api/v1/me/email-verification", token_for(mei))
    assert response.status_code == 422 and "already confirmed" in response.get_json()["detail"]
