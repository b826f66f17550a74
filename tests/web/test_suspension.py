"""Admins suspend and reactivate accounts: a suspended person's browsers and tokens stop at once, and
they are told why when they try to log in."""
import pytest
from factories import make_user

from globe.errors import InvalidInput, PermissionDenied
from globe.services import accounts


@pytest.fixture
def people(app):
    return {"admin": make_user("Ada Admin", email="ada@example.org", admin=True),
            "mei": make_user("Mei", email="mei@example.org")}


def test_a_suspended_person_is_signed_out_refused_at_login_and_told_why(make_web, people):
    admin, mei = make_web(), make_web()
    admin.login("ada@example.org")
    mei.login("mei@example.org")
    token = accounts.create_token(people["mei"], name="t", expires_in_days=None)[1]
    page = f"/admin/people/{people['mei'].id}/roles"
    admin.post(f"/admin/people/{people['mei'].id}/suspension", {"reason": "Spam in three communities.",
                                                                 "suspend": "Suspend account"}, token_from=page)
    assert "Suspended" in admin.get(page).get_data(as_text=True)
    assert mei.get("/profile").status_code == 302  # the open session ended at its next request
    assert mei.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    refused = mei.post("/login", {"email": "mei@example.org", "password": "password123"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "This account is suspended: Spam in three communities." in html
    assert "Email or password is incorrect" not in html
    wrong = mei.post("/login", {"email": "mei@example.org", "password": "wrong password"})
    assert "suspended" not in wrong.get_data(as_text=True)  # only the right password learns of it

    admin.post(f"/admin/people/{people['mei'].id}/suspension", {"reactivate": "Reactivate account"},
               token_from=page)
    mei.login("mei@example.org")
    assert mei.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_suspending_needs_a_reason_an_admin_and_someone_else(people):
    with pytest.raises(InvalidInput) as err:
        accounts.set_suspended(people["admin"], people["mei"], suspended=True, reason=" ")
    assert "reason" in err.value.fields
    with pytest.raises(InvalidInput):
        accounts.set_suspended(people["admin"], people["admin"], suspended=True, reason="testing")
    with pytest.raises(PermissionDenied):
        accounts.set_suspended(people["mei"], people["admin"], suspended=True, reason="revenge")
    assert not people["admin"].is_suspended and not people["mei"].is_suspended


def test_the_api_suspends_and_reactivates_for_admins_only(app, people):
    client = app.test_client()
    admin_token = accounts.create_token(people["admin"], name="a", expires_in_days=None)[1]
    mei_token = accounts.create_token(people["mei"], name="m", expires_in_days=None)[1]

    def put(token, body):
        return client.put(f"/api/v1/users/{people['mei'].id}", json=body,
                          headers={"Authorization": f"Bearer {token}"})

    assert put(mei_token, {"suspended": True, "reason": "x"}).status_code == 403
    assert put(admin_token, {"suspended": "yes"}).status_code == 422
    suspended = put(admin_token, {"suspended": True, "reason": "Spam."})
    assert suspended.status_code == 200 and suspended.get_json()["suspended"] is True
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {mei_token}"}).status_code == 401
    issued = client.post("/api/v1/tokens", json={"email": "mei@example.org", "password": "password123"})
    assert issued.status_code == 403 and "suspended" in issued.get_json()["detail"]
    assert put(admin_token, {"suspended": False}).get_json() == {
        "id": people["mei"].id, "display_name": "Mei", "suspended": False, "suspension_reason": ""}
