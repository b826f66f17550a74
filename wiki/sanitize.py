"""The HTML allow-list that every rendered page, comment and description passes through.

The sanitizer is nh3 (Rust ammonia, html5ever parser): linear in its input, see the "Hostile
Markdown" section of docs/benchmarks.md for why it replaced bleach."""
from __future__ import annotations

import functools
import re
from html import unescape
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "pre", "code", "blockquote",
    "a", "img", "em", "strong", "del", "s", "sup", "sub", "hr", "br", "div", "span", "section",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
ALLOWED_CLASSES = frozenset({
    "wikilink", "redlink", "missing-attachment", "toc",
    # the footnote plugin's markup
    "footnote-ref", "footnotes-sep", "footnotes", "footnotes-list", "footnote-item",
    "footnote-backref",
})
EXTERNAL_LINK_REL = "nofollow noopener ugc"

_NUMBER_RE = re.compile(r"\d{1,5}")
_CODE_LANGUAGE_RE = re.compile(r"language-[\w+#.-]{1,40}")
_ALIGNMENTS = frozenset({"left", "right", "center"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _is_number(value: str) -> bool:
    return _NUMBER_RE.fullmatch(value) is not None


def _is_id(value: str) -> bool:
    return 0 < len(value) <= 256 and not any(char.isspace() for char in value)


def _has_allowed_classes(value: str) -> bool:
    return all(name in ALLOWED_CLASSES for name in value.split())


def _is_code_language(value: str) -> bool:
    return _CODE_LANGUAGE_RE.fullmatch(value) is not None


def _any_value(value: str) -> bool:
    return True  # URLs are checked against ALLOWED_PROTOCOLS by ammonia; text needs no check.


_CELL_ATTRIBUTES = {
    "align": _ALIGNMENTS.__contains__, "colspan": _is_number, "rowspan": _is_number,
}
# tag -> attribute -> check of the value; anything not listed is dropped.
ATTRIBUTE_RULES = {
    "a": {"href": _any_value, "title": _any_value, "class": _has_allowed_classes,
          "id": _is_id, "rel": _any_value},
    "img": {"src": _any_value, "alt": _any_value, "title": _any_value,
            "width": _is_number, "height": _is_number},
    "th": _CELL_ATTRIBUTES,
    "td": _CELL_ATTRIBUTES,
    "ol": {"start": _is_number, "class": _has_allowed_classes},
    "li": {"id": _is_id, "class": _has_allowed_classes},
    "sup": {"class": _has_allowed_classes},
    "code": {"class": _is_code_language},
    **{tag: {"class": _has_allowed_classes} for tag in ("div", "span", "section", "hr")},
    **{heading: {"id": _is_id} for heading in _HEADINGS},
}


def _checked_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: the value when the allow-list accepts it, else None (dropped)."""
    check = ATTRIBUTE_RULES.get(tag, {}).get(name)
    return value if check is not None and check(value) else None


def _is_external_url(url: str) -> bool:
    """True for a link that leaves the site: one with a scheme or a `//host` prefix."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host; safer to treat it as foreign
        return True
    return bool(parts.scheme or parts.netloc)


# ammonia serialises every attribute as name="value" with `"` escaped, so this reads its output
# exactly; a value may hold ">" but never a bare quote.
_LINK_START_RE = re.compile(r'<a((?:\s+[^\s="]+(?:="[^"]*")?)*)>')
_HREF_RE = re.compile(r'\shref="([^"]*)"')
_REL_RE = re.compile(r'\srel="[^"]*"')


def _mark_external_link(match: re.Match[str]) -> str:
    attributes = match.group(1)
    href = _HREF_RE.search(attributes)
    if href is None or not _is_external_url(unescape(href.group(1))):
        return match.group(0)
    return f'<a{_REL_RE.sub("", attributes)} rel="{EXTERNAL_LINK_REL}">'


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(rules) for tag, rules in ATTRIBUTE_RULES.items()},
        attribute_filter=_checked_attribute,
        url_schemes=set(ALLOWED_PROTOCOLS),
        strip_comments=True,
        link_rel=None,  # set below on external links only: "rel" is on the allow-list
    )


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; mark external links."""
    return _LINK_START_RE.sub(_mark_external_link, _cleaner().clean(html))
