"""Keeping the index in step: the queue and its lease, visibility changes, reindexing, and no leaks."""
import io

import pytest
from documents import pdf_bytes
from factories import add_member, make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.backends import get_search_backend
from globe.extensions import db
from globe.models import SearchQueueItem
from globe.permissions import Anonymous
from globe.search.documents import count_documents
from globe.services import communities, knowledge_base, resources, search, wiki_pages
from globe.services.accounts import SYSTEM


def share(user, community, text: str, title: str = "Lesson"):
    return resources.add_resource(user, community, upload=FileStorage(io.BytesIO(pdf_bytes([text])), "l.pdf"),
                                  title=title)


@pytest.fixture
def private_world(app):
    cop = make_community("secret", visibility="members")
    member = make_user()
    add_member(cop, member, "editor")
    share(member, cop, "Quixotic xylophone drills")
    make_page(cop, "Hidden syllabus", "The zeugma unit plan", author=member)
    return cop, member


def test_private_words_reach_nobody_outside(private_world):
    cop, member = private_world
    for viewer in (Anonymous(), make_user()):
        for text in ("xylophone", "zeugma", "quixotic", "xylophon", "zeugm*", "cop:secret", ""):
            found = search.search(viewer, text=text)
            assert found.total == 0 and found.hits == []
            assert all(not counts for counts in found.facets.values()) or "secret" not in str(found.facets)
            assert found.suggestion is None or "xylophone" not in found.suggestion
    assert search.search(member, text="xylophone").total == 1
    assert search.search(member, text="zeugma").total == 1
    assert search.search(make_user(admin=True), text="xylophone").total == 1


def test_visibility_change_reaches_the_index(private_world):
    cop, member = private_world
    communities.update_community(SYSTEM, cop, name=cop.name, domain=cop.domain, visibility="public")
    assert search.search(Anonymous(), text="xylophone").total == 1
    communities.update_community(SYSTEM, cop, name=cop.name, domain=cop.domain, visibility="members")
    assert search.search(Anonymous(), text="xylophone").total == 0


def test_knowledge_base_pages_become_public_and_searchable(private_world):
    cop, member = private_world
    facilitator = make_user()
    add_member(cop, facilitator, "facilitator")
    page = wiki_pages.find_page(cop, "hidden-syllabus")
    proposal = knowledge_base.propose(facilitator, page, message="")
    knowledge_base.decide(make_user(curator=True), proposal, accept=True, reason="")
    found = search.search(Anonymous(), text="zeugma")
    assert found.total == 1 and found.hits[0].kind == "knowledge_base"


def test_deleted_things_leave_the_index(app):
    cop = make_community()
    member = make_user()
    add_member(cop, member, "editor")
    resource = share(member, cop, "Gnomon sundial lesson")
    page = make_page(cop, "Sundials", "gnomon shadows", author=member)
    assert search.search(member, text="gnomon").total == 2
    resources.delete_resource(member, resource)
    wiki_pages.delete_page(member, page)
    assert search.search(member, text="gnomon").total == 0


def test_a_busy_lease_leaves_rows_for_its_holder(app):
    cop = make_community()
    member = make_user()
    add_member(cop, member)
    assert search._take_lease()  # another drainer is at work
    share(member, cop, "Walrus poem")
    queued = search.queue_length()  # the upload, then its extracted text
    assert queued >= 1 and search.search(member, text="walrus").total == 0
    search._release_lease()
    assert search.drain_queue() == queued
    assert search.search(member, text="walrus").total == 1 and search.queue_length() == 0


def test_an_expired_lease_is_taken_over(app):
    from datetime import timedelta

    from globe.models import SearchDrainLease
    from globe.models.base import utcnow
    assert search._take_lease()
    db.session.execute(db.update(SearchDrainLease).values(holder="crashed", expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert search._take_lease()
    search._release_lease()


def test_reindex_rebuilds_exactly_the_database(app):
    cop = make_community()
    member = make_user()
    add_member(cop, member, "editor")
    share(member, cop, "Otter lesson")
    resources.delete_resource(member, share(member, cop, "Binned otter quiz", title="Quiz"))
    make_page(cop, "Otters", "river otters", author=member)
    get_search_backend().clear()
    assert search.search(member, text="otter").total == 0
    seen = []
    assert count_documents() == 2  # the progress bar's length: the binned quiz stays out
    assert search.reindex(progress=seen.append) == 2
    assert search.search(member, text="otter").total == 2 and seen[-1] == 2
    assert len(get_search_backend().snapshot()) == 2


def test_status_reports_documents_and_queue(app):
    cop = make_community()
    member = make_user()
    add_member(cop, member)
    share(member, cop, "Status check")
    status = search.status()
    assert status["documents"] == 1 and status["queue_length"] == 0 and status["oldest_queued"] is None
    db.session.add(SearchQueueItem(kind="resource", object_id=999))
    db.session.commit()
    assert search.status()["queue_length"] == 1 and search.status()["oldest_queued"] is not None
    search.drain_queue()  # an object that no longer exists is removed, and the row goes
    assert search.queue_length() == 0


def test_snippets_show_a_description_as_text_not_markdown(app):
    cop = make_community()
    teacher = make_user()
    add_member(cop, teacher)
    resources.add_resource(teacher, cop, upload=FileStorage(io.BytesIO(pdf_bytes(["Map work"])), "m.pdf"),
                           title="Volcanoes", description="Read, then **label** the [volcano](https://example.org).")
    snippet = search.search(Anonymous(), text="label").hits[0].snippet_html
    assert "<mark>label</mark> the volcano" in snippet
    assert "**" not in snippet and "example.org" not in snippet
