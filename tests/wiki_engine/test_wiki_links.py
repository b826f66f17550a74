"""Titles, slugs and `[[wiki link]]` extraction."""
import pytest

from wiki import (
    WikiLink,
    extract_links,
    normalize_newlines,
    normalize_title,
    slugify_title,
    validate_title,
)


@pytest.mark.parametrize("title, slug", [
    ("Teaching Speaking", "teaching-speaking"),
    ("Café  Culture!", "café-culture"),
    ("Cafe\u0301 Culture", "café-culture"),  # decomposed é comes out composed (NFC)
    ("تعليم المحادثة", "تعليم-المحادثة"),
    ("Ελληνικά Μαθήματα", "ελληνικά-μαθήματα"),
    ("हिन्दी पाठ", "हिन्दी-पाठ"),  # vowel signs and virama stay inside their words
    ("Tiếng Việt", "tiếng-việt"),
    ("ılık IŞIK", "ılık-işik"),  # dotless ı stays dotless; I lower-cases to i
    ("İzmir", "i\u0307zmir"),  # dotted İ keeps its dot as a combining mark
    ("I ❤ Grammar 🎉", "i-grammar"),
    ("  --Hello, world--  ", "hello-world"),
    ("Lesson 3.2: Past tense", "lesson-3-2-past-tense"),
])
def test_slugify_title(title, slug):
    assert slugify_title(title) == slug


def test_titles_that_differ_only_in_case_and_punctuation_share_a_slug():
    # The app must check slug uniqueness: these would be the same page.
    assert slugify_title("Teaching Speaking") == slugify_title("teaching-speaking")
    assert slugify_title("Teaching   speaking!") == slugify_title("TEACHING SPEAKING")


def test_slug_is_capped_at_200_characters_without_trailing_hyphen():
    slug = slugify_title("word " * 100)
    assert 0 < len(slug) <= 200
    assert not slug.endswith("-") and not slug.startswith("-")


def test_emoji_only_title_has_an_empty_slug():
    assert slugify_title("🎉🎉") == ""


@pytest.mark.parametrize("title", [
    "Teaching Speaking",
    "Lesson 3.2 - past tense",
    "تعليم المحادثة",
    "می\u200cخواهم",  # Persian needs the zero-width non-joiner
    "x" * 200,
    "  padded  ",
])
def test_valid_titles(title):
    assert validate_title(title) == []


@pytest.mark.parametrize("title, expected_word", [
    ("", "Enter"),
    ("   \t ", "Enter"),
    ("x" * 201, "200"),
    ("Units/Verbs", "/"),
    ("Units\\Verbs", "/"),
    ("..", ".."),
    ("a..b", ".."),
    ("evil\u202etxt.exe", "control"),  # right-to-left override
    ("evil\u2066title", "control"),
    ("null\x00byte", "control"),
    ("a|b", "characters"),
    ("a[b", "characters"),
    ("a]b", "characters"),
    ("a#b", "characters"),
    ("a<b>", "characters"),
    ("a{b}", "characters"),
    ("cop:Title", "characters"),
    ("🎉", "letter"),
    ("!!!", "letter"),
])
def test_invalid_titles_get_a_readable_reason(title, expected_word):
    errors = validate_title(title)
    assert errors
    assert any(expected_word in error for error in errors)


def test_normalize_title_composes_trims_and_collapses_whitespace():
    assert normalize_title("  Cafe\u0301 \t  Culture \n") == "Café Culture"


def test_normalize_newlines():
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


def test_extract_links_in_order_of_first_appearance_without_duplicates():
    links = extract_links("[[Home]], [[Teaching Speaking]], [[home]] and [[Home|again]].")
    assert [link.slug for link in links] == ["home", "teaching-speaking"]
    assert links[0] == WikiLink(community=None, title="Home", slug="home", text="Home",
                                fragment=None)


def test_extract_links_reads_shown_text_community_and_fragment():
    [link] = extract_links("See [[other-cop:Reading  Lists#Level B1 Books|the B1 list]].")
    assert link == WikiLink(community="other-cop", title="Reading Lists", slug="reading-lists",
                            text="the B1 list", fragment="level-b1-books")


def test_same_title_in_two_communities_is_two_links():
    links = extract_links("[[Home]] [[other-cop:Home]]")
    assert [(link.community, link.slug) for link in links] == [
        (None, "home"), ("other-cop", "home")]


def test_fragment_without_shown_text_is_part_of_the_default_text():
    [link] = extract_links("[[Grammar#Past Tense]]")
    assert (link.title, link.text, link.fragment) == ("Grammar", "Grammar#Past Tense", "past-tense")


def test_links_inside_code_are_not_links():
    text = "\n".join([
        "Real: [[Real Page]] and `[[Inline Code]]` and ``a [[Double Ticks]] b``",
        "",
        "    [[Indented Code]]",
        "",
        "```",
        "[[Fenced Code]]",
        "```",
        "",
        "~~~python",
        "x = '[[Tilde Fence]]'",
        "~~~",
    ])
    assert [link.title for link in extract_links(text)] == ["Real Page"]


@pytest.mark.parametrize("text", [
    "[[Foo:Bar]]",  # not a community slug, and ':' is not allowed in titles
    "[[a/b]]",
    "[[..]]",
    "[[   ]]",
    "[[#Only a fragment]]",
    "[[🎉]]",
    "[[evil\u202etitle]]",
    "\\[[Escaped]]",
    "[[Unclosed",
    "[[Two\nLines]]",
])
def test_invalid_links_are_left_as_text(text):
    assert extract_links(text) == []


def test_extract_links_accepts_windows_line_endings():
    text = "```\r\n[[In Code]]\r\n```\r\n\r\n[[After Code]]\r\n"
    assert [link.title for link in extract_links(text)] == ["After Code"]
