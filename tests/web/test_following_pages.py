"""Following from the pages: the follow control on a community, wiki page, resource and proposal, and the
Following page that lists and changes it all."""
import io

import pytest
from factories import add_member, make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.extensions import db
from globe.models.notifications import Follow
from globe.services import following, incubator, resources


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def follows_of(user) -> list[tuple[str, int, str]]:
    return [(f.target_type, f.target_id, f.level) for f in
            db.session.scalars(db.select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))]


def test_the_community_home_offers_its_levels_and_shows_the_current_one(web, mei):
    cop = make_community("reading", name="Reading circle")
    web.login("mei@example.org")
    home = web.get("/c/reading").get_data(as_text=True)
    assert "Not following. Follow" in home and 'value="everything"' in home and 'value="new"' in home
    response = web.post("/follow", {"target_type": "community", "target_id": cop.id, "level": "new"},
                        token_from="/c/reading", query_string={"next": "/c/reading"})
    assert response.status_code == 302 and response.headers["Location"] == "/c/reading"
    assert follows_of(mei) == [("community", cop.id, "new")]
    assert "Following: New resources, pages and threads only." in web.get("/c/reading").get_data(as_text=True)


def test_pages_resources_and_proposals_have_a_follow_control(web, mei):
    cop = make_community("reading")
    add_member(cop, mei)
    page = make_page(cop, "Phonics games")
    resource = resources.add_resource(mei, cop, upload=FileStorage(io.BytesIO(b"A lesson."), filename="lesson.txt"),
                                      title="Lesson")
    proposal = incubator.create_proposal(mei, title="Reading buddies", summary="Older pupils read.",
                                         description="A scheme.", needs="reading")
    web.login("mei@example.org")
    for address, kind, target in ((f"/c/reading/wiki/{page.slug}", "page", page),
                                  (f"/resources/{resource.id}", "resource", resource),
                                  (f"/incubator/{proposal.id}", "proposal", proposal)):
        html = web.get(address).get_data(as_text=True)
        assert f'name="target_type" value="{kind}"' in html and 'value="watch"' in html, address
        web.post("/follow", {"target_type": kind, "target_id": target.id, "level": "mute"}, token_from=address)
    muted = {("page", page.id, "mute"), ("resource", resource.id, "mute"), ("proposal", proposal.id, "mute")}
    assert muted <= set(follows_of(mei))


def test_the_following_page_lists_changes_and_stops(web, mei):
    cop = make_community("reading", name="Reading circle")
    page = make_page(cop, "Phonics games")
    following.follow(mei, "community", cop.id, "everything")
    following.follow(mei, "page", page.id, "watch")
    web.login("mei@example.org")
    html = web.get("/following").get_data(as_text=True)
    assert "Reading circle" in html and "Phonics games" in html
    assert "Following: Everything." in html and "Following: Watch: tell me of every change." in html
    web.post("/follow", {"target_type": "community", "target_id": cop.id, "level": "mute"}, token_from="/following")
    web.post("/follow", {"target_type": "page", "target_id": page.id, "level": "stop"}, token_from="/following")
    assert follows_of(mei) == [("community", cop.id, "mute")]


def test_following_what_you_cannot_see_is_not_found_and_stores_nothing(web, mei):
    hidden = make_community("staff-room", visibility="members")
    page = make_page(hidden, "Pay scales")
    web.login("mei@example.org")
    for kind, target_id in (("community", hidden.id), ("page", page.id), ("resource", 999999), ("meeting", 1)):
        response = web.post("/follow", {"target_type": kind, "target_id": target_id, "level": "mute"},
                            token_from="/following")
        assert response.status_code == 404, kind
    assert follows_of(mei) == []
    assert "Pay scales" not in web.get("/following").get_data(as_text=True)


def test_an_unknown_level_is_refused(web, mei):
    cop = make_community("reading")
    web.login("mei@example.org")
    response = web.post("/follow", {"target_type": "community", "target_id": cop.id, "level": "loud"},
                        token_from="/following")
    assert response.status_code == 422 and follows_of(mei) == []


def test_visitors_see_no_follow_control(web):
    make_community("reading")
    assert "Not following" not in web.get("/c/reading").get_data(as_text=True)
