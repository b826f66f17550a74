"""The anonymous page cache never serves a stale or private page."""
import gzip

import pytest
from factories import add_member, make_community, make_page, make_user

from globe.page_cache import get_page_cache
from globe.services import communities, knowledge_base, wiki_pages
from globe.services.accounts import SYSTEM


def read(web, url):
    """An anonymous read as a browser does it (accepting gzip); returns status and text."""
    response = web.get(url, headers={"Accept-Encoding": "gzip"})
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status_code, body.decode("utf-8")


@pytest.fixture
def cop(app):
    return make_community("speaking")


@pytest.fixture
def editor(cop):
    user = make_user(email="ed@example.org")
    add_member(cop, user, "editor")
    return user


def test_second_anonymous_read_comes_from_the_cache_compressed(web, cop, editor):
    make_page(cop, "Fluency", "Original text.", author=editor)
    read(web, "/c/speaking/wiki/fluency")
    response = web.get("/c/speaking/wiki/fluency", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(get_page_cache()._entries) == 1
    plain = web.get("/c/speaking/wiki/fluency")
    assert "Content-Encoding" not in plain.headers and b"Original text." in plain.data


def test_an_edit_is_seen_at_once(web, cop, editor):
    make_page(cop, "Fluency", "Original text.", author=editor)
    read(web, "/c/speaking/wiki/fluency")
    wiki_pages.save_page(editor, cop, page_slug="fluency", body="Changed text.", base_revision=1)
    assert "Changed text." in read(web, "/c/speaking/wiki/fluency")[1]


def test_a_new_backlink_is_seen_at_once(web, cop, editor):
    make_page(cop, "Fluency", author=editor)
    read(web, "/c/speaking/wiki/fluency")
    make_page(cop, "Games", "Play for [[Fluency]].", author=editor)
    assert "Games" in read(web, "/c/speaking/wiki/fluency")[1]


def test_a_renamed_linking_page_shows_its_new_title(web, cop, editor):
    make_page(cop, "Fluency", author=editor)
    linking = make_page(cop, "Games", "Play for [[Fluency]].", author=editor)
    read(web, "/c/speaking/wiki/fluency")
    wiki_pages.rename_page(editor, linking, new_title="Speaking games")
    assert "Speaking games" in read(web, "/c/speaking/wiki/fluency")[1]


def test_knowledge_base_acceptance_and_deletion_are_seen(web, cop, editor):
    page = make_page(cop, "Fluency", author=editor)
    read(web, "/c/speaking/wiki/fluency")
    proposal = knowledge_base.propose(editor, page, message="")
    knowledge_base.decide(make_user(curator=True), proposal, accept=True, reason="")
    assert "In the Globe knowledge base" in read(web, "/c/speaking/wiki/fluency")[1]
    wiki_pages.delete_page(editor, page)
    assert "This page was deleted" in read(web, "/c/speaking/wiki/fluency")[1]


def test_a_community_turned_private_is_not_served_from_the_cache(web, cop, editor):
    make_page(cop, "Fluency", "Soon private.", author=editor)
    read(web, "/c/speaking/wiki/fluency")
    communities.update_community(SYSTEM, cop, name=cop.name, domain=cop.domain, visibility="members")
    status, text = read(web, "/c/speaking/wiki/fluency")
    assert status != 200 and "Soon private." not in text


def test_backlinks_from_a_community_turned_private_disappear(web, cop, editor):
    other = make_community("other")
    author = make_user()
    add_member(other, author, "editor")
    make_page(cop, "Fluency", author=editor)
    make_page(other, "Secret notes", "See [[speaking:Fluency]].", author=author)
    assert "Secret notes" in read(web, "/c/speaking/wiki/fluency")[1]
    communities.update_community(SYSTEM, other, name=other.name, domain=other.domain, visibility="members")
    assert "Secret notes" not in read(web, "/c/speaking/wiki/fluency")[1]


def test_logged_in_readers_never_get_the_anonymous_copy(web, cop, editor):
    make_page(cop, "Fluency", author=editor)
    read(web, "/c/speaking/wiki/fluency")
    web.login("ed@example.org")
    html = web.get("/c/speaking/wiki/fluency").get_data(as_text=True)
    assert "Delete page" in html and "Log out" in html
