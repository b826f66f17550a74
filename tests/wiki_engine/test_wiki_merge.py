"""Three-way merges of concurrent page edits."""
import pytest

from wiki import MergeResult, conflict_blocks, keep_one_side, merge_texts

BASE = "Title\n\nIntro line\n\nBody line\n\nOutro line\n"


def test_edits_to_different_lines_merge_cleanly():
    ours = BASE.replace("Intro line", "Better intro")
    theirs = BASE.replace("Outro line", "Better outro")
    assert merge_texts(BASE, ours, theirs) == MergeResult(
        text="Title\n\nBetter intro\n\nBody line\n\nBetter outro\n", conflicts=0, clean=True)


def test_edits_to_the_same_line_conflict_with_labelled_markers():
    ours = BASE.replace("Body line", "Body, my way")
    theirs = BASE.replace("Body line", "Body, their way")
    result = merge_texts(BASE, ours, theirs)
    assert not result.clean and result.conflicts == 1
    assert result.text == (
        "Title\n\nIntro line\n\n"
        "<<<<<<< your edit\nBody, my way\n=======\nBody, their way\n>>>>>>> saved version\n"
        "\nOutro line\n"
    )


def test_labels_are_parameters():
    result = merge_texts("a\n", "b\n", "c\n", ours_label="Ana", theirs_label="revision 7")
    assert result.text == "<<<<<<< Ana\nb\n=======\nc\n>>>>>>> revision 7\n"


def test_each_overlapping_region_counts_as_one_conflict():
    ours = BASE.replace("Intro line", "I1").replace("Outro line", "O1")
    theirs = BASE.replace("Intro line", "I2").replace("Outro line", "O2")
    assert merge_texts(BASE, ours, theirs).conflicts == 2


def test_identical_changes_on_both_sides_are_not_conflicts():
    both = BASE.replace("Body line", "Same new body")
    assert merge_texts(BASE, both, both) == MergeResult(text=both, conflicts=0, clean=True)


def test_missing_final_newline_does_not_conflict():
    ours = BASE.replace("Intro line", "New intro").removesuffix("\n")
    theirs = BASE.replace("Outro line", "New outro")
    result = merge_texts(BASE, ours, theirs)
    assert result.clean
    assert result.text == "Title\n\nNew intro\n\nBody line\n\nNew outro"  # our removal of it wins


def test_conflict_on_a_last_line_without_newline_keeps_markers_on_their_own_lines():
    result = merge_texts("end", "our end", "their end")
    assert result.text == "<<<<<<< your edit\nour end\n=======\ntheir end\n>>>>>>> saved version"


def test_crlf_input_merges_with_lf_input_and_comes_out_as_lf():
    ours = BASE.replace("Intro line", "New intro").replace("\n", "\r\n")
    theirs = BASE.replace("Outro line", "New outro")
    result = merge_texts(BASE.replace("\n", "\r\n"), ours, theirs)
    assert result.clean
    assert result.text == "Title\n\nNew intro\n\nBody line\n\nNew outro\n"


def test_both_sides_adding_to_an_empty_page_conflict():
    result = merge_texts("", "mine\n", "theirs\n")
    assert result.conflicts == 1
    assert result.text == "<<<<<<< your edit\nmine\n=======\ntheirs\n>>>>>>> saved version\n"


def _conflicted() -> str:
    base = "Title\n\nWarm-up: chant\n\nEnd\n"
    result = merge_texts(base, "Title\n\nWarm-up: song\n\nEnd\n", "Title\n\nWarm-up: game\n\nEnd\n")
    assert result.conflicts == 1
    return result.text


def test_conflict_blocks_find_the_markers_a_merge_left():
    blocks = conflict_blocks(_conflicted())
    assert [(b.start_line, b.ours, b.theirs) for b in blocks] == [(3, ["Warm-up: song"], ["Warm-up: game"])]


def test_a_markdown_heading_underline_is_not_a_conflict():
    assert conflict_blocks("Title\n=======\n\ntext <<<<<<< inline\n") == []
    assert conflict_blocks("<<<<<<< your edit\nonly a start\n") == []


@pytest.mark.parametrize("side, kept", [("ours", "Warm-up: song"), ("theirs", "Warm-up: game")])
def test_keeping_one_side_resolves_every_block_and_keeps_the_rest(side, kept):
    resolved = keep_one_side(_conflicted(), side)
    assert resolved == f"Title\n\n{kept}\n\nEnd\n" and conflict_blocks(resolved) == []
def test_far_apart_edits_to_a_huge_page_still_merge_cleanly():
    base = "".join(f"line {n}\n" for n in range(100_000))
    ours = base.replace("line 10\n", "line 10 ours\n")
    theirs = base.replace("line 99000\n", "line 99000 theirs\n")
    result = merge_texts(base, ours, theirs)
    assert result.clean
    assert result.text == ours.replace("line 99000\n", "line 99000 theirs\n")


def test_revisions_too_different_to_match_conflict_as_one_block():
    base = "".join(f"line {n}\n" for n in range(10_000))
    ours = "".join(f"line {n} ours\n" if n % 2 else f"line {n}\n" for n in range(10_000))
    theirs = base.replace("line 5001\n", "line 5001 theirs\n")
    result = merge_texts(base, ours, theirs)
    assert result.conflicts == 1
    assert "line 5001 ours\n" in result.text and "line 5001 theirs\n" in result.text
