"""A refusal is a message on the page the person was on, with what to do next, never a bare error page."""
from factories import add_member, make_community, make_page, make_user

from globe.services import boards, resources

SITE = "http://localhost"


def _resource_on_a_board(owner_email: str):
    owner = make_user(email=owner_email)
    community = make_community("speaking")
    add_member(community, owner)
    resource = resources.add_resource(owner, community, url="https://example.org/chant", title="Animal chant",
                                      license="cc-by")
    board = boards.create_board(owner, name="Warm-ups")
    boards.add_item(owner, board, resource)
    return resource, board


def test_adding_a_resource_to_a_board_twice_is_a_message_on_the_page(web, app):
    resource, board = _resource_on_a_board("mei@example.org")
    web.login("mei@example.org")
    page = f"/resources/{resource.id}"
    response = web.post(f"/boards/{board.id}/items", {"resource_id": str(resource.id)}, token_from=page,
                        headers={"Referer": SITE + page})
    assert response.status_code == 303 and response.headers["Location"] == page
    html = web.get(page).get_data(as_text=True)
    assert "This resource is already on the board." in html and 'class="flash flash-error"' in html


def test_without_a_referring_page_the_refusal_keeps_its_status(web, app):
    resource, board = _resource_on_a_board("mei@example.org")
    web.login("mei@example.org")
    response = web.post(f"/boards/{board.id}/items", {"resource_id": str(resource.id)},
                        token_from=f"/resources/{resource.id}")
    assert response.status_code == 409 and "already on the board" in response.get_data(as_text=True)


def test_a_referrer_on_another_site_is_never_followed(web, app):
    resource, board = _resource_on_a_board("mei@example.org")
    web.login("mei@example.org")
    response = web.post(f"/boards/{board.id}/items", {"resource_id": str(resource.id)},
                        token_from=f"/resources/{resource.id}", headers={"Referer": "https://evil.example/x"})
    assert response.status_code == 409


def test_demoting_the_last_facilitator_says_what_to_do_on_the_members_page(web, app):
    facilitator = make_user(email="fac@example.org")
    make_community("speaking", facilitator=facilitator)
    web.login("fac@example.org")
    response = web.post("/c/speaking/members/role", {"user_id": str(facilitator.id), "role": "member"},
                        token_from="/c/speaking/members", headers={"Referer": SITE + "/c/speaking/members"})
    assert response.status_code == 303 and response.headers["Location"] == "/c/speaking/members"
    html = web.get("/c/speaking/members").get_data(as_text=True)
    assert "appoint another one first" in html


def test_outsider_opening_a_members_only_wiki_page_is_told_how_to_join(web, app):
    community = make_community("research", name="Research", visibility="members", policy="request")
    make_page(community, "Plans", body="Confidential plans")
    make_user(email="outsider@example.org")
    web.login("outsider@example.org")
    response = web.get("/c/research/wiki/plans")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "for its members only" in html and "Request to join" in html and "Confidential plans" not in html


def test_members_only_members_list_explains_how_to_join_too(web, app):
    make_community("research", visibility="members", policy="open")
    make_user(email="outsider@example.org")
    web.login("outsider@example.org")
    response = web.get("/c/research/members")
    assert response.status_code == 403 and "Join this community" in response.get_data(as_text=True)
