"""Moderation through /api/v1: flagging a post (once, with a reason), moderating threads and posts, and the
moderation log, for moderators only, with problem+json refusals."""
import pytest
from factories import make_club, make_community, make_user

from globe.services import accounts, conversations


def token_of(user) -> str:
    return accounts.create_token(user, name="t", expires_in_days=None)[1]


@pytest.fixture
def club(app):
    community, ana, bo, fay = make_club("Ana")
    thread = conversations.start_thread(ana, community, kind="question", title="Warm-ups?", body="Ideas please")
    post = conversations.reply(bo, thread, body="Buy my course")
    return community, thread, post, {"ana": token_of(ana), "bo": token_of(bo), "fay": token_of(fay)}


def test_a_member_flags_a_post_once(api, club):
    _community, _thread, post, tokens = club
    url = f"/api/v1/posts/{post.id}/flags"
    response = api("POST", url, tokens["ana"], json={"reason": "<script>x</script> spam"})
    assert response.status_code == 201
    assert response.get_json()["reason"] == "<script>x</script> spam" and response.get_json()["post_hidden"] is False
    again = api("POST", url, tokens["ana"], json={"reason": "again"})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    own = api("POST", url, tokens["bo"], json={"reason": "mine"})
    assert own.status_code == 422 and "post" in own.get_json()["errors"]
    assert api("POST", url, tokens["fay"], json={}).status_code == 422
    assert api("POST", url, tokens["fay"], json={"reason": 5}).status_code == 422
    assert api("POST", url, json={"reason": "anonymous"}).status_code == 401
    assert api("POST", url, token_of(make_user("Olga")), json={"reason": "outsider"}).status_code == 404


def test_a_facilitator_moderates_a_thread_and_a_member_cannot(api, club):
    community, thread, _post, tokens = club
    url = f"/api/v1/threads/{thread.id}/moderation"
    assert api("POST", url, tokens["ana"], json={"action": "lock"}).status_code == 403
    state = api("POST", url, tokens["fay"], json={"action": "lock", "reason": "Heated"})
    assert state.status_code == 200
    assert state.get_json() == {"id": thread.id, "community": "club", "pinned": False, "locked": True,
                                "closed": False, "hidden": False, "deleted": False}
    refused = api("POST", url, tokens["fay"], json={"action": "hide"})
    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
    assert api("POST", url, tokens["fay"], json={"action": "melt"}).status_code == 422
    unknown = api("POST", url, tokens["fay"], json={"action": "move", "reason": "x", "community": "nowhere"})
    assert unknown.status_code == 422 and "community" in unknown.get_json()["errors"]
    make_community("grammar", visibility="members", facilitator=make_user("Gil"))
    other = api("POST", url, tokens["fay"], json={"action": "move", "reason": "x", "community": "grammar"})
    assert other.status_code == 403 and thread.community_id == community.id


def test_posts_are_hidden_shown_and_flags_dismissed_and_the_log_lists_it_all(api, club, app):
    community, _thread, post, tokens = club
    url = f"/api/v1/posts/{post.id}/moderation"
    assert api("POST", url, tokens["ana"], json={"action": "hide", "reason": "spam"}).status_code == 403
    assert api("POST", url, tokens["fay"], json={"action": "hide"}).status_code == 422
    hidden = api("POST", url, tokens["fay"], json={"action": "hide", "reason": "Spam"}).get_json()
    assert hidden["hidden"] is True and hidden["hidden_reason"] == "Spam"
    assert api("POST", url, tokens["fay"], json={"action": "unhide"}).get_json()["hidden"] is False
    app.config["FLAGS_TO_HIDE"] = 1
    flagged = api("POST", f"/api/v1/posts/{post.id}/flags", tokens["ana"], json={"reason": "Spam"}).get_json()
    assert flagged["post_hidden"] is True
    dismissed = api("POST", url, tokens["fay"], json={"action": "dismiss_flags", "reason": "Fine"}).get_json()
    assert dismissed == {"id": post.id, "thread_id": post.thread_id, "hidden": False, "hidden_reason": "",
                         "open_flags": 0}
    log = api("GET", "/api/v1/communities/club/moderation-log?per_page=2", tokens["fay"])
    body = log.get_json()
    assert log.status_code == 200 and body["total"] == 4 and 'rel="next"' in log.headers["Link"]
    assert [item["action"] for item in body["items"]] == ["dismiss_flags", "hide_post"]
    assert body["items"][1]["actor"] is None and body["items"][1]["reason"] == "flagged by 1 person"
    assert api("GET", "/api/v1/communities/club/moderation-log", tokens["ana"]).status_code == 403
    assert api("GET", "/api/v1/communities/club/moderation-log").status_code == 401
    assert api("GET", "/api/v1/communities/nowhere/moderation-log", tokens["fay"]).status_code == 404
