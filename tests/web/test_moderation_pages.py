"""Moderation from the pages, without JavaScript: a facilitator's moderation form (actions for the thread's
state, reason, move target), flagging a post, flags waiting on the facilitator's attention page with Hide and
Dismiss, the community's moderation log, and refusals for everyone else."""
import pytest
from factories import add_member, make_community, make_user

from globe.errors import PermissionDenied
from globe.extensions import db
from globe.models.conversations import ModerationEntry, PostFlag
from globe.services import conversations, moderation


@pytest.fixture
def club(app):
    community = make_community("club", name="Speaking club", visibility="members")
    people = {name: make_user(name, email=f"{name.lower()}@example.org") for name in ("Ana", "Bo", "Cy", "Fay")}
    for name in ("Ana", "Bo", "Cy"):
        add_member(community, people[name])
    add_member(community, people["Fay"], "facilitator")
    thread = conversations.start_thread(people["Ana"], community, kind="question", title="Zeugma warm-ups",
                                        body="How do you start?")
    return community, thread, people


def signed_in(make_web, email):
    browser = make_web()
    browser.login(email)
    return browser


def test_the_facilitator_locks_a_thread_from_its_moderation_page_and_the_log_says_why(club, make_web):
    community, thread, people = club
    fay = signed_in(make_web, "fay@example.org")
    url = f"/discussions/{thread.id}/moderate"
    page = fay.get(url).get_data(as_text=True)
    assert 'value="pin"' in page and 'value="lock"' in page and 'value="unlock"' not in page
    response = fay.post(url, {"action": "lock", "reason": "<b>Heated</b>"}, token_from=url)
    assert response.status_code == 302 and response.headers["Location"] == f"/discussions/{thread.id}"
    assert thread.is_locked and 'value="unlock"' in fay.get(url).get_data(as_text=True)
    with pytest.raises(PermissionDenied, match="locked"):
        conversations.reply(people["Bo"], thread, body="One more thing")
    log = fay.get("/c/club/moderation").get_data(as_text=True)
    assert "Lock" in log and "&lt;b&gt;Heated&lt;/b&gt;" in log and "<b>Heated" not in log and "Fay" in log


def test_hiding_or_moving_without_a_reason_shows_the_form_again_and_changes_nothing(club, make_web):
    community, thread, people = club
    grammar = make_community("grammar", name="Grammar corner", facilitator=people["Fay"])
    make_community("other", name="Not hers")
    fay = signed_in(make_web, "fay@example.org")
    url = f"/discussions/{thread.id}/moderate"
    page = fay.get(url).get_data(as_text=True)
    assert 'value="grammar"' in page and 'value="other"' not in page and 'value="club"' not in page
    for data in ({"action": "hide"}, {"action": "move", "community": "grammar"}):
        response = fay.post(url, {**data, "reason": ""}, token_from=url)
        assert response.status_code == 400 and "Reason is required." in response.get_data(as_text=True)
    assert not thread.is_hidden and thread.community_id == community.id
    unknown = fay.post(url, {"action": "explode", "reason": "x"}, token_from=url)
    assert unknown.status_code == 400 and "Action must be one of" in unknown.get_data(as_text=True)
    response = fay.post(url, {"action": "move", "community": "grammar", "reason": "Grammar"}, token_from=url)
    assert response.status_code == 302 and thread.community_id == grammar.id
    assert fay.post(url, {"action": "move", "community": "other", "reason": "x"}, token_from=url).status_code == 403


def test_members_and_outsiders_cannot_moderate_and_a_hidden_thread_is_gone_for_them(club, make_web):
    community, thread, people = club
    url = f"/discussions/{thread.id}/moderate"
    bo = signed_in(make_web, "bo@example.org")
    assert bo.get(url).status_code == 403
    assert bo.post(url, {"action": "pin"}, token_from="/attention").status_code == 403
    assert bo.get("/c/club/moderation").status_code == 403
    outsider = make_user("Olga", email="olga@example.org")
    assert signed_in(make_web, outsider.email).get(url).status_code == 404
    fay = signed_in(make_web, "fay@example.org")
    assert fay.post(url, {"action": "hide", "reason": "Spam"}, csrf=False).status_code == 400  # no CSRF token
    fay.post(url, {"action": "hide", "reason": "Spam"}, token_from=url)
    assert thread.is_hidden and bo.get(url).status_code == 404 and fay.get(url).status_code == 200
    assert "Zeugma" not in bo.get("/search?q=zeugma").get_data(as_text=True)
    assert "Zeugma" in fay.get("/c/club/moderation").get_data(as_text=True)


def test_a_member_flags_a_post_once_and_the_reason_reaches_the_facilitator_as_text(club, make_web):
    community, thread, people = club
    post = conversations.reply(people["Bo"], thread, body="Buy my course")
    ana = signed_in(make_web, "ana@example.org")
    url = f"/posts/{post.id}/flag"
    assert "Flag the post" in ana.get(url).get_data(as_text=True)
    empty = ana.post(url, {"reason": " "}, token_from=url)
    assert empty.status_code == 400 and "Reason is required." in empty.get_data(as_text=True)
    assert ana.post(url, {"reason": "spam"}, csrf=False).status_code == 400  # no CSRF token: nothing stored
    response = ana.post(url, {"reason": "<script>alert('x')</script> spam"}, token_from=url)
    assert response.status_code == 302
    assert "flagged this post already" in ana.get(url).get_data(as_text=True)
    assert ana.post(url, {"reason": "again"}, token_from="/attention").status_code == 302
    assert db.session.query(PostFlag).count() == 1
    own = signed_in(make_web, "bo@example.org").post(url, {"reason": "mine"}, token_from="/attention")
    assert own.status_code == 400 and "your own post" in own.get_data(as_text=True)
    attention = signed_in(make_web, "fay@example.org").get("/attention").get_data(as_text=True)
    assert "Buy my course" in attention and "&lt;script&gt;alert(" in attention and "<script>alert" not in attention
    assert "Buy my course" not in ana.get("/attention").get_data(as_text=True)


def test_enough_flags_hide_a_post_and_the_facilitator_dismisses_them_from_the_attention_page(club, make_web, app):
    community, thread, people = club
    app.config["FLAGS_TO_HIDE"] = 2
    post = conversations.reply(people["Bo"], thread, body="Buy my course")
    for name in ("ana", "cy"):
        browser = signed_in(make_web, f"{name}@example.org")
        browser.post(f"/posts/{post.id}/flag", {"reason": f"spam says {name}"}, token_from=f"/posts/{post.id}/flag")
    assert post.is_hidden
    fay = signed_in(make_web, "fay@example.org")
    page = fay.get("/attention").get_data(as_text=True)
    assert "spam says ana" in page and "spam says cy" in page and "hidden until you decide" in page
    resolve = f"/posts/{post.id}/flags/resolve"
    assert fay.post(resolve, {"outcome": "dismissed"}, csrf=False).status_code == 400 and post.is_hidden
    response = fay.post(resolve, {"outcome": "dismissed", "next": "/attention"}, token_from="/attention")
    assert response.status_code == 302 and response.headers["Location"] == "/attention"
    assert not post.is_hidden and "spam says ana" not in fay.get("/attention").get_data(as_text=True)
    actions = [entry.action for entry in db.session.query(ModerationEntry).order_by(ModerationEntry.id)]
    assert actions == ["hide_post", "dismiss_flags"]


def test_a_facilitator_hides_a_post_with_a_reason_and_shows_it_again(club, make_web):
    community, thread, people = club
    post = conversations.reply(people["Bo"], thread, body="Off topic")
    fay = signed_in(make_web, "fay@example.org")
    url = f"/posts/{post.id}/hide"
    assert fay.post(url, {"reason": ""}, token_from=url).status_code == 400 and not post.is_hidden
    assert fay.post(url, {"reason": "Off topic"}, token_from=url).status_code == 302 and post.is_hidden
    assert signed_in(make_web, "ana@example.org").post(url, {"reason": "x"}, token_from="/attention").status_code \
        == 403
    assert fay.post(f"/posts/{post.id}/unhide", {}, token_from=url).status_code == 302 and not post.is_hidden


def test_the_flag_page_of_a_hidden_or_deleted_post_shows_members_nothing_of_it(club, make_web):
    community, thread, people = club
    hidden = conversations.reply(people["Bo"], thread, body="Secret words")
    deleted = conversations.reply(people["Bo"], thread, body="Regretted words")
    moderation.hide_post(people["Fay"], hidden, reason="Private details")
    conversations.delete_post(people["Bo"], deleted)
    ana = signed_in(make_web, "ana@example.org")
    for post, words in ((hidden, "Secret words"), (deleted, "Regretted words")):
        page = ana.get(f"/posts/{post.id}/flag").get_data(as_text=True)
        assert words not in page and "nothing to flag" in page
    assert "Secret words" in signed_in(make_web, "fay@example.org").get(f"/posts/{hidden.id}/flag").get_data(
        as_text=True)
