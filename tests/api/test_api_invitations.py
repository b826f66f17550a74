"""/api/v1/communities/{slug}/invitations: facilitators invite lists (200 with a status per address), list the
pending invitations, resend and revoke them (204); everyone else is refused and nothing is sent."""
import pytest
from factories import add_member, make_community, make_user

from globe.extensions import db
from globe.models import Invitation, OutboxMessage
from globe.services import accounts, communities, invitations

URL = "/api/v1/communities/speaking/invitations"


@pytest.fixture
def fac(app):
    return make_user("Fatima", email="fac@example.org")


@pytest.fixture
def cop(fac):
    return make_community("speaking", policy="invite", facilitator=fac)


def token_of(user, scope: str = "write") -> str:
    return accounts.create_token(user, name="t", expires_in_days=None, scope=scope)[1]


def outbox_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))


def test_invite_answers_a_status_per_address(api, fac, cop):
    add_member(cop, make_user(email="member@example.org"))
    mei = make_user("Mei", email="mei@example.org")
    response = api("POST", URL, token_of(fac), json={
        "emails": ["new@example.org", "NEW@example.org", "Mei <mei@example.org>", "member@example.org", "nope"],
        "role": "editor", "message": "Welcome"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"results": [
        {"email": "new@example.org", "status": "emailed"}, {"email": "mei@example.org", "status": "invited"},
        {"email": "member@example.org", "status": "already_member"}, {"email": "nope", "status": "invalid"}]}
    assert communities.membership(cop, mei.id).role == "editor"
    again = api("POST", URL, token_of(fac), json={"emails": "new@example.org"}).get_json()
    assert again == {"results": [{"email": "new@example.org", "status": "already_invited"}]}


def test_facilitators_list_pending_invitations(api, fac, cop):
    invitations.invite(fac, cop, emails="a@example.org, b@example.org", role="editor")
    response = api("GET", URL + "?per_page=1", token_of(fac))
    body = response.get_json()
    assert response.status_code == 200 and body["total"] == 2 and len(body["items"]) == 1
    item = body["items"][0]
    assert item["status"] == "pending" and item["role"] == "editor" and item["invited_by"]["name"] == "Fatima"
    assert item["email"] in ("a@example.org", "b@example.org") and item["expires"].endswith("Z")
    assert 'rel="next"' in response.headers["Link"]


def test_revoke_and_resend(api, fac, cop):
    invitations.invite(fac, cop, emails="a@example.org")
    [invitation] = invitations.list_open(fac, cop)
    sent = outbox_count()
    response = api("POST", f"{URL}/{invitation.id}/resend", token_of(fac))
    assert response.status_code == 200 and response.get_json()["id"] == invitation.id
    assert outbox_count() == sent + 1
    response = api("DELETE", f"{URL}/{invitation.id}", token_of(fac))
    assert response.status_code == 204 and not response.data
    assert api("GET", URL, token_of(fac)).get_json()["total"] == 0
    assert api("DELETE", f"{URL}/{invitation.id}", token_of(fac)).status_code == 404
    assert api("DELETE", f"{URL}/999999", token_of(fac)).status_code == 404


def test_others_are_refused_and_nothing_is_sent(api, fac, cop):
    member = make_user()
    add_member(cop, member, "editor")
    body = {"emails": ["x@example.org"]}
    assert api("POST", URL, json=body).status_code == 401
    assert api("POST", URL, token_of(member), json=body).status_code == 403
    assert api("GET", URL, token_of(member)).status_code == 403
    assert api("POST", URL, token_of(fac, scope="read"), json=body).status_code == 403
    assert api("POST", "/api/v1/communities/nowhere/invitations", token_of(fac), json=body).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize("body, field", [
    ({}, "emails"), ({"emails": []}, "emails"), ({"emails": [1, 2]}, "emails"), ({"emails": {"a": 1}}, "emails"),
    ({"emails": ["a@example.org"], "role": "owner"}, "role"), ({"emails": ["a@example.org"], "role": 3}, "role"),
    ({"emails": ["a@example.org"], "message": ["x"]}, "message"),
    ({"emails": [f"p{n}@example.org" for n in range(201)]}, "emails"),
])
def test_bad_bodies_are_invalid_and_invite_nobody(api, fac, cop, body, field):
    response = api("POST", URL, token_of(fac), json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0
