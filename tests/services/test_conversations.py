"""Discussions and comments through the service: threads and numbered posts, quote-replies, mentions told
only to those who can see the thread, accepted answers, edits kept, deletions restorable, thanks once, the
new-account posting limit, and comments on pages, resources and proposals."""
import pytest
from factories import PASSWORD, add_member, make_club, make_community, make_page, make_user

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TooManyAttempts, Unauthorized
from globe.extensions import db
from globe.models import ModerationEntry, Post, Thanks, Thread
from globe.models.base import utcnow
from globe.permissions import Anonymous, can
from globe.services import (
    accounts,
    comment_sections,
    conversations,
    following,
    incubator,
    notifications,
    thanks,
    wiki_pages,
)


def told(user, kind: str = "") -> list[str]:
    db.session.expire_all()
    return [notifications.text_of(notice) for notice in notifications.latest(user, kind=kind)]


@pytest.fixture
def club(app):
    return make_club()


def ask(actor, community, title="How do you start a lesson?", body="I need warm-ups.", **fields):
    return conversations.start_thread(actor, community, kind=fields.pop("kind", "question"), title=title, body=body,
                                      **fields)


def test_a_thread_opens_with_its_body_as_post_one_and_replies_are_numbered(club):
    community, ana, bo, _fay = club
    thread = ask(ana, community)
    first = conversations.reply(bo, thread, body="Try a *quick* quiz.")
    second = conversations.reply(ana, thread, body="Thanks!", reply_to=first)
    page = conversations.thread_posts(bo, thread)
    assert [post.number for post in page.posts] == [1, 2, 3] and thread.post_count == 3
    assert page.posts[0].body == "I need warm-ups." and "<em>quick</em>" in page.posts[1].body_html
    assert second.reply_to_id == first.id and thread.reply_count == 2


def test_members_only_threads_are_not_found_by_outsiders_and_need_membership_to_reply(club):
    community, ana, _bo, _fay = club
    thread = ask(ana, community)
    outsider = make_user("Olga")
    with pytest.raises(NotFound):
        conversations.get_thread(outsider, thread.id)
    with pytest.raises(NotFound):
        conversations.get_thread(Anonymous(), thread.id)
    public = make_community("open-club")
    add_member(public, ana)
    open_thread = ask(ana, public)
    assert conversations.get_thread(outsider, open_thread.id) == open_thread
    with pytest.raises(PermissionDenied):
        conversations.reply(outsider, open_thread, body="Hello")


def test_only_facilitators_post_announcements_and_stories_say_success_or_challenge(club):
    community, ana, _bo, fay = club
    with pytest.raises(PermissionDenied):
        conversations.start_thread(ana, community, kind="announcement", title="News", body="Hi")
    assert conversations.start_thread(fay, community, kind="announcement", title="News", body="Hi").kind \
        == "announcement"
    with pytest.raises(InvalidInput) as refused:
        conversations.start_thread(ana, community, kind="story", title="My lesson", body="It went well")
    assert "story_type" in refused.value.fields
    story = conversations.start_thread(ana, community, kind="story", story_type="success", title="My lesson",
                                       body="It went well")
    assert story.story_type == "success"


@pytest.mark.parametrize("fields, field", [
    ({"kind": "rant"}, "kind"), ({"title": ""}, "title"), ({"title": "x" * 201}, "title"),
    ({"body": ""}, "body"), ({"body": "x" * 1_000_000}, "body"),
])
def test_bad_threads_are_refused_with_the_field_named_and_nothing_stored(club, fields, field):
    community, ana, _bo, _fay = club
    with pytest.raises(InvalidInput) as refused:
        ask(ana, community, **fields)
    assert field in refused.value.fields
    assert db.session.query(Thread).count() == 0 and db.session.query(Post).count() == 0


def test_a_mention_tells_the_member_and_nobody_who_cannot_see_the_thread(club):
    community, ana, bo, _fay = club
    outsider = make_user("Olga")
    thread = ask(ana, community)
    post = conversations.reply(ana, thread, body="What do you think, @bo and @Olga? Not `@Fay` in code.")
    assert told(bo, "conversations.mention") == ["Ana Lima mentioned you in “How do you start a lesson?”"]
    assert told(outsider) == [] and told(club[3], "conversations.mention") == []
    assert f'href="/people/{bo.id}"' in post.body_html and "@Olga" in post.body_html


def test_mentioning_a_name_with_spaces_and_too_many_people(club, app):
    community, ana, bo, _fay = club
    thread = ask(bo, community)
    conversations.reply(bo, thread, body="Over to you, @ana_lima.")
    assert told(ana, "conversations.mention") == ["Bo mentioned you in “How do you start a lesson?”"]
    app.config["POST_MAX_MENTIONS"] = 3
    with pytest.raises(InvalidInput) as refused:
        conversations.reply(bo, thread, body="@a @b @c @d")
    assert "at most 3 people" in refused.value.fields["body"][0]


def test_replies_tell_the_thread_followers_and_the_quoted_author(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    answer = conversations.reply(bo, thread, body="Try a quiz.")
    assert told(ana, "conversations.reply") == ["Bo replied in “How do you start a lesson?”"]
    conversations.reply(fay, thread, body="Agreed.", reply_to=answer)
    assert told(bo, "conversations.mention") == ["Fay replied to your post in “How do you start a lesson?”"]
    assert following.level_of(bo, thread) == "watch"


def test_a_new_thread_reaches_those_following_the_community(club):
    community, ana, bo, _fay = club
    following.follow(bo, "community", community.id, "new")
    ask(ana, community)
    assert told(bo, "conversations.new_thread") == [
        "Ana Lima started a discussion in Speaking club: How do you start a lesson?"]


def test_only_the_asker_or_a_facilitator_accepts_an_answer(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    answer = conversations.reply(bo, thread, body="Try a quiz.")
    with pytest.raises(PermissionDenied):
        conversations.accept_answer(bo, answer)
    with pytest.raises(InvalidInput):
        conversations.accept_answer(ana, conversations.thread_posts(ana, thread).posts[0])
    conversations.accept_answer(ana, answer)
    assert thread.accepted_post_id == answer.id
    assert told(bo, "conversations.answer") == ["Ana Lima accepted your answer to “How do you start a lesson?”"]
    assert conversations.board(fay, community, unanswered=True).items == []
    conversations.unaccept_answer(fay, thread)
    assert conversations.board(fay, community, unanswered=True).items == [thread]


def test_an_edit_keeps_the_earlier_text_and_only_the_author_edits(club):
    community, ana, bo, _fay = club
    thread = ask(ana, community)
    post = conversations.reply(bo, thread, body="First text")
    with pytest.raises(PermissionDenied):
        conversations.edit_post(ana, post, body="Hijacked")
    conversations.edit_post(bo, post, body="Second text")
    assert post.is_edited and post.body == "Second text"
    assert [revision.body for revision in conversations.revisions(ana, post)] == ["First text"]
    opening = conversations.thread_posts(ana, thread).posts[0]
    conversations.edit_post(ana, opening, body="New body", title="A better title")
    assert thread.title == "A better title"


def test_deleted_posts_and_threads_stay_for_facilitators_who_restore_them(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    post = conversations.reply(bo, thread, body="Oops")
    with pytest.raises(PermissionDenied):
        conversations.delete_post(ana, post)
    conversations.delete_post(bo, post)
    with pytest.raises(PermissionDenied):
        conversations.restore_post(bo, post)
    conversations.restore_post(fay, post)
    assert post.deleted_at is None
    conversations.delete_post(ana, conversations.thread_posts(ana, thread).posts[0])
    with pytest.raises(NotFound):
        conversations.get_thread(bo, thread.id)
    assert conversations.get_thread(fay, thread.id) == thread
    assert conversations.board(bo, community).items == [] and conversations.board(fay, community).total == 1


def test_nobody_replies_to_a_locked_thread(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    thread.locked_at = utcnow()
    with pytest.raises(PermissionDenied, match="locked"):
        conversations.reply(bo, thread, body="Still here")


def test_thanks_once_never_your_own_and_told_to_the_author(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    post = conversations.reply(bo, thread, body="Try a quiz.")
    assert thanks.thank(ana, post) == 1
    with pytest.raises(Conflict):
        thanks.thank(ana, post)
    with pytest.raises(InvalidInput):
        thanks.thank(bo, post)
    assert thanks.thank(fay, post) == 2 and post.thanks_count == 2
    assert told(bo, "conversations.thanks") == ["Your post in “How do you start a lesson?” was thanked 2 times by "
                                                "2 people"]
    assert thanks.unthank(ana, post) == 1 and thanks.unthank(ana, post) == 1
    with pytest.raises(NotFound):
        thanks.thank(make_user("Olga"), post)
    page = make_page(community, "Warm-ups", author=fay)
    assert thanks.thank(bo, page) == 1 and thanks.has_thanked(bo, page)
    assert db.session.query(Thanks).filter_by(target_type="page").one().receiver_id == fay.id


def test_a_new_account_writes_a_limited_number_of_posts_an_hour(club, app):
    community, ana, _bo, _fay = club
    app.config["NEW_ACCOUNT_POSTS_PER_HOUR"] = 2
    thread = ask(ana, community)
    conversations.reply(ana, thread, body="One more")
    with pytest.raises(TooManyAttempts):
        conversations.reply(ana, thread, body="And another")
    ana.created_at = utcnow().replace(year=2020)
    conversations.reply(ana, thread, body="An old account writes freely")


def test_comments_on_a_page_make_one_thread_visible_like_the_page(club):
    community, ana, bo, fay = club
    page = make_page(community, "Warm-ups", author=fay)
    first = comment_sections.comment(bo, page, body="Nice page, @Ana_Lima")
    second = comment_sections.comment(ana, page, body="Thanks", reply_to=first)
    thread = comment_sections.comments_of(page)
    assert first.thread_id == second.thread_id == thread.id and thread.kind == "comments"
    assert conversations.post_url(first) == f"/c/club/wiki/{page.slug}#post-1"
    assert told(ana, "conversations.mention") == ["Bo mentioned you in “Warm-ups”"]
    with pytest.raises(NotFound):
        conversations.get_thread(make_user("Olga"), thread.id)
    assert conversations.board(bo, community).items == []


def test_comments_need_a_login_and_refused_ones_leave_no_thread(club):
    community, ana, _bo, fay = club
    page = make_page(community, "Warm-ups", author=fay)
    with pytest.raises(Unauthorized):
        comment_sections.comment(Anonymous(), page, body="Hi")
    with pytest.raises(InvalidInput):
        comment_sections.comment(ana, page, body="")
    assert comment_sections.comments_of(page) is None


def test_a_proposals_comments_are_its_team_and_admins_business_not_its_communitys_facilitators(club):
    community, ana, bo, fay = club
    proposal = incubator.create_proposal(ana, community=community.slug, title="Reading buddies",
                                         summary="Pairs of readers")
    comment = comment_sections.comment(ana, proposal, body="Private idea")
    thread = comment_sections.comments_of(proposal)
    assert thread.community_id is None
    for not_on_the_team in (fay, bo):
        with pytest.raises(NotFound):
            conversations.get_post(not_on_the_team, comment.id)
    assert not can(fay, "posts.delete", comment) and can(make_user("Ada", admin=True), "posts.delete", comment)


def test_a_moderator_deleting_someone_elses_post_and_restoring_one_is_logged(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    post = conversations.reply(bo, thread, body="Off topic")
    conversations.delete_post(bo, post)
    conversations.restore_post(fay, post)
    conversations.delete_post(fay, post)
    entries = db.session.query(ModerationEntry).order_by(ModerationEntry.id).all()
    assert [(entry.action, entry.actor_id, entry.post_id) for entry in entries] == [
        ("restore_post", fay.id, post.id), ("delete_post", fay.id, post.id)]


def test_links_of_an_unconfirmed_account_are_shown_as_text_and_a_confirmed_ones_work(club, app):
    community, ana, _bo, _fay = club
    app.config["REQUIRE_EMAIL_VERIFICATION"] = False  # else an unconfirmed account cannot post at all
    newcomer = accounts.register_user(email="new@example.org", display_name="Newcomer", password=PASSWORD)
    add_member(community, newcomer)
    thread = ask(ana, community)
    text = "Cheap essays at [this site](https://spam.example/) or https://spam.example/b, and [[Warm-ups]]"
    spam = conversations.reply(newcomer, thread, body=text)
    trusted = conversations.reply(ana, thread, body=text)
    assert "spam.example" in spam.body_html and 'href="https://spam.example' not in spam.body_html
    assert 'href="/c/club/wiki/' in spam.body_html  # links inside Globe stay links
    assert 'href="https://spam.example/"' in trusted.body_html


def test_a_deleted_page_takes_no_comments_and_no_thanks(club):
    community, _ana, bo, fay = club
    page = make_page(community, "Warm-ups", author=fay)
    wiki_pages.delete_page(fay, page)
    with pytest.raises(NotFound):
        comment_sections.comment(bo, page, body="Still there?")
    with pytest.raises(NotFound):
        thanks.thank(bo, page)
    assert comment_sections.comments_of(page) is None
