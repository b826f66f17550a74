"""Discussions and comments over the API: a community's board, threads with paged posts, replies, edits,
deletion and restoring, accepted answers, thanks, revisions, comments on pages, resources and proposals; and
bad input answered with clear problems and nothing stored."""
import pytest
from factories import add_member, make_community, make_page, make_user
from sqlalchemy import event

from globe.extensions import db
from globe.models import Post, Thread
from globe.models.base import utcnow
from globe.services import accounts, incubator, resources

QUESTION = {"kind": "question", "title": "How do you start a lesson?", "body": "I need **warm-ups**.",
            "tags": ["warmers", "speaking"]}


def token_of(user, **kwargs) -> str:
    return accounts.create_token(user, name="t", expires_in_days=None, **kwargs)[1]


@pytest.fixture
def club(app, api):
    """A members-only club: Ana and Bo are members, Fay facilitates, Olga is outside. Accounts are not new here
    (the new-account posting limit has a test of its own)."""
    app.config["NEW_ACCOUNT_DAYS"] = 0
    community = make_community("club", name="Speaking club", visibility="members")
    people = {name: make_user(name) for name in ("Ana", "Bo", "Fay", "Olga")}
    add_member(community, people["Ana"])
    add_member(community, people["Bo"])
    add_member(community, people["Fay"], "facilitator")

    class Club:
        cop = community
        users = people
        tokens = {name: token_of(user) for name, user in people.items()}

        @staticmethod
        def call(method, url, who=None, *, token=None, **kwargs):
            return api(method, "/api/v1" + url, token=Club.tokens[who] if who else token, **kwargs)

        @staticmethod
        def ask(who="Ana", **fields):
            answer = Club.call("POST", "/communities/club/threads", who, json={**QUESTION, **fields})
            assert answer.status_code == 201, answer.get_json()
            return answer.get_json()

        @staticmethod
        def say(thread_id, who="Bo", body="Try a quiz.", **fields):
            answer = Club.call("POST", f"/threads/{thread_id}/posts", who, json={"body": body, **fields})
            assert answer.status_code == 201, answer.get_json()
            return answer.get_json()
    return Club


def posts_stored() -> int:
    db.session.expire_all()
    return db.session.query(Post).count()


def problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.get_json()
    assert answer.mimetype == "application/problem+json"
    return answer.get_json()


# --- happy paths ---------------------------------------------------------------------------------

def test_a_member_starts_a_thread_and_the_board_lists_it(club):
    created = club.ask()
    assert created["kind"] == "question" and created["community"] == "club" and created["tags"] == QUESTION["tags"]
    assert created["author"] == {"id": club.users["Ana"].id, "display_name": "Ana"}
    assert created["reply_count"] == 0 and created["accepted_post_id"] is None and created["url"] == \
        f"/discussions/{created['id']}"
    assert not (created["pinned"] or created["locked"] or created["closed"])
    club.ask(kind="story", story_type="success", title="My best lesson")
    board = club.call("GET", "/communities/club/threads", "Bo").get_json()
    assert board["total"] == 2 and board["page"] == 1 and {t["title"] for t in board["items"]} == \
        {"How do you start a lesson?", "My best lesson"}
    stories = club.call("GET", "/communities/club/threads?kind=story", "Bo").get_json()
    assert [t["story_type"] for t in stories["items"]] == ["success"]
    unanswered = club.call("GET", "/communities/club/threads?unanswered=1", "Bo").get_json()
    assert [t["id"] for t in unanswered["items"]] == [created["id"]]


def test_the_board_is_paged_with_a_link_header(club):
    for n in range(3):
        club.ask(title=f"Question {n}")
    first = club.call("GET", "/communities/club/threads?per_page=2", "Bo")
    assert first.get_json()["total"] == 3 and len(first.get_json()["items"]) == 2
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    second = club.call("GET", "/communities/club/threads?per_page=2&page=2", "Bo")
    assert len(second.get_json()["items"]) == 1 and 'rel="prev"' in second.headers["Link"]


def test_a_thread_comes_with_a_page_of_its_posts(club):
    thread = club.ask()
    reply = club.say(thread["id"])
    quote = club.say(thread["id"], "Ana", "Good idea @Bo", reply_to=reply["id"])
    assert quote["number"] == 3 and quote["reply_to"] == reply["id"] and quote["thread_id"] == thread["id"]
    assert '/people/' in quote["html"] and quote["author"]["display_name"] == "Ana"
    assert quote["thanks"] == 0 and quote["thanked"] is False and quote["url"].endswith("#post-3")
    shown = club.call("GET", f"/threads/{thread['id']}?per_page=2", "Bo")
    body = shown.get_json()
    assert body["title"] == QUESTION["title"] and body["reply_count"] == 2
    assert body["posts"]["total"] == 3 and [p["number"] for p in body["posts"]["items"]] == [1, 2]
    assert "<strong>warm-ups</strong>" in body["posts"]["items"][0]["html"]
    assert 'rel="next"' in shown.headers["Link"]
    rest = club.call("GET", f"/threads/{thread['id']}/posts?per_page=2&page=2", "Bo").get_json()
    assert [p["number"] for p in rest["items"]] == [3] and rest["total"] == 3
    assert club.call("GET", f"/threads/{thread['id']}/posts?page=9", "Bo").get_json()["items"] == []
    assert club.call("GET", f"/posts/{reply['id']}", "Ana").get_json()["body"] == "Try a quiz."


def statements_run(call) -> int:
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert call().status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_a_page_of_posts_takes_as_many_queries_however_many_posts_and_authors_it_shows(club):
    thread = club.ask()
    people = [make_user(f"Writer {n}") for n in range(12)]
    for person in people:
        add_member(club.cop, person)
        token = token_of(person)
        club.call("POST", f"/threads/{thread['id']}/posts", token=token, json={"body": f"{person.display_name} here."})
        club.call("POST", f"/posts/{club.say(thread['id'], 'Fay')['id']}/thanks", token=token)
    club.call("GET", f"/threads/{thread['id']}", "Bo")  # the token's first use of the day is recorded once

    def shown(per_page: int) -> int:
        db.session.expire_all()
        return statements_run(lambda: club.call("GET", f"/threads/{thread['id']}?per_page={per_page}", "Bo"))
    assert shown(3) == shown(25)


def test_the_author_edits_the_thread_and_a_post_and_earlier_texts_are_kept(club):
    thread = club.ask()
    changed = club.call("PATCH", f"/threads/{thread['id']}", "Ana",
                        json={"title": "Starting lessons", "tags": "openers", "body": "Warm-ups, please."})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Starting lessons"
    assert changed.get_json()["tags"] == ["openers"]
    opening = club.call("GET", f"/threads/{thread['id']}", "Bo").get_json()["posts"]["items"][0]
    assert opening["body"] == "Warm-ups, please." and opening["edited"] is not None
    history = club.call("GET", f"/posts/{opening['id']}/revisions", "Bo").get_json()
    assert history["total"] == 1 and history["items"][0]["body"] == QUESTION["body"]
    reply = club.say(thread["id"])
    edited = club.call("PATCH", f"/posts/{reply['id']}", "Bo", json={"body": "Try a short quiz."})
    assert edited.status_code == 200 and edited.get_json()["body"] == "Try a short quiz."
    problem(club.call("PATCH", f"/posts/{reply['id']}", "Ana", json={"body": "Mine now"}), 403)
    problem(club.call("PATCH", f"/threads/{thread['id']}", "Bo", json={"title": "Mine now"}), 403)


def test_deleted_posts_are_placeholders_and_facilitators_restore_them(club):
    thread = club.ask()
    reply = club.say(thread["id"])
    assert club.call("DELETE", f"/posts/{reply['id']}", "Bo").status_code == 204
    seen = club.call("GET", f"/threads/{thread['id']}/posts", "Ana").get_json()["items"][1]
    assert seen == {"id": reply["id"], "thread_id": thread["id"], "number": 2, "deleted": True, "hidden": False}
    moderated = club.call("GET", f"/threads/{thread['id']}/posts", "Fay").get_json()["items"][1]
    assert moderated["deleted"] is True and moderated["body"] == "Try a quiz."
    problem(club.call("POST", f"/posts/{reply['id']}/restore", "Ana"), 403)
    restored = club.call("POST", f"/posts/{reply['id']}/restore", "Fay")
    assert restored.status_code == 200 and restored.get_json()["deleted"] is False


def test_deleting_the_thread_hides_it_from_members_until_restored(club):
    thread = club.ask()
    problem(club.call("DELETE", f"/threads/{thread['id']}", "Bo"), 403)
    assert club.call("DELETE", f"/threads/{thread['id']}", "Ana").status_code == 204
    problem(club.call("GET", f"/threads/{thread['id']}", "Bo"), 404)
    assert club.call("GET", "/communities/club/threads", "Bo").get_json()["total"] == 0
    seen = club.call("GET", f"/threads/{thread['id']}", "Fay").get_json()
    assert seen["deleted"] is True
    club.call("POST", f"/posts/{seen['posts']['items'][0]['id']}/restore", "Fay")
    assert club.call("GET", f"/threads/{thread['id']}", "Bo").status_code == 200


def test_the_asker_accepts_an_answer_and_can_take_it_back(club):
    thread = club.ask()
    answer = club.say(thread["id"])
    other = club.say(thread["id"], "Fay", "Sing a song.")
    problem(club.call("POST", f"/posts/{answer['id']}/accept", "Bo"), 403)
    accepted = club.call("POST", f"/posts/{answer['id']}/accept", "Ana")
    assert accepted.status_code == 200 and accepted.get_json()["accepted_post_id"] == answer["id"]
    assert club.call("GET", "/communities/club/threads?unanswered=1", "Bo").get_json()["total"] == 0
    assert club.call("DELETE", f"/threads/{thread['id']}/accepted", "Ana").status_code == 204
    assert club.call("GET", f"/threads/{thread['id']}", "Ana").get_json()["accepted_post_id"] is None
    assert club.call("POST", f"/posts/{other['id']}/accept", "Fay").status_code == 200  # a facilitator may too
    opening = club.call("GET", f"/threads/{thread['id']}", "Ana").get_json()["posts"]["items"][0]
    assert "post" in problem(club.call("POST", f"/posts/{opening['id']}/accept", "Ana"), 422)["errors"]


def test_thanks_once_never_your_own(club):
    thread = club.ask()
    opening = club.call("GET", f"/threads/{thread['id']}", "Bo").get_json()["posts"]["items"][0]
    url = f"/posts/{opening['id']}/thanks"
    assert club.call("POST", url, "Bo").get_json() == {"thanks": 1, "thanked": True}
    problem(club.call("POST", url, "Bo"), 409)
    assert "thanks" in problem(club.call("POST", url, "Ana"), 422)["errors"]
    problem(club.call("POST", url), 401)
    assert club.call("GET", f"/posts/{opening['id']}", "Bo").get_json()["thanked"] is True
    assert club.call("DELETE", url, "Bo").get_json() == {"thanks": 0, "thanked": False}
    problem(club.call("POST", url, "Olga"), 404)


def test_resources_and_wiki_pages_are_thanked(club):
    resource = resources.add_resource(club.users["Ana"], club.cop, url="https://example.org/song", title="A song")
    make_page(club.cop, "Warm-ups", author=club.users["Fay"])
    for url, author in ((f"/resources/{resource.id}/thanks", "Ana"), ("/communities/club/wiki/warm-ups/thanks", "Fay")):
        assert club.call("POST", url, "Bo").get_json() == {"thanks": 1, "thanked": True}
        problem(club.call("POST", url, "Bo"), 409)
        problem(club.call("POST", url, author), 422)
        problem(club.call("POST", url), 401)
        assert club.call("DELETE", url, "Bo").get_json() == {"thanks": 0, "thanked": False}
    problem(club.call("POST", f"/resources/{resource.id}/thanks", "Olga"), 404)


def test_comments_on_a_page_and_a_resource(club):
    make_page(club.cop, "Warm-ups", author=club.users["Fay"])
    resource = resources.add_resource(club.users["Ana"], club.cop, url="https://example.org/song", title="A song")
    for url in ("/communities/club/wiki/warm-ups/comments", f"/resources/{resource.id}/comments"):
        empty = club.call("GET", url, "Bo").get_json()
        assert empty == {"items": [], "total": 0, "page": 1, "per_page": 20}
        first = club.call("POST", url, "Bo", json={"body": "Lovely, thanks."})
        assert first.status_code == 201 and first.get_json()["number"] == 1, first.get_json()
        second = club.call("POST", url, "Ana", json={"body": "Glad it helps.", "reply_to": first.get_json()["id"]})
        assert second.get_json()["reply_to"] == first.get_json()["id"]
        listed = club.call("GET", url, "Fay").get_json()
        assert [c["body"] for c in listed["items"]] == ["Lovely, thanks.", "Glad it helps."]
        assert listed["items"][0]["url"].endswith("#post-1")
        problem(club.call("GET", url, "Olga"), 403 if "wiki" in url else 404)
        problem(club.call("POST", url, "Olga", json={"body": "Hi"}), 403 if "wiki" in url else 404)


def test_comment_threads_are_read_as_threads_but_changed_post_by_post(club):
    make_page(club.cop, "Warm-ups", author=club.users["Fay"])
    comment = club.call("POST", "/communities/club/wiki/warm-ups/comments", "Bo", json={"body": "Nice"}).get_json()
    thread = club.call("GET", f"/threads/{comment['thread_id']}", "Ana").get_json()
    assert thread["kind"] == "comments" and thread["subject"]["type"] == "page" and thread["url"] is None
    problem(club.call("PATCH", f"/threads/{comment['thread_id']}", "Bo", json={"body": "Changed"}), 422)
    problem(club.call("DELETE", f"/threads/{comment['thread_id']}", "Bo"), 422)
    assert club.call("PATCH", f"/posts/{comment['id']}", "Bo", json={"body": "Changed"}).status_code == 200
    assert club.call("DELETE", f"/posts/{comment['id']}", "Bo").status_code == 204


def test_a_proposals_comments_are_for_its_team_mentors_and_admins(club):
    ana = club.users["Ana"]
    proposal = incubator.create_proposal(ana, title="Pen pals", summary="Letters between classes",
                                         description="Pair classes")
    url = f"/proposals/{proposal.id}/comments"
    assert club.call("GET", url, "Ana").get_json()["total"] == 0
    assert club.call("POST", url, "Ana", json={"body": "First steps?"}).status_code == 201
    assert club.call("GET", url, "Ana").get_json()["items"][0]["body"] == "First steps?"
    problem(club.call("GET", url, "Bo"), 404)
    problem(club.call("POST", url, "Bo", json={"body": "Me too"}), 404)
    assert posts_stored() == 1


# --- bad input -----------------------------------------------------------------------------------

def test_outsiders_cannot_read_or_post_in_a_members_only_club(club):
    thread = club.ask()
    problem(club.call("GET", "/communities/club/threads", "Olga"), 403)
    problem(club.call("GET", f"/threads/{thread['id']}", "Olga"), 404)
    problem(club.call("GET", f"/threads/{thread['id']}"), 404)
    problem(club.call("POST", f"/threads/{thread['id']}/posts", "Olga", json={"body": "Hi"}), 404)
    problem(club.call("POST", "/communities/club/threads", "Olga", json=QUESTION), 403)
    problem(club.call("POST", "/communities/club/threads", json=QUESTION), 401)
    problem(club.call("POST", "/communities/nowhere/threads", "Ana", json=QUESTION), 404)
    assert posts_stored() == 1


def test_a_locked_thread_takes_no_reply(club):
    thread = club.ask()
    db.session.get(Thread, thread["id"]).locked_at = utcnow()
    db.session.commit()
    refused = problem(club.call("POST", f"/threads/{thread['id']}/posts", "Bo", json={"body": "Late"}), 403)
    assert "locked" in refused["detail"]
    assert club.call("GET", f"/threads/{thread['id']}", "Bo").get_json()["locked"] is True
    assert posts_stored() == 1


def test_only_facilitators_announce_and_a_story_says_what_it_is(club):
    problem(club.call("POST", "/communities/club/threads", "Ana", json={**QUESTION, "kind": "announcement"}), 403)
    assert club.ask("Fay", kind="announcement")["kind"] == "announcement"
    assert "story_type" in problem(club.call("POST", "/communities/club/threads", "Ana",
                                             json={**QUESTION, "kind": "story"}), 422)["errors"]
    assert "kind" in problem(club.call("POST", "/communities/club/threads", "Ana",
                                       json={**QUESTION, "kind": "rant"}), 422)["errors"]


@pytest.mark.parametrize("fields, field", [
    ({"title": 5}, "title"), ({"body": None}, "body"), ({"tags": {"a": 1}}, "tags"), ({"kind": ["question"]}, "kind"),
    ({"title": ""}, "title"), ({"body": "   "}, "body"),
])
def test_wrong_thread_fields_are_refused_and_nothing_stored(club, fields, field):
    answer = club.call("POST", "/communities/club/threads", "Ana", json={**QUESTION, **fields})
    assert field in problem(answer, 422)["errors"]
    assert posts_stored() == 0


@pytest.mark.parametrize("body", [{"body": None}, {"body": 7}, {"body": "Hi", "reply_to": "2"},
                                  {"body": "Hi", "reply_to": True}, {"body": "Hi", "reply_to": 999_999}])
def test_wrong_reply_fields_are_refused_and_nothing_stored(club, body):
    thread = club.ask()
    assert problem(club.call("POST", f"/threads/{thread['id']}/posts", "Bo", json=body), 422)["errors"]
    assert posts_stored() == 1


def test_a_reply_quotes_only_a_post_of_its_own_thread(club):
    first, second = club.ask(), club.ask(title="Another question")
    elsewhere = club.call("GET", f"/threads/{second['id']}", "Bo").get_json()["posts"]["items"][0]
    answer = club.call("POST", f"/threads/{first['id']}/posts", "Bo", json={"body": "Hi", "reply_to": elsewhere["id"]})
    assert "reply_to" in problem(answer, 422)["errors"]
    comment = club.call("POST", "/communities/club/wiki/warm-ups/comments", "Bo", json={"body": "Hi"})
    problem(comment, 404)  # no such page yet
    make_page(club.cop, "Warm-ups")
    answer = club.call("POST", "/communities/club/wiki/warm-ups/comments", "Bo",
                       json={"body": "Hi", "reply_to": elsewhere["id"]})
    assert "reply_to" in problem(answer, 422)["errors"]
    assert posts_stored() == 2


def test_malformed_bodies_are_400_or_415(club):
    thread = club.ask()
    url = f"/threads/{thread['id']}/posts"
    problem(club.call("POST", url, "Bo", data="body=hi", content_type="application/x-www-form-urlencoded"), 415)
    problem(club.call("POST", url, "Bo", data="[1, 2]", content_type="application/json"), 400)
    problem(club.call("POST", url, "Bo", data="{not json", content_type="application/json"), 400)
    problem(club.call("PATCH", f"/threads/{thread['id']}", "Ana", json={}), 422)
    problem(club.call("GET", "/communities/club/threads?kind=rant", "Bo"), 422)
    problem(club.call("GET", "/communities/club/threads?unanswered=maybe", "Bo"), 422)
    problem(club.call("GET", f"/threads/{thread['id']}/posts?per_page=0", "Bo"), 400)
    assert posts_stored() == 1


def test_too_long_posts_and_too_many_mentions_are_refused(club, app):
    thread = club.ask()
    url = f"/threads/{thread['id']}/posts"
    limit = app.config["POST_MAX_CHARS"]
    assert "body" in problem(club.call("POST", url, "Bo", json={"body": "x" * (limit + 1)}), 422)["errors"]
    assert "body" in problem(club.call("POST", url, "Bo", json={"body": "x" * 1_000_000}), 422)["errors"]
    assert "body" in problem(club.call("POST", "/communities/club/threads", "Ana",
                                       json={**QUESTION, "body": "y" * 1_000_000}), 422)["errors"]
    app.config["POST_MAX_MENTIONS"] = 3
    crowd = " ".join(f"@person{n}" for n in range(501))
    assert "body" in problem(club.call("POST", url, "Bo", json={"body": crowd}), 422)["errors"]
    assert "body" in problem(club.call("PATCH", f"/threads/{thread['id']}", "Ana", json={"body": crowd}), 422)[
        "errors"]
    assert posts_stored() == 1


def test_script_is_stored_as_text_and_never_rendered(club):
    script = "<script>alert(1)</script>"
    thread = club.ask(title=f"Hi {script}", body=f"Look {script} <img src=x onerror=alert(2)>", tags=[script])
    assert thread["title"] == f"Hi {script}" and thread["tags"] == [script]
    opening = club.call("GET", f"/threads/{thread['id']}", "Bo").get_json()["posts"]["items"][0]
    assert script in opening["body"]
    assert "<script" not in opening["html"] and "<img" not in opening["html"]
    reply = club.say(thread["id"], body=f"[click](javascript:alert(3)) {script}")
    assert "<script" not in reply["html"] and "href" not in reply["html"]


def test_new_accounts_are_limited_in_posts_per_hour(club, app):
    thread = club.ask()
    app.config.update(NEW_ACCOUNT_DAYS=2, NEW_ACCOUNT_POSTS_PER_HOUR=1)
    club.say(thread["id"])
    problem(club.call("POST", f"/threads/{thread['id']}/posts", "Bo", json={"body": "Again"}), 429)
    assert posts_stored() == 2


def test_a_token_limited_to_one_community_posts_and_reads_members_only_threads_only_there(club):
    ana = club.users["Ana"]
    other = make_community("other", visibility="members")
    add_member(other, ana)
    elsewhere = club.call("POST", "/communities/other/threads", "Ana", json=QUESTION).get_json()
    here = club.ask()
    limited = token_of(ana, communities=["club"])
    assert club.call("GET", f"/threads/{here['id']}", token=limited).status_code == 200
    problem(club.call("GET", f"/threads/{elsewhere['id']}", token=limited), 404)
    refused = problem(club.call("POST", "/communities/other/threads", token=limited, json=QUESTION), 403)
    assert "limited to some communities" in refused["detail"]
    problem(club.call("POST", f"/threads/{elsewhere['id']}/posts", token=limited, json={"body": "Hi"}), 404)
    assert club.call("POST", f"/threads/{here['id']}/posts", token=limited, json={"body": "Hi"}).status_code == 201
