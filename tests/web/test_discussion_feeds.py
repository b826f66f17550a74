"""Discussions where content travels beyond Globe: a public community's Atom feed of its threads (read by
feedparser), the sitemap, and OAI-PMH (which never carries them). Members-only, hidden and deleted threads
go nowhere."""
from __future__ import annotations

import feedparser
import pytest
from factories import PASSWORD, add_member, make_community, make_user
from lxml import etree

from globe.db import transaction
from globe.models.base import utcnow
from globe.services import communities, conversations
from globe.services.account_deletion import delete_account
from globe.services.accounts import SYSTEM
from globe.services.search import queue_for_indexing

OAI = "{http://www.openarchives.org/OAI/2.0/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "http://localhost"


@pytest.fixture
def boards(app):
    """A public and a members-only community's boards: shown, hidden, deleted and private threads."""
    ana, bo = make_user("Ana Lima"), make_user("Bo")
    public = make_community("open-room", name="Open room")
    private = make_community("staff-room", name="Staff room", visibility="members")
    for community in (public, private):
        add_member(community, ana)
        add_member(community, bo)
    shown = conversations.start_thread(ana, public, kind="question", title="How do you start a lesson?",
                                       body="I need **warm-ups** <script>alert(1)</script> for [[Phonics]].",
                                       tags=["warm-ups"])
    conversations.reply(bo, shown, body="A quick quiz.")
    story = conversations.start_thread(bo, public, kind="story", story_type="success", title="Our song day",
                                       body="It went well.")
    hidden = conversations.start_thread(bo, public, kind="idea", title="Hidden idea", body="Spam.")
    with transaction():  # as a facilitator hiding it through the moderation does
        hidden.hidden_at = utcnow()
        queue_for_indexing("discussion", hidden.id)
    deleted = conversations.start_thread(bo, public, kind="idea", title="Deleted idea", body="Oops.")
    conversations.delete_post(bo, conversations.thread_posts(bo, deleted).posts[0])
    secret = conversations.start_thread(ana, private, kind="question", title="Staff rota", body="Who is on?")
    return public, private, shown, story, hidden, deleted, secret


def read_feed(web, url: str):
    response = web.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed, response.get_data(as_text=True)


def test_a_public_communitys_feed_lists_its_shown_threads(boards, web):
    _public, _private, shown, story, *_ = boards
    feed, text = read_feed(web, "/c/open-room/discussions.atom")
    assert feed.feed.title == "Discussions in Open room"
    assert feed.feed.links[0].href == f"{SITE}/c/open-room/discussions.atom"
    assert {entry.title for entry in feed.entries} == {"How do you start a lesson?", "Our song day"}
    entry = next(entry for entry in feed.entries if entry.title == "How do you start a lesson?")
    assert entry.link == f"{SITE}/discussions/{shown.id}" and entry.id == entry.link and entry.author == "Ana Lima"
    # The opening post as a reader sees it: Markdown and links gone, typed markup kept as escaped text.
    assert entry.summary == "I need warm-ups <script>alert(1)</script> for Phonics."
    assert "<script" not in text and "&lt;strong" not in text and "&lt;a " not in text
    assert {tag.term for tag in entry.tags} == {"question", "warm-ups"}
    assert entry.updated_parsed and entry.published_parsed
    assert "Hidden idea" not in text and "Deleted idea" not in text and "Staff rota" not in text


def test_a_members_only_community_has_no_discussion_feed_for_anyone(boards, web, make_web):
    _public, private, _shown, _story, _hidden, _deleted, secret = boards
    assert web.get("/c/staff-room/discussions.atom").status_code == 404
    member = make_web()
    member.login(secret.author.email)
    response = member.get("/c/staff-room/discussions.atom")
    assert response.status_code == 404 and b"Staff rota" not in response.data
    assert web.get("/c/no-such-room/discussions.atom").status_code == 404
    communities.update_community(SYSTEM, private, name=private.name, domain=private.domain, visibility="public")
    feed, _ = read_feed(web, "/c/staff-room/discussions.atom")
    assert [entry.title for entry in feed.entries] == ["Staff rota"]


def test_the_community_page_announces_its_discussion_feed(boards, web):
    html = web.get("/c/open-room").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html and 'href="/c/open-room/discussions.atom"' in html
    assert "/c/staff-room/discussions.atom" not in web.get("/c/staff-room").get_data(as_text=True)


def test_an_author_who_left_is_shown_as_a_former_member(boards, web):
    _public, _private, _shown, story, *_ = boards
    delete_account(story.author, password=PASSWORD)
    feed, _ = read_feed(web, "/c/open-room/discussions.atom")
    assert next(entry for entry in feed.entries if entry.title == "Our song day").author == "Former member"


def test_the_sitemap_lists_public_board_threads_only(boards, web):
    _public, _private, shown, story, hidden, deleted, secret = boards
    response = web.get("/sitemap.xml")
    urls = {entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
            for entry in etree.fromstring(response.get_data())}
    assert {f"{SITE}/discussions/{shown.id}", f"{SITE}/discussions/{story.id}"} <= set(urls)
    assert urls[f"{SITE}/discussions/{shown.id}"]
    assert not {f"{SITE}/discussions/{thread.id}" for thread in (hidden, deleted, secret)} & set(urls)


@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers"])
def test_oai_pmh_never_carries_a_thread(boards, web, verb):
    response = web.get(f"/oai?verb={verb}&metadataPrefix=oai_dc")
    root = etree.fromstring(response.get_data())
    identifiers = [header.findtext(f"{OAI}identifier") for header in root.iter(f"{OAI}header")]
    assert all("discussion" not in identifier and "thread" not in identifier for identifier in identifiers)
    assert "How do you start a lesson?" not in response.get_data(as_text=True)
    shown = boards[2]
    answer = etree.fromstring(web.get(f"/oai?verb=GetRecord&identifier=oai:localhost:discussion/{shown.id}"
                                      "&metadataPrefix=oai_dc").get_data())
    assert answer.find(f"{OAI}error").get("code") in ("idDoesNotExist", "badArgument")
