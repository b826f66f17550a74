"""Wiki rules: no lost updates, history, revert, rename with redirects, delete/restore, links."""
from html.parser import HTMLParser

import pytest
from factories import add_member, make_community, make_page, make_user

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from globe.extensions import db
from globe.services import search, wiki_links, wiki_pages
from globe.services.wiki_pages import EditConflict

BASE = "Intro line.\n\nMiddle paragraph.\n\nClosing line.\n"


@pytest.fixture
def cop(app):
    return make_community("speaking", name="Teaching Speaking")


@pytest.fixture
def editor(cop):
    user = make_user("Editor")
    add_member(cop, user, "editor")
    return user


def test_create_then_edit_keeps_every_revision(cop, editor):
    page = make_page(cop, "Teaching Speaking", BASE, author=editor)
    assert page.slug == "teaching-speaking" and page.revision_count == 1
    result = wiki_pages.save_page(editor, cop, page_slug=page.slug, body=BASE + "\nMore.\n", base_revision=1,
                                  summary="added more")
    assert result.revision.number == 2 and not result.merged
    assert [r.number for r in wiki_pages.history(editor, page)] == [2, 1]
    assert "<p>More.</p>" in page.current_revision.html


def test_non_overlapping_concurrent_edits_are_merged(cop, editor):
    page = make_page(cop, "Fluency", BASE, author=editor)
    wiki_pages.save_page(editor, cop, page_slug=page.slug, body=BASE.replace("Intro line.", "Intro, edited by A."),
                         base_revision=1)
    result = wiki_pages.save_page(editor, cop, page_slug=page.slug,
                                  body=BASE.replace("Closing line.", "Closing, edited by B."), base_revision=1)
    assert result.merged
    body = page.current_revision.body
    assert "Intro, edited by A." in body and "Closing, edited by B." in body


def test_overlapping_edit_is_a_conflict_and_saves_nothing(cop, editor):
    page = make_page(cop, "Fluency", BASE, author=editor)
    wiki_pages.save_page(editor, cop, page_slug=page.slug, body=BASE.replace("Middle", "Version A"), base_revision=1)
    with pytest.raises(EditConflict) as err:
        wiki_pages.save_page(editor, cop, page_slug=page.slug, body=BASE.replace("Middle", "Version B"),
                             base_revision=1)
    assert "<<<<<<<" in err.value.merged_text and "Version A" in err.value.merged_text
    assert "Version B" in err.value.merged_text and err.value.current.number == 2
    assert page.revision_count == 2 and "Version A" in page.current_revision.body


def test_stale_edit_without_base_revision_is_refused(cop, editor):
    page = make_page(cop, "Fluency", BASE, author=editor)
    for base in (None, 7, -1):
        with pytest.raises(InvalidInput) as err:
            wiki_pages.save_page(editor, cop, page_slug=page.slug, body="overwrite", base_revision=base)
        assert "base_revision" in err.value.fields
    assert page.current_revision.body == BASE


def test_unchanged_save_makes_no_revision(cop, editor):
    page = make_page(cop, "Fluency", BASE, author=editor)
    result = wiki_pages.save_page(editor, cop, page_slug=page.slug, body=BASE, base_revision=1)
    assert result.unchanged and page.revision_count == 1


@pytest.mark.parametrize("title", ["", "   ", "a/b", "..", "x\u202ey", "bad|title", "cop:title", "x" * 201])
def test_bad_titles_are_refused(cop, editor, title):
    with pytest.raises(InvalidInput):
        wiki_pages.create_page(editor, cop, title=title, body="text")


def test_titles_colliding_after_slugging_are_refused(cop, editor):
    make_page(cop, "Teaching Speaking", author=editor)
    with pytest.raises(InvalidInput) as err:
        wiki_pages.create_page(editor, cop, title="teaching   SPEAKING", body="other")
    assert "already exists" in err.value.fields["title"][0]


def test_huge_pages_are_refused(app, cop, editor):
    app.config["MAX_WIKI_PAGE_BYTES"] = 1000
    with pytest.raises(InvalidInput) as err:
        wiki_pages.create_page(editor, cop, title="Huge", body="x" * 1001)
    assert "too long" in err.value.fields["body"][0]


def test_members_cannot_edit_unless_the_cop_allows_it(cop):
    member = make_user()
    add_member(cop, member)
    with pytest.raises(PermissionDenied):
        wiki_pages.create_page(member, cop, title="Mine", body="text")
    cop.members_can_edit_wiki = True
    assert wiki_pages.create_page(member, cop, title="Mine", body="text").created


def test_red_links_turn_blue_when_the_page_is_created(cop, editor):
    page = make_page(cop, "Fluency", "See [[Accuracy]] and [[Accuracy|being accurate]].", author=editor)
    assert 'class="wikilink redlink"' in page.current_revision.html
    assert [slug for slug, *_ in wiki_links.wanted_pages(editor, cop)] == ["accuracy"]
    make_page(cop, "Accuracy", author=editor)
    db.session.refresh(page.current_revision)
    assert "redlink" not in page.current_revision.html
    assert wiki_links.wanted_pages(editor, cop) == []


def test_cross_community_links_and_unknown_communities(cop, editor):
    other = make_community("young-learners")
    make_page(other, "Songs")
    page = make_page(cop, "Links", "Try [[young-learners:Songs]].", author=editor)
    assert 'href="/c/young-learners/wiki/songs"' in page.current_revision.html
    assert "redlink" not in page.current_revision.html
    with pytest.raises(InvalidInput) as err:
        make_page(cop, "Broken", "See [[no-such-cop:Page]].", author=editor)
    assert "does not exist" in err.value.fields["body"][0]


def test_links_into_members_only_cops_never_reveal_which_pages_exist(cop, editor):
    make_community("secret", visibility="members")
    page = make_page(cop, "Links", "[[secret:Missing page]]", author=editor)
    assert "redlink" not in page.current_revision.html


def test_revert_creates_a_new_revision(cop, editor):
    page = make_page(cop, "Fluency", BASE, author=editor)
    wiki_pages.save_page(editor, cop, page_slug=page.slug, body="vandalised", base_revision=1)
    revision = wiki_pages.revert_page(editor, page, 1)
    assert revision.number == 3 and revision.kind == "revert" and page.current_revision.body == BASE


def test_revert_to_another_pages_revision_is_not_found(cop, editor):
    page = make_page(cop, "Fluency", BASE, author=editor)
    make_page(cop, "Other", "x", author=editor)
    with pytest.raises(NotFound):
        wiki_pages.revert_page(editor, page, 2)


def test_rename_keeps_old_links_working(cop, editor):
    target = make_page(cop, "Old Title", "text", author=editor)
    linking = make_page(cop, "Linking", "[[Old Title]]", author=editor)
    wiki_pages.rename_page(editor, target, new_title="New Title")
    assert target.slug == "new-title"
    assert wiki_pages.open_address(editor, cop, "old-title") == (None, target)
    assert [p.title for p in wiki_links.backlinks(editor, target)] == ["Linking"]
    db.session.refresh(linking.current_revision)
    assert "redlink" not in linking.current_revision.html


def test_rename_onto_an_existing_page_is_refused(cop, editor):
    page = make_page(cop, "One", author=editor)
    make_page(cop, "Two", author=editor)
    with pytest.raises(InvalidInput):
        wiki_pages.rename_page(editor, page, new_title="two")
    assert page.slug == "one"


def test_delete_keeps_history_and_facilitators_restore(cop, editor):
    facilitator = make_user()
    add_member(cop, facilitator, "facilitator")
    page = make_page(cop, "Temporary", BASE, author=editor)
    wiki_pages.delete_page(editor, page, reason="duplicate")
    assert page.is_deleted and len(wiki_pages.history(editor, page)) == 2
    assert page not in wiki_pages.list_pages(editor, cop)
    with pytest.raises(PermissionDenied):
        wiki_pages.restore_page(editor, page)
    wiki_pages.restore_page(facilitator, page)
    assert not page.is_deleted and page.current_revision.body == BASE
    with pytest.raises(Conflict):
        wiki_pages.restore_page(facilitator, page)


def test_members_only_wiki_is_hidden_from_outsiders(app):
    cop = make_community(visibility="members")
    page = make_page(cop, "Secret plans")
    with pytest.raises(PermissionDenied):
        wiki_pages.get_page(make_user(), cop, page.slug)
    assert wiki_pages.recent_changes(make_user()) == []


def test_every_save_reaches_the_search_index(cop, editor):
    page = make_page(cop, "Fluency", BASE, author=editor)
    wiki_pages.save_page(editor, cop, page_slug=page.slug, body="Shadowing practice", base_revision=1)
    assert [hit.object_id for hit in search.search(editor, text="shadowing").hits] == [page.id]
    assert search.search(editor, text="middle paragraph").total == 0
    assert search.queue_length() == 0


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_hostile_markdown_is_rendered_harmless(cop, editor):
    body = '<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror="alert(1)">'
    parser = TagCollector()
    parser.feed(make_page(cop, "Hostile", body, author=editor).current_revision.html)
    assert "script" not in [tag for tag, _ in parser.tags]
    for _tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript")


def test_a_hostile_page_at_the_size_limit_saves_with_safe_html(app, cop, editor):
    # Past the work budget of wiki/budget.py the rest is shown as typed, links included.
    limit = app.config["MAX_WIKI_PAGE_BYTES"]
    tail = "\n\nSee [[Fluency]] <script>alert(1)</script>\n"
    body = "[" * (limit - len(tail)) + tail
    page = make_page(cop, "Brackets", body, author=editor)
    revision = page.current_revision
    assert revision.body == body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in revision.html
    assert "<script" not in revision.html
    assert "See [[Fluency]] &lt;script&gt;" in revision.html
    assert wiki_links.page_links(page) == []
