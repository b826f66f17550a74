"""DELETE /api/v1/me {password}: 204 and the token stops working; 422 for a wrong password and 409 for a
last facilitator, with nothing deleted; 401 without a token."""
import pytest
from factories import PASSWORD, add_member, make_community, make_user

from globe.extensions import db
from globe.models import User
from globe.services import accounts


@pytest.fixture
def zeb(app):
    return make_user("Zebulon Quartzwhistle", email="zeb@example.org")


def token_of(user) -> str:
    return accounts.create_token(user, name="script", expires_in_days=None)[1]


def test_deleting_answers_204_and_the_token_stops_working(api, zeb):
    token = token_of(zeb)
    response = api("DELETE", "/api/v1/me", token, json={"password": PASSWORD})
    assert response.status_code == 204 and not response.data
    assert api("GET", "/api/v1/me", token).status_code == 401
    db.session.expire_all()
    assert db.session.get(User, zeb.id).is_deleted


def test_a_wrong_or_missing_password_is_422_and_deletes_nothing(api, zeb):
    token = token_of(zeb)
    for body in ({"password": "wrong password"}, {}):
        response = api("DELETE", "/api/v1/me", token, json=body)
        assert response.status_code == 422 and "password" in response.get_json()["errors"]
    assert api("DELETE", "/api/v1/me", token, json={"password": 12}).status_code == 422
    assert api("GET", "/api/v1/me", token).get_json()["display_name"] == "Zebulon Quartzwhistle"


def test_a_last_facilitator_gets_409(api, zeb):
    add_member(make_community("reading", name="Reading"), zeb, "facilitator")
    response = api("DELETE", "/api/v1/me", token_of(zeb), json={"password": PASSWORD})
    assert response.status_code == 409 and "Reading" in response.get_json()["detail"]
    assert response.mimetype == "application/problem+json"
    db.session.expire_all()
    assert not db.session.get(User, zeb.id).is_deleted


def test_without_a_token_is_401(api, zeb):
    assert api("DELETE", "/api/v1/me", json={"password": PASSWORD}).status_code == 401


def test_a_read_only_token_cannot_delete(api, zeb):
    plain = accounts.create_token(zeb, name="read", expires_in_days=None, scope="read")[1]
    assert api("DELETE", "/api/v1/me", plain, json={"password": PASSWORD}).status_code == 403
