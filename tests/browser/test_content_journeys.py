"""A teacher's work in a community: write and edit a wiki page with a wiki link, read its history and
diff; share a Word document and find it with the search box by a phrase from inside the file."""
from __future__ import annotations

import uuid

from browsing import docx_with, expect, unique
from factories import make_community, make_user


def community_with_editor() -> tuple[str, str]:
    editor = make_user("Eli Editor", email=f"{unique('eli')}@example.org")
    community = make_community(unique("maths"), name="Primary maths", facilitator=editor)
    return community.slug, editor.email


def save_page(page, *, body: str, summary: str) -> None:
    page.get_by_label("Text (Markdown)").fill(body)
    page.get_by_label("Edit summary").fill(summary)
    page.get_by_role("button", name="Save page").click()


def test_write_a_wiki_page_edit_it_and_compare_revisions(site, open_page):
    slug, editor = site.build(community_with_editor)
    page = open_page(as_user=editor)
    page.goto(f"/c/{slug}")
    page.get_by_role("navigation", name="Community").get_by_role("link", name="Wiki").click()
    page.get_by_role("link", name="New page").click()
    page.get_by_label("Title").fill("Fraction games")
    save_page(page, body="Cut paper circles, then play [[Pizza fractions]].", summary="First games")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fraction games")

    page.get_by_role("link", name="Pizza fractions").click()  # a wanted page: the link offers to create it
    expect(page.get_by_label("Title")).to_have_value("Pizza fractions")
    save_page(page, body="Share a paper pizza in halves and quarters.", summary="New game")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pizza fractions")
    page.get_by_role("region", name="What links here").get_by_role("link", name="Fraction games").click()

    page.get_by_role("navigation", name="Page").get_by_role("link", name="Edit").click()
    save_page(page, body="Cut paper circles, then play [[Pizza fractions]] in teams of four.", summary="Teams")
    expect(page.get_by_role("main")).to_contain_text("in teams of four")

    page.get_by_role("navigation", name="Page").get_by_role("link", name="History").click()
    expect(page.get_by_role("row")).to_have_count(3)  # a header and two revisions
    expect(page.get_by_role("table")).to_contain_text("Teams")
    page.get_by_role("button", name="Compare selected revisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes to Fraction games")
    expect(page.get_by_role("main")).to_contain_text("From revision 1")
    expect(page.get_by_role("table", name="Changes")).to_contain_text("in teams of four")


def test_share_a_document_and_find_it_by_a_phrase_inside_it(site, open_page, tmp_path):
    slug, editor = site.build(community_with_editor)
    marker = "kestrel" + uuid.uuid4().hex[:8]  # a word only this document has
    phrase = f"{marker} glides over the tidal marshes"
    document = tmp_path / "birds.docx"
    document.write_bytes(docx_with("Birds of the estuary", f"At dawn the {phrase} near the school."))

    page = open_page(as_user=editor)
    page.goto(f"/c/{slug}/resources")
    page.get_by_role("link", name="Share a resource").click()
    page.get_by_label("File(s)").set_input_files(document)
    page.get_by_label("Title").fill("Estuary birds reading")
    page.get_by_role("checkbox", name="B1").check()
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Estuary birds reading")
    expect(page.get_by_role("link", name="Download birds.docx")).to_be_visible()

    search_box = page.get_by_role("searchbox", name="Search Globe")
    search_box.fill(f'"{phrase}"')
    search_box.press("Enter")
    results = page.get_by_role("region", name="1 result")
    expect(results.get_by_role("link", name="Estuary birds reading")).to_be_visible()
    expect(results.locator("mark").first).to_have_text(marker)
