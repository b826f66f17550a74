"""A profile's contributions and thanks received, counted only where the viewer may look: an outsider learns
nothing of a members-only community (no title, no number), a fellow member sees it all."""
import pytest
from factories import add_member, make_community, make_page, make_user

from globe.permissions import Anonymous, visible_scope
from globe.services import comment_sections, conversations, resources, thanks
from globe.services.contributions import contributions_of, thanks_received


@pytest.fixture
def mei(app):
    """Mei contributes in a public community and in a members-only one, and is thanked in both."""
    mei, friend = make_user("Mei Chen"), make_user("Friend")
    public = make_community("open", name="Open club")
    secret = make_community("secret", name="Secret club", visibility="members")
    for community in (public, secret):
        add_member(community, mei, "editor")
        add_member(community, friend)
    for community, word in ((public, "Open"), (secret, "Secret")):
        thread = conversations.start_thread(mei, community, kind="question", title=f"{word} question", body="?")
        asked = conversations.start_thread(friend, community, kind="idea", title=f"{word} idea", body="!")
        reply = conversations.reply(mei, asked, body="Yes")
        page = make_page(community, f"{word} page", author=mei)
        resource = resources.add_resource(mei, community, url="https://example.org/x", title=f"{word} cards")
        for target in (reply, page, resource):
            thanks.thank(friend, target)
        comment_sections.comment(mei, page, body="A note")
        assert thread.post_count == 1
    return mei, friend, secret


def test_an_outsider_sees_nothing_of_a_members_only_community(mei):
    person, _friend, _secret = mei
    for viewer in (Anonymous(), make_user("Olga")):
        seen = contributions_of(viewer, person)
        assert (seen.discussions, seen.replies, seen.pages_edited, seen.resources_shared) == (1, 1, 1, 1)
        assert seen.thanks_received == 3
        titles = [item.title for item in seen.recent]
        assert titles and not any("Secret" in title for title in titles)
        assert {item.community for item in seen.recent} == {"Open club"}
        assert all("/c/secret/" not in item.url for item in seen.recent)


def test_a_fellow_member_sees_every_contribution(mei):
    person, friend, _secret = mei
    seen = contributions_of(friend, person)
    assert (seen.discussions, seen.replies, seen.pages_edited, seen.resources_shared) == (2, 2, 2, 2)
    assert seen.thanks_received == 6
    assert {"Secret question", "Secret idea", "Secret page", "Secret cards"} <= {item.title for item in seen.recent}


def test_deleted_posts_and_hidden_threads_are_not_counted(mei):
    person, friend, secret = mei
    reply = next(post for post in conversations.thread_posts(friend, conversations.board(friend, secret).items[0])
                 .posts if post.author_id == person.id)
    conversations.delete_post(person, reply)
    assert contributions_of(friend, person).replies == 1
    assert thanks_received(visible_scope(friend), person) == 5  # the thanks on the deleted reply no longer shows
