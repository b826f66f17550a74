"""The "Delete my account" page: it explains, asks for the password, signs out and confirms; it refuses a
wrong password and a last facilitator (with links to hand over); afterwards the name is shown nowhere."""
import pytest
from factories import PASSWORD, add_member, make_community, make_page, make_user

from globe.extensions import db
from globe.models import User
from globe.services import resources, search

NAME = "Zebulon Quartzwhistle"


@pytest.fixture
def cop(app):
    community = make_community("speaking", name="Speaking")
    add_member(community, make_user("Fran Facilitator"), "facilitator")
    return community


@pytest.fixture
def zeb(cop):
    user = make_user(NAME, email="zeb@example.org")
    add_member(cop, user, "editor")
    return user


def delete(web, password=PASSWORD, *, token_from="/profile/delete"):
    return web.post("/profile/delete", {"password": password}, token_from=token_from)


def test_the_profile_links_to_a_page_that_says_what_happens(web, zeb):
    web.login("zeb@example.org")
    assert "/profile/delete" in web.get("/profile").get_data(as_text=True)
    page = web.get("/profile/delete").get_data(as_text=True)
    assert "Former member" in page and 'name="password"' in page and "cannot be undone" in page


def test_deleting_signs_out_and_confirms(web, zeb):
    web.login("zeb@example.org")
    response = delete(web)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account-deleted")
    assert "Your account is deleted" in web.get("/account-deleted").get_data(as_text=True)
    assert web.get("/profile").status_code == 302  # signed out: back to the login page
    refused = web.post("/login", {"email": "zeb@example.org", "password": PASSWORD})
    assert refused.status_code != 302


def test_a_wrong_password_shows_an_error_and_deletes_nothing(web, zeb):
    web.login("zeb@example.org")
    response = delete(web, "not my password")
    assert response.status_code == 400 and "This is not your password" in response.get_data(as_text=True)
    assert not db.session.get(User, zeb.id).is_deleted and web.get("/profile").status_code == 200


def test_the_form_needs_its_csrf_token(web, zeb):
    web.login("zeb@example.org")
    assert web.post("/profile/delete", {"password": PASSWORD}, csrf=False).status_code == 400
    assert not db.session.get(User, zeb.id).is_deleted


def test_a_last_facilitator_is_sent_to_hand_over(web, app):
    reading = make_community("reading", name="Reading Circle")
    solo = make_user("Solo", email="solo@example.org")
    add_member(reading, solo, "facilitator")
    web.login("solo@example.org")
    page = web.get("/profile/delete").get_data(as_text=True)
    assert "Hand over first" in page and "/c/reading/members" in page and 'name="password"' not in page
    response = delete(web, token_from="/profile")
    assert response.status_code == 409 and not db.session.get(User, solo.id).is_deleted


def test_afterwards_the_name_appears_nowhere(web, make_web, cop, zeb):
    page = make_page(cop, "Minimal pairs", "Ship or sheep?", author=zeb)
    resource = resources.add_resource(zeb, cop, url="https://example.org/pairs", title="Pairs game")
    web.login("zeb@example.org")
    delete(web)
    search.drain_queue()
    reader = make_web()
    reader.login(make_user("Reader", email="reader@example.org").email)
    for address in (f"/c/speaking/wiki/{page.slug}", f"/c/speaking/wiki/{page.slug}/history",
                    f"/resources/{resource.id}", "/c/speaking/members", "/search?q=pairs"):
        response = reader.get(address)
        assert response.status_code == 200, address
        assert "Zebulon" not in response.get_data(as_text=True), address
    assert "Former member" in reader.get(f"/c/speaking/wiki/{page.slug}/history").get_data(as_text=True)
    assert "Pairs game" in reader.get("/search?q=pairs").get_data(as_text=True)  # the contribution stays
    person = reader.get(f"/people/{zeb.id}")
    assert person.status_code == 404 and "Zebulon" not in person.get_data(as_text=True)
