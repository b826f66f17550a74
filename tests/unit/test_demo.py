"""The demo never adopts an account it did not create, stays safe to run twice, and gives a first
run real content: resources whose text is extracted, wiki pages with history, a knowledge base;
the README's numbers and search example hold true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from testapp import app_config, start_empty

from globe import create_app
from globe.backends import get_search_backend
from globe.demo import files
from globe.extensions import db
from globe.extract import extract_text_inline
from globe.extract.filetypes import DEFAULT_ALLOWED_EXTENSIONS, check_upload
from globe.models import Community, Resource, ResourceVersion, Thread, WikiLink, WikiPage
from globe.services import accounts, communities

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_demo_refuses_an_address_someone_else_registered(app):
    with app.app_context():
        accounts.register_user(
            email="admin@globe.example", display_name="Mallory", password="mallory's own"
        )

    result = app.test_cli_runner().invoke(args=["globe", "demo"])

    assert result.exit_code == 1
    assert "registered by someone else" in result.output
    with app.app_context():
        squatter = accounts.find_user_by_email("admin@globe.example")
        assert not (squatter.is_admin or squatter.is_curator)
        assert accounts.find_user_by_email("teacher@globe.example") is None


def test_the_demo_refuses_a_site_with_real_accounts(app):
    with app.app_context():
        accounts.register_user(
            email="head@school.example", display_name="Head", password="a long password"
        )

    result = app.test_cli_runner().invoke(args=["globe", "demo"])

    assert result.exit_code == 1
    assert "accounts the demo did not create" in result.output
    with app.app_context():
        assert accounts.find_user_by_email("admin@globe.example") is None


SAMPLE = """# Café games (A2)

Games that need no materials.

## Alibi
- Two suspects agree on a story (with \\ and brackets).

| Game | Time |
|---|---|
| Desert island | 15 min |
"""


@pytest.mark.parametrize("extension", sorted(files.WRITERS))
def test_each_demo_file_format_is_recognised_and_keeps_every_word(extension, tmp_path):
    data = files.render(SAMPLE, extension)
    path = tmp_path / f"sample.{extension}"
    path.write_bytes(data)

    file_type = check_upload(data, path.name, allowed_extensions=DEFAULT_ALLOWED_EXTENSIONS)
    text = extract_text_inline(
        path, file_type.family
    ).text.casefold()  # plain text: title in capitals

    assert file_type.extension == extension
    for words in (
        "Café games (A2)",
        "no materials",
        "Alibi",
        "(with \\ and brackets)",
        "Desert island",
    ):
        assert words.casefold() in text


# The tests below share one demo site: loading it extracts every file, which takes a while.
# (They come after the tests using `app`, which empties a shared PostgreSQL database.)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    # Extraction and indexing in the background, as in production: the demo waits for both.
    site = create_app(
        app_config(
            tmp_path_factory.mktemp("demo"), EXTRACT_IN_BACKGROUND=True, INDEX_IN_BACKGROUND=True
        )
    )
    with site.app_context():
        start_empty()
    result = site.test_cli_runner().invoke(args=["globe", "demo"])
    assert result.exit_code == 0, result.output
    yield site
    with site.app_context():
        db.engine.dispose()


def _counts() -> dict:
    return {
        "resources": db.session.scalar(select(func.count(Resource.id))),
        "pages": db.session.scalar(
            select(func.count(WikiPage.id)).where(WikiPage.is_deleted.is_(False))
        ),
        "communities": db.session.scalar(select(func.count(Community.id))),
        "discussions": db.session.scalar(select(func.count(Thread.id)).where(Thread.subject_type.is_(None))),
    }


def test_running_the_demo_twice_keeps_its_accounts_and_creates_nothing_twice(demo_site):
    with demo_site.app_context():
        before = _counts()

    second = demo_site.test_cli_runner().invoke(args=["globe", "demo"])

    assert second.exit_code == 0, second.output
    with demo_site.app_context():
        assert accounts.find_user_by_email("admin@globe.example").is_admin
        assert _counts() == before


def test_the_demo_prints_logins_and_spans_every_kind_of_community(demo_site):
    result = demo_site.test_cli_runner().invoke(args=["globe", "demo"])
    assert result.exit_code == 0 and "admin@globe.example" in result.output
    with demo_site.app_context():
        directory = communities.list_directory(accounts.find_user_by_email("admin@globe.example"))
        assert {c.visibility for c, *_ in directory} == {"public", "members"}
        assert {c.policy for c, *_ in directory} == {"open", "request", "invite"}
        mentors = [accounts.find_user_by_email(f"mentor.{name}@globe.example") for name in ("design", "publishing")]
        assert all(m.is_mentor and m.expertise for m in mentors)


def test_reindex_rebuilds_the_demo_index_and_search_status_reports_it(demo_site):
    runner = demo_site.test_cli_runner()
    with demo_site.app_context():
        indexed = get_search_backend().stats()["documents"]
        get_search_backend().clear()
    assert indexed > 0
    result = runner.invoke(args=["globe", "reindex"])
    assert result.exit_code == 0 and f"Indexed {indexed} documents." in result.output
    status = runner.invoke(args=["globe", "search-status"])
    assert status.exit_code == 0 and f"documents: {indexed}" in status.output and "queue_length: 0" in status.output


def test_demo_resources_are_files_of_many_types_whose_text_was_extracted(demo_site):
    with demo_site.app_context():
        versions = db.session.execute(
            select(
                ResourceVersion.family,
                ResourceVersion.extraction_status,
                func.length(ResourceVersion.extracted_text),
            )
        ).all()
        resource_count = db.session.scalar(select(func.count(Resource.id)))

    assert resource_count >= 40
    assert len(versions) == resource_count
    assert {status for _, status, _ in versions} == {"done"}
    assert all(length > 200 for *_, length in versions)
    families = {family for family, *_ in versions}
    assert {"pdf", "word", "slides", "sheet", "odf-text", "markdown", "text"} <= families


def test_text_found_only_inside_a_demo_file_is_searchable(demo_site):
    # "overlooks" is in the body of the debate lesson (a Word file), not in its title or summary.
    response = demo_site.test_client().get("/api/v1/search?q=overlooks")

    assert [item["title"] for item in response.get_json()["results"]] == [
        "Structured debate lesson: should homework be banned?"
    ]


def test_demo_wiki_has_linked_pages_with_history_and_knowledge_base_pages_in_three_communities(
    demo_site,
):
    with demo_site.app_context():
        pages = db.session.scalars(select(WikiPage).where(WikiPage.is_deleted.is_(False))).all()
        cross_links = db.session.scalars(
            select(WikiLink)
            .join(WikiPage)
            .join(Community)
            .where(WikiLink.target_community != Community.slug)
        ).all()

        assert len(pages) >= 20
        assert sum(page.revision_count >= 2 for page in pages) >= 3
        assert len(cross_links) >= 3
        assert len({page.community.slug for page in pages if page.kb_status == "accepted"}) >= 3
        assert any(page.community.visibility == "members" for page in pages)


def test_the_demo_discussions_show_an_answered_question_one_waiting_and_comments(demo_site):
    client = demo_site.test_client()
    board = client.get("/c/young-learners/discussions").get_data(as_text=True)
    waiting = client.get("/c/large-classes/discussions?unanswered=1").get_data(as_text=True)
    found = client.get("/api/v1/search?q=notebooks&kind=discussion").get_json()["results"]
    with demo_site.app_context():
        threads = db.session.scalars(select(Thread)).all()

    assert "How do you keep forty seven-year-olds listening to a story?" in board
    assert "Any tips for marking sixty notebooks a week?" in waiting
    assert [result["title"] for result in found] == ["Any tips for marking sixty notebooks a week?"]
    assert any(thread.accepted_post_id for thread in threads)
    assert {thread.subject_type for thread in threads} == {None, "page", "resource"}


def test_members_only_demo_content_stays_out_of_an_anonymous_search(demo_site):
    client = demo_site.test_client()

    anonymous = client.get("/api/v1/search?q=exploratory+practice").get_json()["results"]

    assert anonymous == []


def test_the_readme_demo_paragraph_gives_the_real_numbers(demo_site):
    paragraph = README.split("## Demo logins", 1)[1].split("|", 1)[0]
    stated = {
        noun: int(number)
        for number, noun in re.findall(r"(\d+) (communities|wiki pages|resources|discussions)\b", paragraph)
    }
    with demo_site.app_context():
        counts = _counts()

    assert stated == {
        "communities": counts["communities"],
        "wiki pages": counts["pages"],
        "resources": counts["resources"],
        "discussions": counts["discussions"],
    }


def test_the_readme_search_example_finds_demo_content(demo_site):
    example = re.search(r"curl -s 'http://127\.0\.0\.1:5000(/api/v1/search\?[^']+)'", README).group(
        1
    )

    response = demo_site.test_client().get(example)

    assert response.status_code == 200
    assert any("Speaking games" in item["title"] for item in response.get_json()["results"])
