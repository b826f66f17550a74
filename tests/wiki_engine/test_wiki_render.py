"""Rendering wiki pages and plain Markdown: extensions, links, attachments, limits."""
import pytest
from wiki_html_checks import parse_elements

from wiki import LinkTarget, TocEntry, render, render_markdown


def render_page(text, resolve_link, resolve_attachment=None):
    return render(text, resolve_link=resolve_link, resolve_attachment=resolve_attachment)


def test_existing_page_link(resolve_link):
    rendered = render_page("Go [[Teaching Speaking]].", resolve_link)
    assert ('<a href="/c/this-cop/wiki/teaching-speaking" class="wikilink">Teaching Speaking</a>'
            in rendered.html)


def test_missing_page_is_a_red_link_to_the_create_page(resolve_link):
    rendered = render_page("Go [[New Lesson Ideas|ideas]].", resolve_link)
    assert ('<a href="/c/this-cop/wiki/new?slug=new-lesson-ideas" class="wikilink redlink" '
            'title="Create page: New Lesson Ideas">ideas</a>') in rendered.html


def test_fragment_is_appended_to_existing_pages_only(resolve_link):
    html = render_page("[[Home#Our Rules]] [[Nowhere#Our Rules]]", resolve_link).html
    assert 'href="/c/this-cop/wiki/home#our-rules"' in html
    assert 'href="/c/this-cop/wiki/new?slug=nowhere"' in html


def test_cross_community_link(resolve_link):
    html = render_page("[[other-cop:Reading Lists|their lists]]", resolve_link).html
    assert '<a href="/c/other-cop/wiki/reading-lists" class="wikilink">their lists</a>' in html


def test_links_come_from_the_rendering_pass_and_each_target_is_resolved_once(resolve_link):
    rendered = render_page("[[Home]] [[Home|again]] [[Nowhere]] `[[Code]]`", resolve_link)
    assert [link.slug for link in rendered.links] == ["home", "nowhere"]
    assert [link.slug for link in resolve_link.calls] == ["home", "nowhere"]


def test_shown_text_is_escaped_and_not_markdown(resolve_link):
    html = render_page("[[Home|<b>*bold*</b>]]", resolve_link).html
    assert ">&lt;b&gt;*bold*&lt;/b&gt;</a>" in html


def test_links_in_code_are_rendered_as_code(resolve_link):
    html = render_page("`[[Home]]`\n\n```\n[[Home]]\n```", resolve_link).html
    assert "wikilink" not in html
    assert "<code>[[Home]]</code>" in html


def test_table_alignment_uses_align_attributes(resolve_link):
    html = render_page("| Left | Right |\n|:-----|------:|\n| a | [[Home]] |", resolve_link).html
    cells = [(tag, attrs) for tag, attrs in parse_elements(html) if tag in ("th", "td")]
    assert cells[0] == ("th", {"align": "left"})
    assert cells[3] == ("td", {"align": "right"})
    assert "style" not in html
    assert 'class="wikilink"' in html


def test_footnotes(resolve_link):
    html = render_page("Claim.[^source]\n\n[^source]: A *good* book.", resolve_link).html
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">' in html
    assert '<li id="fn1" class="footnote-item"><p>A <em>good</em> book.' in html
    assert 'href="#fnref1" class="footnote-backref"' in html


def test_definition_lists(resolve_link):
    html = render_page("Scaffolding\n:   Temporary support for learners.", resolve_link).html
    assert "<dl>\n<dt>Scaffolding</dt>\n<dd>Temporary support for learners.</dd>\n</dl>" in html


def test_fenced_code_keeps_its_language_and_escapes_its_content(resolve_link):
    html = render_page('```python\nprint("<b>")\n```', resolve_link).html
    assert ('<pre><code class="language-python">print("&lt;b&gt;")\n</code></pre>'
            in html)


def test_ordered_lists_keep_their_start_number(resolve_link):
    assert '<ol start="3">' in render_page("3. three\n4. four", resolve_link).html


def test_headings_get_unique_script_aware_ids_and_a_toc(resolve_link):
    text = "# Speaking [[Home]]\n\n## تعليم المحادثة\n\n## Practice\n\n### Practice\n\n## 🎉"
    rendered = render_page(text, resolve_link)
    assert rendered.toc == [
        TocEntry(1, "speaking-home", "Speaking Home"),
        TocEntry(2, "تعليم-المحادثة", "تعليم المحادثة"),
        TocEntry(2, "practice", "Practice"),
        TocEntry(3, "practice-2", "Practice"),
        TocEntry(2, "section", "🎉"),
    ]
    assert '<h2 id="تعليم-المحادثة">' in rendered.html
    assert '<h3 id="practice-2">' in rendered.html


def test_toc_html_nests_by_level(resolve_link):
    toc_html = render_page("# A\n\n## B\n\n### C\n\n## D\n\n# E", resolve_link).toc_html
    assert toc_html == (
        '<div class="toc"><ul><li><a href="#a">A</a><ul><li><a href="#b">B</a><ul>'
        '<li><a href="#c">C</a></li></ul></li><li><a href="#d">D</a></li></ul></li>'
        '<li><a href="#e">E</a></li></ul></div>'
    )


def test_toc_html_escapes_titles_and_is_empty_without_headings(resolve_link):
    assert "&lt;script&gt;" in render_page("# <script>x</script>", resolve_link).toc_html
    assert render_page("No headings here.", resolve_link).toc_html == ""


def test_attachments_present_and_missing(resolve_link):
    files = {"diagram.png": "/files/abc123/diagram.png", "my notes.pdf": "/files/def/notes.pdf"}
    text = ("![A diagram](attachment:diagram.png) [notes](<attachment:my notes.pdf>) "
            "![Lost](attachment:lost.png) [*old* file](attachment:old.pdf)")
    rendered = render_page(text, resolve_link, files.get)
    assert '<img src="/files/abc123/diagram.png" alt="A diagram">' in rendered.html
    assert '<a href="/files/def/notes.pdf">notes</a>' in rendered.html
    assert '<span class="missing-attachment">Lost</span>' in rendered.html
    assert '<span class="missing-attachment"><em>old</em> file</span>' in rendered.html
    assert rendered.attachments == ["diagram.png", "my notes.pdf", "lost.png", "old.pdf"]


def test_attachments_without_resolver_are_missing(resolve_link):
    rendered = render_page("![x](attachment:a.png)", resolve_link)
    assert '<span class="missing-attachment">x</span>' in rendered.html
    assert rendered.attachments == ["a.png"]


@pytest.mark.parametrize("reference", ["attachment:../secret.txt", "attachment:a%2Fb.png",
                                       "attachment:", "attachment:%00x"])
def test_attachment_names_that_cannot_be_files_are_missing_and_not_looked_up(
        resolve_link, reference):
    looked_up = []
    rendered = render_page(f"[file]({reference})", resolve_link, looked_up.append)
    assert '<span class="missing-attachment">file</span>' in rendered.html
    assert looked_up == [] and rendered.attachments == []


def test_raw_html_is_shown_as_text(resolve_link):
    html = render_page('<div class="x">hi</div>\n\nand <b>bold</b>', resolve_link).html
    assert '&lt;div class="x"&gt;hi&lt;/div&gt;' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_render_markdown_has_no_wiki_links_heading_ids_or_footnotes():
    html = render_markdown("# Title\n\n[[Home]] and [^1]\n\n[^1]: note\n\n| a |\n|--:|\n| b |")
    assert "<h1>Title</h1>" in html
    assert "[[Home]]" in html and "wikilink" not in html
    assert "footnote" not in html
    assert '<td align="right">b</td>' in html


def test_render_markdown_escapes_html_and_marks_external_links():
    html = render_markdown("<script>alert(1)</script> [site](https://example.org)")
    assert "<script>" not in html
    assert '<a href="https://example.org" rel="nofollow noopener ugc">site</a>' in html


def test_crlf_source_renders_like_lf(resolve_link):
    crlf = render_page("# Title\r\n\r\n- a\r\n- b\r\n", resolve_link).html
    assert crlf == render_page("# Title\n\n- a\n- b\n", resolve_link).html


@pytest.mark.parametrize("text", [
    "> " * 5_000 + "deep quote",
    "- " * 5_000 + "deep list",
    "\n".join("  " * depth + "- item" for depth in range(1_000)),
    "*" * 10_000 + "x" + "*" * 10_000,
    "[" * 10_000 + "x" + "](y)" * 10_000,
])
def test_deep_nesting_renders(resolve_link, text):
    rendered = render_page(text, resolve_link)
    assert rendered.html.count("<ul>") <= 50 and rendered.html.count("<strong>") <= 50


@pytest.mark.parametrize("text", [
    "[" * 50_000,
    "[a](" * 20_000,
    "[[" * 30_000,
    "[[a:" * 20_000,
    "``a`" * 20_000,
    "<a " * 30_000,
    "####### x\n" * 10_000,
    "Term\n" + ":   d\n" * 10_000,
])
def test_pathological_input_renders_as_text(resolve_link, text):
    rendered = render_page(text, resolve_link)
    assert rendered.links == [] and rendered.html


def test_thousands_of_links(resolve_link):
    text = " ".join(f"[[Page {number}]] [web](https://example.org/{number})"
                    for number in range(5_000))
    rendered = render_page(text, resolve_link)
    assert len(rendered.links) == 5_000
    assert rendered.html.count('class="wikilink redlink"') == 5_000


def test_a_page_at_the_size_limit_renders_in_full(resolve_link):
    paragraph = "Some *teaching* notes about [[Home]] with `code` and [a link](/x).\n\n"
    text = paragraph * (512 * 1024 // len(paragraph))  # Globe's default MAX_WIKI_PAGE_BYTES
    rendered = render_page(text, resolve_link)
    assert rendered.html.count("<p>") == text.count("\n\n")
    assert [link.slug for link in rendered.links] == ["home"]


def test_link_resolver_decides_the_url(resolve_link):
    rendered = render(
        "[[Home]]", resolve_link=lambda link: LinkTarget(url="/custom/" + link.slug, exists=True))
    assert '<a href="/custom/home" class="wikilink">Home</a>' in rendered.html
