"""With JavaScript switched off, Globe can still be read, searched and added to."""
from __future__ import annotations

from browsing import docx_with, expect, log_in
from sample import community_facilitated_by


def test_read_search_and_upload_without_javascript(site, sample, open_page, tmp_path):
    page = open_page(java_script_enabled=False)
    page.goto(f"/c/{sample.community}/wiki/{sample.wiki_page}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phonics games")
    expect(page.get_by_role("navigation", name="Contents").get_by_role("link", name="Main game")).to_be_visible()

    search_box = page.get_by_role("searchbox", name="Search Globe")
    search_box.fill("magma")
    search_box.press("Enter")
    expect(page.get_by_role("link", name="Volcano reading pack")).to_be_visible()

    slug = site.build(lambda: community_facilitated_by(sample.admin_email, "Geography"))
    document = tmp_path / "rivers.docx"
    document.write_bytes(docx_with("Rivers carve valleys over thousands of years."))
    log_in(page, sample.admin_email)
    page.goto(f"/c/{slug}/resources/new")
    page.get_by_label("File(s)").set_input_files(document)
    page.get_by_label("Title").fill("How rivers shape valleys")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How rivers shape valleys")
    expect(page.get_by_role("region", name="Preview")).to_contain_text("Rivers carve valleys")
