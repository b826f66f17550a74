"""The discussion pages as people use them: a question asked, answered and accepted; quoting, editing and
deleting posts; who sees what (outsiders, visitors, locked threads); bad input refused with nothing stored;
long threads in pages."""
import re

import pytest
from factories import add_member, make_community, make_page, make_user

from globe.extensions import db
from globe.models import Post, Thread
from globe.models.base import utcnow
from globe.services import comment_sections, conversations


@pytest.fixture
def club(app):
    """A public community with two members (Ana, Bo) and a facilitator (Fay)."""
    community = make_community("club", name="Speaking club")
    ana, bo, fay = (make_user(name, email=f"{name.lower()}@example.org") for name in ("Ana", "Bo", "Fay"))
    add_member(community, ana)
    add_member(community, bo)
    add_member(community, fay, "facilitator")
    return community, ana, bo, fay


def signed_in(make_web, email):
    browser = make_web()
    browser.login(email)
    return browser


def text(response) -> str:
    return response.get_data(as_text=True)


def start(browser, title="How do you start a lesson?", body="I need warm-ups.", kind="question", **fields):
    return browser.post("/c/club/discussions/new", {"kind": kind, "title": title, "body": body, **fields},
                        token_from="/c/club/discussions/new")


def thread_id_of(response) -> int:
    return int(re.search(r"/discussions/(\d+)", response.headers["Location"])[1])


def post_id(thread_id: int, number: int) -> int:
    return db.session.scalar(db.select(Post.id).where(Post.thread_id == thread_id, Post.number == number))


def reply(browser, thread_id, body, **fields):
    return browser.post(f"/discussions/{thread_id}/replies", {"body": body, **fields},
                        token_from=f"/discussions/{thread_id}")


def test_a_question_is_asked_answered_and_accepted_and_leaves_the_unanswered_list(club, make_web):
    ana, bo = signed_in(make_web, "ana@example.org"), signed_in(make_web, "bo@example.org")
    assert "Start a discussion" in text(ana.get("/c/club/discussions"))
    started = start(ana, tags="warm-ups, A2")
    assert started.status_code == 302
    thread_id = thread_id_of(started)
    page = text(ana.get(f"/discussions/{thread_id}"))
    assert "How do you start a lesson?" in page and "I need warm-ups." in page and "warm-ups" in page
    waiting = text(bo.get("/c/club/discussions?unanswered=1"))
    assert "How do you start a lesson?" in waiting and "waiting less than a minute" in waiting

    answered = reply(bo, thread_id, "Try a **quick** quiz.")
    assert answered.status_code == 302 and answered.headers["Location"].endswith("#post-2")
    assert "<strong>quick</strong>" in text(ana.get(f"/discussions/{thread_id}"))
    assert "Accept as the answer" not in text(bo.get(f"/discussions/{thread_id}"))  # only the asker
    accepted = ana.post(f"/posts/{post_id(thread_id, 2)}/accept", token_from=f"/discussions/{thread_id}")
    assert accepted.status_code == 302

    page = text(bo.get(f"/discussions/{thread_id}"))
    assert "see the accepted answer" in page and "Accepted answer" in page
    assert "How do you start a lesson?" not in text(bo.get("/c/club/discussions?unanswered=1"))
    assert "Answered" in text(bo.get("/c/club/discussions"))
    home = text(bo.get("/c/club"))
    assert "Discussions" in home and "How do you start a lesson?" in home


def test_the_board_filters_by_kind_and_shows_a_story_as_success_or_challenge(club, make_web):
    ana = signed_in(make_web, "ana@example.org")
    start(ana, title="A lesson that worked", kind="story", story_type="success", body="It went well.")
    start(ana, title="Why not debates?", kind="idea", body="Let us try.")
    stories = text(ana.get("/c/club/discussions?kind=story"))
    assert "A lesson that worked" in stories and "Story · success" in stories and "Why not debates?" not in stories
    assert 'href="/c/club/discussions.atom"' in stories
    missing = start(ana, title="A story", kind="story", body="Something happened.")
    assert missing.status_code == 400 and "success or a challenge" in text(missing)


def test_announcements_are_offered_to_facilitators_only(club, make_web):
    ana, fay = signed_in(make_web, "ana@example.org"), signed_in(make_web, "fay@example.org")
    assert 'value="announcement"' not in text(ana.get("/c/club/discussions/new"))
    assert 'value="announcement"' in text(fay.get("/c/club/discussions/new?kind=announcement"))
    assert start(fay, title="Meeting on Friday", kind="announcement", body="At 5.").status_code == 302
    assert start(ana, title="Fake news", kind="announcement", body="Hi").status_code in (403, 303)
    assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 1


def test_quote_reply_prefills_the_quoted_text_and_records_what_it_answers(club, make_web):
    ana, bo = signed_in(make_web, "ana@example.org"), signed_in(make_web, "bo@example.org")
    thread_id = thread_id_of(start(ana, body="First line\nsecond line"))
    opening = post_id(thread_id, 1)
    page = text(bo.get(f"/discussions/{thread_id}"))
    assert f'href="/discussions/{thread_id}?reply_to={opening}#reply"' in page
    form = text(bo.get(f"/discussions/{thread_id}?reply_to={opening}"))
    assert "&gt; First line\n&gt; second line" in form and f'name="reply_to" type="hidden" value="{opening}"' in form
    reply(bo, thread_id, "> First line\n\nAgreed.", reply_to=str(opening))
    quoting = db.session.scalar(db.select(Post).where(Post.thread_id == thread_id, Post.number == 2))
    assert quoting.reply_to_id == opening
    assert "In reply to" in text(ana.get(f"/discussions/{thread_id}"))


def test_an_edit_is_marked_edited_and_keeps_the_earlier_text(club, make_web):
    ana, bo = signed_in(make_web, "ana@example.org"), signed_in(make_web, "bo@example.org")
    thread_id = thread_id_of(start(ana, body="Old text"))
    opening = post_id(thread_id, 1)
    assert bo.get(f"/posts/{opening}/edit").status_code == 403
    form = text(ana.get(f"/posts/{opening}/edit"))
    assert "Old text" in form and 'name="title"' in form
    saved = ana.post(f"/posts/{opening}/edit", {"title": "A better title", "body": "New text", "tags": "openers"},
                     token_from=f"/posts/{opening}/edit")
    assert saved.status_code == 302
    page = text(bo.get(f"/discussions/{thread_id}"))
    assert "A better title" in page and "New text" in page and f'href="/posts/{opening}/revisions">edited' in page
    history = text(bo.get(f"/posts/{opening}/revisions"))
    assert "Old text" in history and "New text" in history
    emptied = ana.post(f"/posts/{opening}/edit", {"title": "", "body": "Kept?"}, token_from=f"/posts/{opening}/edit")
    assert emptied.status_code == 400 and "Title is required." in text(emptied) and "Kept?" in text(emptied)


def test_delete_asks_first_and_a_facilitator_sees_and_restores_the_post(club, make_web):
    ana, bo = signed_in(make_web, "ana@example.org"), signed_in(make_web, "bo@example.org")
    fay = signed_in(make_web, "fay@example.org")
    thread_id = thread_id_of(start(ana))
    reply(bo, thread_id, "A regrettable reply")
    second = post_id(thread_id, 2)
    question = bo.get(f"/posts/{second}/delete")
    assert question.status_code == 200 and "Delete this post?" in text(question)
    assert "A regrettable reply" in text(ana.get(f"/discussions/{thread_id}"))  # nothing happened yet
    assert bo.post(f"/posts/{second}/delete", token_from=f"/posts/{second}/delete").status_code == 302

    page = text(ana.get(f"/discussions/{thread_id}"))
    assert "This post was deleted." in page and "A regrettable reply" not in page
    moderated = text(fay.get(f"/discussions/{thread_id}"))
    assert "A regrettable reply" in moderated and "only moderators see it" in moderated
    assert f'/discussions/{thread_id}/moderate' in moderated and "Moderate" in moderated
    assert "/moderate" not in page
    assert fay.post(f"/posts/{second}/restore", token_from=f"/discussions/{thread_id}").status_code == 302
    assert "A regrettable reply" in text(ana.get(f"/discussions/{thread_id}"))


def test_thanks_and_flag_links_are_for_others_posts(club, make_web):
    ana, bo = signed_in(make_web, "ana@example.org"), signed_in(make_web, "bo@example.org")
    thread_id = thread_id_of(start(ana))
    opening = post_id(thread_id, 1)
    assert f"/posts/{opening}/flag" not in text(ana.get(f"/discussions/{thread_id}"))
    assert f"/posts/{opening}/flag" in text(bo.get(f"/discussions/{thread_id}"))
    assert bo.post(f"/posts/{opening}/thanks", token_from=f"/discussions/{thread_id}").status_code == 302
    page = text(bo.get(f"/discussions/{thread_id}"))
    assert "1 thank" in page and "Take back thanks" in page
    bo.post(f"/posts/{opening}/thanks/remove", token_from=f"/discussions/{thread_id}")
    assert "1 thank" not in text(bo.get(f"/discussions/{thread_id}"))


def test_an_outsider_finds_neither_a_members_only_thread_nor_its_board(app, make_web):
    secret = make_community("secret", visibility="members")
    member = make_user(email="member@example.org")
    add_member(secret, member)
    thread = conversations.start_thread(member, secret, kind="idea", title="Private plans", body="Hush")
    make_user(email="out@example.org")
    outsider = signed_in(make_web, "out@example.org")
    assert outsider.get(f"/discussions/{thread.id}").status_code == 404
    assert outsider.get(f"/posts/{post_id(thread.id, 1)}").status_code == 404
    board = outsider.get("/c/secret/discussions")
    assert board.status_code == 403 and "Private plans" not in text(board)  # the join page, like the wiki's
    assert "Private plans" not in text(outsider.get("/c/secret"))


def test_a_visitor_reads_a_public_thread_but_is_asked_to_log_in_to_reply(club, make_web, web):
    ana = signed_in(make_web, "ana@example.org")
    thread_id = thread_id_of(start(ana))
    page = text(web.get(f"/discussions/{thread_id}"))
    assert "I need warm-ups." in page and "to reply." in page and "Log in" in page
    assert 'name="body"' not in page and "/flag" not in page and "Thank" not in page
    assert "Start a discussion" not in text(web.get("/c/club/discussions"))


def test_a_locked_thread_shows_no_reply_form(club, make_web):
    ana = signed_in(make_web, "ana@example.org")
    thread_id = thread_id_of(start(ana))
    db.session.get(Thread, thread_id).locked_at = utcnow()
    db.session.commit()
    page = text(ana.get(f"/discussions/{thread_id}"))
    assert "nobody can reply to it any more" in page and 'name="body"' not in page
    refused = reply(ana, thread_id, "Still here?")
    assert refused.status_code == 403 and "Still here?" in text(refused)
    assert db.session.get(Thread, thread_id).post_count == 1


def test_script_in_title_body_and_tags_is_shown_as_text(club, make_web):
    ana = signed_in(make_web, "ana@example.org")
    attack = "<script>alert(1)</script>"
    thread_id = thread_id_of(start(ana, title=f"Hi {attack}", body=f"Body {attack} <img src=x onerror=alert(2)>",
                                   tags=attack))
    for url in (f"/discussions/{thread_id}", "/c/club/discussions", "/c/club"):
        page = text(ana.get(url))
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in text(ana.get(f"/discussions/{thread_id}"))


def test_a_one_megabyte_post_gets_a_clear_error_and_nothing_is_stored(club, make_web):
    ana = signed_in(make_web, "ana@example.org")
    refused = start(ana, body="x" * 1_000_000)
    assert refused.status_code == 400 and "at most 20,000 characters" in text(refused)
    assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 0
    thread_id = thread_id_of(start(ana))
    refused = reply(ana, thread_id, "y" * 1_000_000)
    assert refused.status_code == 400 and "at most 20,000 characters" in text(refused)
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 1


def test_a_long_thread_is_read_in_pages_with_plain_links(club, make_web, app):
    app.config.update(POSTS_PER_PAGE=5, NEW_ACCOUNT_DAYS=0)
    community, ana, bo, _fay = club
    thread = conversations.start_thread(ana, community, kind="idea", title="Long", body="Post number one")
    for n in range(2, 13):
        conversations.reply(bo, thread, body=f"Post number {n} here")
    browser = signed_in(make_web, "ana@example.org")
    first = text(browser.get(f"/discussions/{thread.id}"))
    assert "Post number 5 here" in first and "Post number 6 here" not in first
    assert f'href="/discussions/{thread.id}?page=2#posts"' in first and "Page 1 of 3" in first
    last = text(browser.get(f"/discussions/{thread.id}?page=3"))
    assert "Post number 12 here" in last and "Post number 10 here" not in last
    jump = browser.get(f"/posts/{post_id(thread.id, 7)}")
    assert jump.headers["Location"] == f"/discussions/{thread.id}?page=2#post-7"


def test_forms_without_the_csrf_token_change_nothing(club, make_web):
    ana = signed_in(make_web, "ana@example.org")
    thread_id = thread_id_of(start(ana))
    refused = ana.post(f"/discussions/{thread_id}/replies", {"body": "Forged"}, csrf=False)
    assert refused.status_code == 400
    assert db.session.get(Thread, thread_id).post_count == 1


def test_the_author_follows_the_discussion_and_finds_it_among_what_they_follow(club, make_web):
    ana = signed_in(make_web, "ana@example.org")
    thread_id = thread_id_of(start(ana))
    page = text(ana.get(f"/discussions/{thread_id}"))
    assert 'name="target_type" value="thread"' in page and "Following:" in page
    following = text(ana.get("/following"))
    assert "Discussions" in following and f'href="/discussions/{thread_id}"' in following


def test_post_routes_serve_comments_too_and_lead_back_to_what_they_are_about(club, make_web):
    community, ana, _bo, _fay = club
    page = make_page(community, "Warm-ups")
    comment = comment_sections.comment(ana, page, body="Nice page")
    ana_browser = signed_in(make_web, "ana@example.org")
    assert ana_browser.get(f"/posts/{comment.id}").headers["Location"] == "/c/club/wiki/warm-ups#post-1"
    form = text(ana_browser.get(f"/posts/{comment.id}/edit"))
    assert "Nice page" in form and 'name="title"' not in form
    saved = ana_browser.post(f"/posts/{comment.id}/edit", {"body": "Very nice page"},
                             token_from=f"/posts/{comment.id}/edit")
    assert saved.headers["Location"] == "/c/club/wiki/warm-ups#post-1"
    bo = signed_in(make_web, "bo@example.org")
    thanked = bo.post(f"/posts/{comment.id}/thanks", token_from="/c/club/wiki/warm-ups")
    assert thanked.headers["Location"] == "/c/club/wiki/warm-ups#post-1"
    assert db.session.get(Post, comment.id).thanks_count == 1


def test_deleting_the_opening_post_deletes_the_discussion_until_a_facilitator_restores_it(club, make_web):
    ana, fay = signed_in(make_web, "ana@example.org"), signed_in(make_web, "fay@example.org")
    thread_id = thread_id_of(start(ana))
    opening = post_id(thread_id, 1)
    assert "Delete this discussion?" in text(ana.get(f"/posts/{opening}/delete"))
    deleted = ana.post(f"/posts/{opening}/delete", token_from=f"/posts/{opening}/delete")
    assert deleted.headers["Location"] == "/c/club/discussions"
    assert "How do you start a lesson?" not in text(ana.get("/c/club/discussions"))
    assert ana.get(f"/discussions/{thread_id}").status_code == 404
    page = text(fay.get(f"/discussions/{thread_id}"))
    assert "Deleted" in page and "This discussion is deleted: nobody can reply to it." in page
    fay.post(f"/posts/{opening}/restore", token_from=f"/discussions/{thread_id}")
    assert "How do you start a lesson?" in text(ana.get("/c/club/discussions"))


def test_a_new_account_over_its_hourly_posts_is_told_to_wait_and_keeps_its_text(club, make_web, app):
    app.config["NEW_ACCOUNT_POSTS_PER_HOUR"] = 1
    ana = signed_in(make_web, "ana@example.org")
    thread_id = thread_id_of(start(ana))
    refused = reply(ana, thread_id, "One more thought")
    assert refused.status_code == 429 and "please wait" in text(refused) and "One more thought" in text(refused)
