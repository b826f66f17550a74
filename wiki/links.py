"""Page titles, their URL slugs, and the `[[wiki link]]` syntax that points at pages.

Everything here is plain text processing; the Markdown side of wiki links lives in render.py.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from slugify import slugify

MAX_TITLE_LENGTH = 200
MAX_SLUG_LENGTH = 200

# `|`, brackets and `#` would break `[[Title|text]]` / `[[Title#Section]]`, `:` is the community
# separator of `[[cop-slug:Title]]`, and `<>{}` invite confusion with markup and templates.
FORBIDDEN_TITLE_CHARACTERS = "|[]#<>{}:"
PATH_SEPARATORS = "/\\"
# Joiners are Unicode format characters (category Cf) that Persian, the Indic scripts and emoji
# sequences need to spell words correctly, so they are the only invisible characters a title keeps.
WORD_JOINERS = frozenset("\u200c\u200d")
# Whitespace that normalize_title() collapses into a space instead of refusing.
COLLAPSIBLE_CONTROLS = frozenset("\t\n\r")

COMMUNITY_SLUG_PATTERN = r"[a-z0-9][a-z0-9-]{0,99}"
# Every part has an upper bound so that a failed match can never scan far ahead.
WIKI_LINK_PATTERN = (
    r"\[\["
    rf"(?:(?P<community>{COMMUNITY_SLUG_PATTERN}):)?"
    r"(?P<title>[^\[\]|#:\n]{1,256})"
    r"(?:#(?P<fragment>[^\[\]|\n]{1,256}))?"
    r"(?:\|(?P<text>[^\[\]\n]{1,256}))?"
    r"\]\]"
)
WIKI_LINK_RE = re.compile(WIKI_LINK_PATTERN)

_LINE_BREAKS_RE = re.compile(r"\r\n?")


@dataclass(frozen=True)
class WikiLink:
    """One `[[...]]` link: the target page (in another community when `community` is set),
    the text shown for it, and the id of the heading it points at, if any."""

    community: str | None
    title: str
    slug: str
    text: str
    fragment: str | None


def normalize_newlines(text: str) -> str:
    """Turn Windows (CRLF) and old Mac (CR) line endings into `\\n`."""
    return _LINE_BREAKS_RE.sub("\n", text)


def split_lines(text: str) -> list[str]:
    """The lines of a text, whatever its line endings; a final newline does not start a line."""
    return normalize_newlines(text).removesuffix("\n").split("\n") if text else []


def collapse_whitespace(text: str) -> str:
    """Trim `text` and turn every run of whitespace, line breaks included, into one space."""
    return " ".join(text.split())


def normalize_title(title: str) -> str:
    """NFC-normalise a title, trim it and collapse every run of whitespace into one space."""
    return collapse_whitespace(unicodedata.normalize("NFC", title))


def slugify_title(title: str) -> str:
    """Map a title to its URL slug: lower-case letters and digits of any script, hyphenated."""
    # The "modern" algorithm keeps combining marks and joiners inside words (Hindi vowel signs,
    # Arabic harakat); titles are plain text, so HTML entities are not decoded.
    return slugify(
        title,
        allow_unicode=True,
        max_length=MAX_SLUG_LENGTH,
        entities=False,
        decimal=False,
        hexadecimal=False,
        algorithm="modern",
    )


def heading_id(text: str) -> str:
    """The anchor id of a heading, shared by the table of contents and `[[Page#Heading]]` links."""
    return slugify_title(text) or "section"


def validate_title(title: str) -> list[str]:
    """Human-readable reasons why `title` cannot name a page; an empty list means it can."""
    normalized = normalize_title(title)
    if not normalized:
        return ["Enter a title."]
    errors = []
    if len(normalized) > MAX_TITLE_LENGTH:
        errors.append(f"Keep the title to {MAX_TITLE_LENGTH} characters or fewer.")
    if any(char in PATH_SEPARATORS for char in normalized):
        errors.append("A title cannot contain / or \\.")
    if ".." in normalized:
        errors.append('A title cannot contain "..".')
    if any(_is_invisible_control(char) for char in title):
        errors.append("A title cannot contain control or invisible formatting characters.")
    if any(char in FORBIDDEN_TITLE_CHARACTERS for char in normalized):
        forbidden = " ".join(FORBIDDEN_TITLE_CHARACTERS)
        errors.append(f"A title cannot contain any of these characters: {forbidden}")
    if not errors and not slugify_title(normalized):
        errors.append("A title needs at least one letter or digit.")
    return errors


def _is_invisible_control(char: str) -> bool:
    if char in COLLAPSIBLE_CONTROLS or char in WORD_JOINERS:
        return False
    # Category C* covers control codes, bidi overrides (U+202A-202E, U+2066-2069), private-use,
    # surrogates and unassigned code points.
    return unicodedata.category(char).startswith("C")


def wiki_link_from_match(match: re.Match[str]) -> WikiLink | None:
    """Build the WikiLink a WIKI_LINK_RE match stands for, or None if its title is invalid."""
    title = normalize_title(match["title"])
    if validate_title(title):
        return None
    fragment_text = normalize_title(match["fragment"] or "")
    fragment = heading_id(fragment_text) if fragment_text else None
    shown_text = normalize_title(match["text"] or "")
    default_text = f"{title}#{fragment_text}" if fragment else title
    return WikiLink(
        community=match["community"],
        title=title,
        slug=slugify_title(title),
        text=shown_text or default_text,
        fragment=fragment,
    )
