"""Atom feeds read by a real feed parser (feedparser): well-formed, with entries, never a private item."""
from __future__ import annotations

import feedparser
import pytest
from interop_data import build_catalogue

from globe.services import incubator

PRIVATE_TITLES = ("Secret staff worksheet", "Staff notes", "Secret plan")


@pytest.fixture
def catalogue(app):
    return build_catalogue()


def read_feed(web, url: str):
    response = web.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    text = response.get_data(as_text=True)
    assert not any(title in text for title in PRIVATE_TITLES)
    return feed


def test_every_feed_parses_with_its_public_entries_only(catalogue, web):
    expected = {
        "/resources.atom": {"Past tense worksheet", "Weather slides", "Listening podcast"},
        "/c/open-teachers/resources.atom": {"Past tense worksheet", "Weather slides", "Listening podcast"},
        "/recent-changes.atom": {"Warm-up games (Open Teachers)"},
        "/c/open-teachers/wiki/-/recent.atom": {"Warm-up games (Open Teachers)"},
        "/knowledge-base.atom": {"Feedback that works"},
        "/incubator/launched.atom": {"Open speaking course"},
    }
    for url, titles in expected.items():
        feed = read_feed(web, url)
        assert {entry.title for entry in feed.entries} == titles, url
        assert feed.feed.links[0].href.endswith(url) and all(entry.link.startswith("http://localhost/")
                                                              for entry in feed.entries)


def test_resource_entries_describe_the_resource(catalogue, web):
    feed = read_feed(web, "/c/open-teachers/resources.atom")
    entry = next(entry for entry in feed.entries if entry.title == "Past tense worksheet")
    assert entry.link == f"http://localhost/resources/{catalogue.worksheet.id}" and entry.id == entry.link
    assert entry.author == "Ana Author" and entry.summary == "Practise the past simple."
    assert {tag.term for tag in entry.tags} == {"a2", "b1", "grammar", "speaking", "past simple", "games"}
    assert entry.published_parsed and entry.updated_parsed
    assert feed.feed.title == "New resources in Open Teachers"


def test_a_members_only_community_has_no_public_feed(catalogue, web, make_web):
    for url in ("/c/staff-room/resources.atom", "/c/staff-room/wiki/-/recent.atom"):
        assert web.get(url).status_code in (302, 403)
    member = make_web()
    member.login(catalogue.author.email)
    assert member.get("/c/staff-room/resources.atom").status_code in (302, 403)  # feeds are what anyone sees


def test_a_launched_project_that_is_paused_leaves_the_feed(catalogue, web):
    incubator.transition(catalogue.admin, catalogue.project, "paused")
    assert read_feed(web, "/incubator/launched.atom").entries == []


def test_pages_announce_their_feeds(catalogue, web):
    for page, feed in (("/resources", "/resources.atom"),
                       ("/c/open-teachers/resources", "/c/open-teachers/resources.atom"),
                       ("/c/open-teachers", "/c/open-teachers/wiki/-/recent.atom"),
                       ("/incubator", "/incubator/launched.atom"),
                       ("/knowledge-base", "/knowledge-base.atom")):
        html = web.get(page).get_data(as_text=True)
        assert 'type="application/atom+xml"' in html and f'href="{feed}"' in html, page
