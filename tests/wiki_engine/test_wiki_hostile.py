"""Pathological Markdown at the page size limit still renders to correct, safe HTML: past the work
budget (wiki/budget.py) the rest of the page is shown as typed, never lost and never unescaped."""
import html

import pytest
from wiki_html_checks import parse_elements, script_capable_parts

from wiki import budget, render, render_markdown

PAGE_LIMIT = 512 * 1024  # Globe's default MAX_WIKI_PAGE_BYTES
XSS = "<script>alert(1)</script>"


def _repeat(unit: str, size: int = PAGE_LIMIT) -> str:
    return unit * (size // len(unit))


HOSTILE_PAGES = {
    "nested brackets": _repeat("["),
    "link openers": _repeat("[a]("),
    "nested emphasis": _repeat("*a _") + "x" + _repeat("_ b*"),
    "emphasis run": _repeat("*", PAGE_LIMIT // 2) + "a" + _repeat("*", PAGE_LIMIT // 2),
    "reference definitions": "".join(f"[r{n}]: /u{n}\n[r{n}] " for n in range(PAGE_LIMIT // 20)),
    "many headings": "".join(f"## Heading {n}\n\n" for n in range(PAGE_LIMIT // 16)),
    "long table": "| a | b |\n|---|---|\n" + _repeat("| x | *y* |\n"),
    "short lines": _repeat("x\n"),
}


@pytest.mark.parametrize("name", HOSTILE_PAGES)
def test_hostile_page_renders_safely_and_keeps_its_text(resolve_link, name):
    text = HOSTILE_PAGES[name] + "\n\n" + XSS + " the end"
    rendered = render(text, resolve_link=resolve_link)
    assert script_capable_parts(rendered.html) == []
    assert html.escape(XSS, quote=False) + " the end" in rendered.html  # shown as typed


def test_nested_brackets_past_the_budget_stay_literal(resolve_link):
    rendered = render(HOSTILE_PAGES["nested brackets"], resolve_link=resolve_link)
    assert rendered.html.count("[") == len(HOSTILE_PAGES["nested brackets"])
    assert "<a" not in rendered.html


def test_a_long_run_of_stars_is_text_but_short_emphasis_still_works():
    html_text = render_markdown("*a* " + "*" * 40 + " **b**")
    assert html_text == f"<p><em>a</em> {'*' * 40} <strong>b</strong></p>\n"


def test_lines_past_the_line_budget_are_shown_as_typed(monkeypatch):
    monkeypatch.setattr(budget, "MAX_LINES", 3)
    html_text = render_markdown("# Title\n\n*kept*\n- item <b>\n# not a heading\n")
    assert html_text.startswith("<h1>Title</h1>\n<p><em>kept</em></p>\n")
    assert "<pre><code>- item &lt;b&gt;\n# not a heading\n</code></pre>" in html_text


def test_blocks_past_the_block_budget_are_shown_as_typed(monkeypatch):
    monkeypatch.setattr(budget, "MAX_BLOCKS", 2)
    html_text = render_markdown("one\n\ntwo\n\n*three*\n\nfour\n")
    assert html_text == "<p>one</p>\n<p>two</p>\n<pre><code>*three*\n\nfour\n</code></pre>\n"


def test_inline_markup_past_the_step_budget_is_shown_as_typed(monkeypatch):
    monkeypatch.setattr(budget, "MAX_INLINE_STEPS", 6)
    html_text = render_markdown("*a* *b*\n\n*c* [d](/e)\n")
    assert "<em>a</em>" in html_text
    assert "*c* [d](/e)" in html_text


def test_table_rows_past_the_row_budget_become_text(monkeypatch, resolve_link):
    monkeypatch.setattr(budget, "MAX_TABLE_ROWS", 2)
    rendered = render("| a |\n|---|\n| 1 |\n| 2 |\n| 3 |\n", resolve_link=resolve_link)
    cells = [tag for tag, _ in parse_elements(rendered.html) if tag == "td"]
    assert len(cells) == 2
    assert "| 3 |" in rendered.html


def test_ordinary_long_page_is_not_touched_by_the_budget(resolve_link):
    paragraph = "Some *teaching* notes about [[Home]] with `code` and [a link](/x).\n\n"
    text = paragraph * (PAGE_LIMIT // len(paragraph))
    rendered = render(text, resolve_link=resolve_link)
    assert rendered.html.count("<em>teaching</em>") == text.count("\n\n")
    assert "<pre>" not in rendered.html
