"""Invite-link pages: the Members page makes, lists and revokes links; the link joins, asks, or explains why not."""
import re

import pytest
from factories import make_community, make_user

from globe.services import communities, invite_links

LINK_RE = re.compile(r'value="https?://[^"/]+(/join/[^"]+)"')


@pytest.fixture
def cop(app):
    facilitator = make_user("Fatima", email="fatima@example.org")
    community = make_community("speaking", name="Speaking Club", policy="invite", visibility="members",
                               facilitator=facilitator)
    return community, facilitator


def make_link(web, data) -> str:
    web.login("fatima@example.org")
    created = web.post("/c/speaking/invite-links", data, token_from="/c/speaking/members")
    assert created.status_code == 200
    path = LINK_RE.search(created.get_data(as_text=True)).group(1)
    web.logout()
    return path


def test_a_facilitator_makes_a_link_that_a_signed_in_person_joins_through(make_web, cop):
    community, _ = cop
    path = make_link(make_web(), {"expires_in_days": "7", "max_uses": "5", "mode": "join"})
    make_user("Noor", email="noor@example.org")
    noor = make_web()
    noor.login("noor@example.org")
    page = noor.get(path).get_data(as_text=True)
    assert "You are invited to Speaking Club" in page and "Join Speaking Club" in page
    joined = noor.post(path, token_from=path)
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/c/speaking")
    assert "Welcome to Speaking Club!" in noor.get("/c/speaking").get_data(as_text=True)
    again = noor.post(path, token_from="/c/speaking")
    assert "You are already a member of Speaking Club." in noor.get(again.headers["Location"]).get_data(as_text=True)


def test_the_members_page_lists_active_links_with_their_uses_and_revokes_them(web, cop):
    community, facilitator = cop
    link = invite_links.create_link(facilitator, community, expires_in_days=30, max_uses=3, mode="request")[0]
    web.login("fatima@example.org")
    members = web.get("/c/speaking/members").get_data(as_text=True)
    assert f"/join/{link.prefix}" in members and "0 of 3" in members and "asks to join" in members
    revoked = web.post(f"/c/speaking/invite-links/{link.id}/revoke", token_from="/c/speaking/members")
    assert revoked.status_code == 302
    assert f"/join/{link.prefix}" not in web.get("/c/speaking/members").get_data(as_text=True)


def test_a_request_link_files_a_request(web, cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=1, mode="request")[1]
    asker = make_user(email="asker@example.org")
    web.login("asker@example.org")
    assert "Ask to join Speaking Club" in web.get(f"/join/{token}").get_data(as_text=True)
    web.post(f"/join/{token}", token_from=f"/join/{token}")
    assert communities.membership(community, asker.id).status == "pending"


def test_an_anonymous_visitor_logs_in_and_comes_back_to_the_link(web, cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=7)[1]
    page = web.get(f"/join/{token}").get_data(as_text=True)
    assert f"/login?next=/join/{token}" in page and f"/register?next=/join/{token}" in page
    make_user(email="late@example.org")
    back = web.post(f"/login?next=/join/{token}", {"email": "late@example.org", "password": "password123"})
    assert back.headers["Location"].endswith(f"/join/{token}")


def test_a_new_account_registered_from_the_link_comes_back_to_it(web, cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=7)[1]
    registered = web.post(f"/register?next=/join/{token}", {
        "email": "new@example.org", "display_name": "New Teacher", "password": "a long password 1",
        "confirm": "a long password 1"}, token_from="/register")
    assert registered.status_code == 302 and registered.headers["Location"].endswith(f"/join/{token}")


def test_an_anonymous_post_is_sent_to_log_in(web, cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=7)[1]
    refused = web.post(f"/join/{token}", token_from="/login")
    assert refused.status_code == 302 and f"/login?next=/join/{token}" in refused.headers["Location"]


def test_a_used_up_revoked_or_forged_link_shows_a_clear_page(web, cop):
    community, facilitator = cop
    link, token = invite_links.create_link(facilitator, community, expires_in_days=7, max_uses=1)
    invite_links.join_through_link(make_user(), token)
    used_up = web.get(f"/join/{token}")
    assert used_up.status_code == 410 and "used as many times" in used_up.get_data(as_text=True)
    forged = web.get("/join/not-a-real-link")
    assert forged.status_code == 400 and "copied whole" in forged.get_data(as_text=True)
    other, other_token = invite_links.create_link(facilitator, community, expires_in_days=7)
    invite_links.revoke_link(facilitator, community, other.id)
    assert web.get(f"/join/{other_token}").status_code == 410


def test_making_a_link_needs_the_csrf_token_and_a_facilitator(web, cop):
    make_user(email="outsider@example.org")
    web.login("fatima@example.org")
    assert web.post("/c/speaking/invite-links", {"expires_in_days": "7"}, csrf=False).status_code == 400
    assert invite_links.list_active_links(cop[1], cop[0]) == []
    web.logout()
    web.login("outsider@example.org")
    refused = web.post("/c/speaking/invite-links", {"expires_in_days": "7"}, token_from="/about")
    assert refused.status_code == 403
