"""The HTML allow-list that every rendered page, comment and description passes through."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter, getTreeWalker

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
    return True  # URLs are checked by bleach's protocol filter, text values need no check.


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


def _is_allowed_attribute(tag: str, name: str, value: str) -> bool:
    check = ATTRIBUTE_RULES.get(tag, {}).get(name)
    return check is not None and check(value)


def _is_external_url(url: str) -> bool:
    """True for a link that leaves the site: one with a scheme or a `//host` prefix."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host; safer to treat it as foreign
        return True
    return bool(parts.scheme or parts.netloc)


class _ExternalLinkFilter(Filter):
    """Marks links that leave the site so that search engines and the target page get no credit
    or handle on us (`rel="nofollow noopener ugc"`)."""

    def __iter__(self) -> Iterator[dict]:
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attributes = token["data"]
                href = attributes.get((None, "href"), "")
                if _is_external_url(href):
                    attributes[(None, "rel")] = EXTERNAL_LINK_REL
            yield token


_EtreeWalker = getTreeWalker("etree")


class _PositionTrackingWalker(_EtreeWalker):  # type: ignore[misc, valid-type]
    """html5lib's etree walker finds a parent's position by scanning all of the grandparent's
    children, which makes a page of thousands of blocks quadratic; this one remembers them."""

    def __init__(self, tree: object) -> None:
        super().__init__(tree)
        self._positions: list[int | None] = []  # position of each element on the parents stack

    def getFirstChild(self, node: object) -> object:
        depth = self._depth(node)
        return self._remember_descent(node, depth, super().getFirstChild(node))

    def getNextSibling(self, node: object) -> object:
        depth = self._depth(node)
        return self._remember_descent(node, depth, super().getNextSibling(node))

    def getParentNode(self, node: object) -> object:
        if not isinstance(node, tuple) or node[3] == "text":
            return super().getParentNode(node)
        parents = node[2]
        parent, position = parents.pop(), self._positions.pop()
        return (parent, position, parents, None) if parents else parent

    @staticmethod
    def _depth(node: object) -> int:
        return len(node[2]) if isinstance(node, tuple) else 0

    def _remember_descent(self, node: object, depth_before: int, step: object) -> object:
        # The parents stack is shared and grows in place when the walker enters `node`.
        if isinstance(step, tuple) and len(step[2]) > depth_before:
            self._positions.append(node[1] if isinstance(node, tuple) else None)
        return step


class _Cleaner(bleach.Cleaner):
    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self.walker = _PositionTrackingWalker


_cleaners = threading.local()  # bleach cleaners keep parser state: one per thread.


def _cleaner() -> _Cleaner:
    if not hasattr(_cleaners, "cleaner"):
        _cleaners.cleaner = _Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_is_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_ExternalLinkFilter],
        )
    return _cleaners.cleaner


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; mark external links."""
    return _cleaner().clean(html)
