"""Discussions in search (`kind:discussion`), on Whoosh and on PostgreSQL: a board thread is found by its
title, opening post, replies and tags; members-only threads reach nobody outside in results, totals,
facets, snippets or suggestions; hidden, deleted and comment threads are never indexed; a change of the
community's visibility and a full reindex carry the threads along."""
from __future__ import annotations

import pytest
from factories import add_member, make_community, make_page, make_user
from testapp import app_config, start_empty

from globe import create_app
from globe.backends import get_search_backend
from globe.db import transaction
from globe.extensions import db
from globe.models import User
from globe.models.base import utcnow
from globe.permissions import Anonymous
from globe.search.documents import count_documents
from globe.services import comment_sections, communities, conversations, search
from globe.services.accounts import SYSTEM
from globe.services.search import queue_for_indexing
from globe.urls import thread_path


@pytest.fixture(params=["whoosh", "postgres"])
def app(request, tmp_path):
    """A fresh Globe searching with each backend (PostgreSQL skipped when no server is reachable)."""
    extra = {}
    if request.param == "postgres":
        extra = {"SEARCH_BACKEND": "postgres",
                 "SEARCH_DATABASE_URL": request.getfixturevalue("fresh_postgres_database")}
    app = create_app(app_config(tmp_path, **extra))
    with app.app_context():
        start_empty()
        yield app
        backend = get_search_backend()
        if hasattr(backend, "close"):
            backend.close()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def staffroom(app):
    """A public and a members-only community, with an editor (Ana) and a member (Bo) of both."""
    public = make_community("open-room", name="Open room")
    private = make_community("staff-room", name="Staff room", visibility="members")
    ana, bo = make_user("Ana"), make_user("Bo")
    for community in (public, private):
        add_member(community, ana, "editor")
        add_member(community, bo)
    return public, private, ana, bo


def ask(actor, community, title: str, body: str, **fields):
    return conversations.start_thread(actor, community, kind=fields.pop("kind", "question"), title=title, body=body,
                                      **fields)


def found(viewer, text: str, **arguments):
    return search.search(viewer, text=text, **arguments)


def test_a_thread_is_found_by_its_title_opening_post_replies_and_tags(staffroom):
    public, _private, ana, bo = staffroom
    thread = ask(ana, public, "Quokka warm-ups for Monday", "I need *zestful* starters.", tags=["icebreakers"])
    conversations.reply(bo, thread, body="Try a marmalade quiz.")
    make_page(public, "Quokka notes", "Not a discussion.", author=ana)
    visitor = Anonymous()
    for text in ("quokka", "zestful", "marmalade", "tag:icebreakers", "title:quokka"):
        result = found(visitor, f"kind:discussion {text}")
        assert [hit.doc_id for hit in result.hits] == [f"discussion:{thread.id}"], text
    [hit] = found(visitor, "marmalade").hits
    assert hit.kind == "discussion" and hit.url == thread_path(thread.id) and hit.title == "Quokka warm-ups for Monday"
    assert hit.community_name == "Open room" and "<mark>marmalade</mark>" in hit.snippet_html.lower()
    assert found(visitor, "quokka").facets["kind"] == {"discussion": 1, "wiki": 1}
    assert found(visitor, "quokka", filters={"kind": ("discussion",)}).total == 1


def test_members_only_threads_reach_nobody_outside(staffroom):
    _public, private, ana, bo = staffroom
    thread = ask(ana, private, "Xylophone timetable", "The zeugma rota for staff.", tags=["rota"])
    conversations.reply(bo, thread, body="Quixotic plan, agreed.")
    for viewer in (Anonymous(), make_user("Olga")):
        for text in ("xylophone", "zeugma", "quixotic", "xylophon", "zeugm*", "kind:discussion", "tag:rota",
                     "cop:staff-room", ""):
            result = found(viewer, text)
            assert result.total == 0 and result.hits == [], text
            assert "discussion" not in str(result.facets) and "staff-room" not in str(result.facets)
        for typo in ("xylophane", "zeugna", "quixatic"):
            assert found(viewer, typo).suggestion is None
    for viewer in (bo, make_user("Admin", admin=True)):
        result = found(viewer, "zeugma")
        assert result.total == 1 and result.facets["kind"] == {"discussion": 1}
    assert found(bo, "zeugna").suggestion == "zeugma"


def test_hidden_deleted_and_comment_threads_are_never_indexed(staffroom):
    public, _private, ana, bo = staffroom
    hidden = ask(ana, public, "Hidden yodel", "Words of a hidden thread.")
    with transaction():
        hidden.hidden_at = utcnow()  # as the moderation hides a thread
        queue_for_indexing("discussion", hidden.id)
    deleted = ask(ana, public, "Deleted yodel", "Words of a deleted thread.")
    conversations.delete_post(ana, conversations.thread_posts(ana, deleted).posts[0])
    page = make_page(public, "Phonics", "A page.", author=ana)
    comment_sections.comment(bo, page, body="A yodel in the comments.")
    kept = ask(bo, public, "Kept yodel", "Still here.")
    gone = conversations.reply(ana, kept, body="A vanishing ocelot.")
    conversations.delete_post(ana, gone)
    admin = make_user("Admin", admin=True)
    assert [hit.doc_id for hit in found(admin, "yodel").hits] == [f"discussion:{kept.id}"]
    assert found(admin, "ocelot").total == 0
    assert set(get_search_backend().snapshot()) == {f"discussion:{kept.id}", f"wiki:{page.id}"}


def test_a_change_of_visibility_reindexes_the_communitys_threads(staffroom):
    public, _private, ana, _bo = staffroom
    ask(ana, public, "Pangolin games", "For the open room.")
    communities.update_community(SYSTEM, public, name=public.name, domain=public.domain, visibility="members")
    assert found(Anonymous(), "pangolin").total == 0 and found(ana, "pangolin").total == 1
    communities.update_community(SYSTEM, public, name=public.name, domain=public.domain, visibility="public")
    assert found(Anonymous(), "pangolin").total == 1


def test_a_full_reindex_includes_the_threads(app, staffroom):
    public, private, ana, _bo = staffroom
    ask(ana, public, "Narwhal songs", "Open words.")
    ask(ana, private, "Narwhal rota", "Staff words.")
    hidden = ask(ana, public, "Narwhal secret", "Hidden words.")
    with transaction():
        hidden.hidden_at = utcnow()
        queue_for_indexing("discussion", hidden.id)
    assert count_documents() == 2
    ana_id = ana.id
    get_search_backend().clear()
    result = app.test_cli_runner().invoke(args=["globe", "reindex"])
    assert result.exit_code == 0 and "Indexed 2 documents." in result.output
    ana = db.session.get(User, ana_id)  # the rebuild read every row and let go of them
    assert found(Anonymous(), "narwhal").total == 1 and found(ana, "narwhal").total == 2


def test_the_search_page_labels_discussions_with_their_community(web, staffroom):
    public, _private, ana, _bo = staffroom
    thread = ask(ana, public, "Okapi role-plays", "Pairs act out the okapi market.")
    html = web.get("/search?q=okapi").get_data(as_text=True)
    assert f'href="{thread_path(thread.id)}"' in html and "Discussion" in html and "Open room" in html
    assert "?q=okapi&amp;kind=discussion" in html  # the Kind facet narrows to discussions
    assert "<mark>okapi</mark>" in html.lower()
