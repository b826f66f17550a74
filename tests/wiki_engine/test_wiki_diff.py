"""Line diffs between revisions: unified text, side-by-side rows, HTML views, stats."""
from wiki_html_checks import parse_elements, script_capable_parts

from wiki import (
    DiffRow,
    diff_rows,
    diff_stats,
    inline_html,
    is_too_large_to_compare,
    side_by_side_html,
    unified_diff,
)

OLD = "Warm-up\nPair work on <script>alert(1)</script>\nWrap-up\n"
NEW = "Warm-up\nGroup work on <b>verbs</b>\nWrap-up\nHomework\n"


def test_unified_diff():
    assert unified_diff(OLD, NEW, old_label="Revision 1", new_label="Revision 2") == (
        "--- Revision 1\n"
        "+++ Revision 2\n"
        "@@ -1,3 +1,4 @@\n"
        " Warm-up\n"
        "-Pair work on <script>alert(1)</script>\n"
        "+Group work on <b>verbs</b>\n"
        " Wrap-up\n"
        "+Homework\n"
    )


def test_unified_diff_labels_stay_on_one_line():
    diff = unified_diff("a", "b", old_label="x\n+++ forged", new_label="y")
    assert diff.splitlines()[:2] == ["--- x +++ forged", "+++ y"]


def test_unified_diff_ignores_line_ending_style_and_final_newline():
    assert unified_diff("a\r\nb\r\n", "a\nb", old_label="old", new_label="new") == ""


def test_diff_rows_pair_lines_with_numbers_and_kinds():
    rows = diff_rows(OLD, NEW)
    assert [(row.kind, row.old_no, row.new_no) for row in rows] == [
        ("equal", 1, 1), ("replace", 2, 2), ("equal", 3, 3), ("insert", None, 4),
    ]
    assert rows[1].old_text == "Pair work on <script>alert(1)</script>"
    assert rows[3] == DiffRow(kind="insert", old_no=None, old_text="", new_no=4,
                              new_text="Homework", old_html="", new_html="<ins>Homework</ins>")


def test_replaced_lines_highlight_the_changed_words_escaped():
    replaced = diff_rows(OLD, NEW)[1]
    assert replaced.old_html == ("<del>Pair</del> work on &lt;<del>script</del>&gt;"
                                 "<del>alert(1)</del>&lt;/<del>script</del>&gt;")
    assert replaced.new_html == (
        "<ins>Group</ins> work on &lt;<ins>b</ins>&gt;<ins>verbs</ins>&lt;/<ins>b</ins>&gt;")


def test_uneven_replacements_end_in_plain_deletions():
    rows = diff_rows("a\nb\nc\n", "x\n")
    assert [row.kind for row in rows] == ["replace", "delete", "delete"]
    assert rows[2].old_html == "<del>c</del>"


def test_long_unchanged_runs_collapse_to_three_lines_of_context():
    old = "".join(f"line {number}\n" for number in range(1, 101))
    new = old.replace("line 50\n", "line fifty\n")
    rows = diff_rows(old, new, context=3)
    assert [(row.kind, row.old_no, row.skipped) for row in rows] == [
        ("skip", 1, 46),
        ("equal", 47, 0), ("equal", 48, 0), ("equal", 49, 0),
        ("replace", 50, 0),
        ("equal", 51, 0), ("equal", 52, 0), ("equal", 53, 0),
        ("skip", 54, 47),
    ]


def test_short_unchanged_runs_are_not_collapsed():
    old = "a\nb\nc\nd\ne\nf\ng\nh\n"
    new = old.replace("a", "A").replace("h", "H")
    assert all(row.kind != "skip" for row in diff_rows(old, new, context=3))


def test_side_by_side_html_is_an_accessible_escaped_table():
    html = side_by_side_html(OLD, NEW)
    assert "<caption>Changes</caption>" in html
    assert '<th scope="col" colspan="2">Before</th><th scope="col" colspan="2">After</th>' in html
    assert "&lt;/<del>script</del>&gt;" in html and "<script" not in html
    assert script_capable_parts(html) == []
    tags = {tag for tag, _ in parse_elements(html)}
    assert {"table", "caption", "thead", "tbody", "del", "ins"} <= tags


def test_inline_html_lists_removed_then_added_lines():
    html = inline_html(OLD, NEW, caption="Changes to <Lesson>")
    assert "<caption>Changes to &lt;Lesson&gt;</caption>" in html
    rows = [attributes.get("class") for tag, attributes in parse_elements(html) if tag == "tr"]
    assert rows[1:] == ["diff-equal", "diff-delete", "diff-insert", "diff-equal", "diff-insert"]
    assert script_capable_parts(html) == []


def test_html_views_show_skipped_line_counts():
    old = "".join(f"line {number}\n" for number in range(1, 31))
    new = old + "new line\n"
    assert '<td colspan="4">… 27 unchanged lines</td>' in side_by_side_html(old, new)
    assert '<td colspan="3">… 27 unchanged lines</td>' in inline_html(old, new)


def test_diff_stats_counts_added_and_removed_lines():
    assert diff_stats(OLD, NEW) == (2, 1)
    assert diff_stats("same\n", "same") == (0, 0)
    assert diff_stats("", "one\ntwo\n") == (2, 0)


def test_a_small_edit_to_a_huge_page_is_still_shown_line_by_line():
    old = "".join(f"line {n}\n" for n in range(100_000))
    new = old.replace("line 5000\n", "line 5000 changed\n")
    rows = [row for row in diff_rows(old, new, context=1) if row.kind != "skip"]
    assert [(row.kind, row.old_no, row.new_no) for row in rows] == [
        ("equal", 5000, 5000), ("replace", 5001, 5001), ("equal", 5002, 5002)]
    assert diff_stats(old, new) == (1, 1)


def test_revisions_too_different_to_match_show_a_notice_and_counts():
    old = "".join(f"old {n}\n" for n in range(3_000))
    new = "".join(f"new {n}\n" for n in range(3_000))
    assert is_too_large_to_compare(old, new)
    assert diff_stats(old, new) == (3_000, 3_000)
    for table in (inline_html(old, new), side_by_side_html(old, new)):
        assert "too many lines to compare line by line" in table
        assert "old 1" not in table
