"""Wiki Markdown to safe HTML in one pass, collecting the table of contents, the outgoing
wiki links and the attachments the page uses; plus plain Markdown for comments and descriptions."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from wiki.links import (
    PATH_SEPARATORS,
    WIKI_LINK_PATTERN,
    WikiLink,
    heading_id,
    normalize_newlines,
    wiki_link_from_match,
)
from wiki.sanitize import sanitize_html


@dataclass(frozen=True)
class LinkTarget:
    """Where a wiki link goes: the page's URL, or the create-page URL when it does not exist."""

    url: str
    exists: bool


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[TocEntry]
    toc_html: str
    links: list[WikiLink]
    attachments: list[str]


LinkResolver = Callable[[WikiLink], LinkTarget]
AttachmentResolver = Callable[[str], "str | None"]

WIKI_EXTENSIONS = ("tables", "fenced_code", "footnotes", "def_list", "toc", "sane_lists")
PLAIN_EXTENSIONS = ("tables", "fenced_code", "sane_lists")
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "tables": {"use_align_attribute": True},  # style="text-align: ..." would need style attributes
    "toc": {"permalink": False, "slugify": lambda text, _separator: heading_id(text)},
}
ATTACHMENT_SCHEME = "attachment:"

# Characters that must never reach Python-Markdown: STX/ETX delimit its internal placeholders.
_CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BRACKETS_RE = re.compile(r"[\[\]]")
# Python-Markdown rescans the rest of a paragraph for every unclosed "[" or "(" (its issue #798),
# which is quadratic; the link parsers share a scan budget proportional to the text instead.
_SCAN_BUDGET_PER_CHARACTER = 8
_SCAN_BUDGET_MINIMUM = 10_000
_MAX_LINK_TARGET_LENGTH = 4_096
# The stock footnote pattern `\[\^([^\]]*)\]` scans to the next "]" from every "[^".
_BOUNDED_FOOTNOTE_PATTERN = r"\[\^([^\]\n]{1,100})\]"


def clean_source(markdown_text: str) -> str:
    """Normalise line endings and drop control characters before parsing."""
    return _CONTROL_CHARACTERS_RE.sub("", normalize_newlines(markdown_text))


def render(
    markdown_text: str,
    *,
    resolve_link: LinkResolver,
    resolve_attachment: AttachmentResolver | None = None,
) -> Rendered:
    """Render a wiki page: HTML, table of contents, outgoing links and attachments, in one pass."""
    text = clean_source(markdown_text)
    page = _PageState(resolve_link, resolve_attachment)
    try:
        converter = _build_converter(WIKI_EXTENSIONS, len(text), page)
        body = sanitize_html(converter.convert(text))
        toc = _flatten_toc(converter.toc_tokens)
        toc_html = sanitize_html(converter.toc) if toc else ""
    except RecursionError:  # absurdly deep nesting: show the source rather than fail
        return Rendered(_unformatted(text), toc=[], toc_html="", links=[], attachments=[])
    return Rendered(body, toc, toc_html, list(page.links.values()), list(page.attachments))


def render_markdown(markdown_text: str) -> str:
    """Render plain Markdown (no wiki links, no heading ids) to sanitized HTML."""
    text = clean_source(markdown_text)
    try:
        return sanitize_html(_build_converter(PLAIN_EXTENSIONS, len(text)).convert(text))
    except RecursionError:
        return _unformatted(text)


def extract_links(markdown_text: str) -> list[WikiLink]:
    """The wiki links of a page, unique by target and in order of first appearance; links in code
    are not links. Prefer `render(...).links` when the page is rendered anyway."""
    text = clean_source(markdown_text)
    page = _PageState(lambda link: LinkTarget(url="", exists=True), None)
    try:
        _build_converter(WIKI_EXTENSIONS, len(text), page).convert(text)
    except RecursionError:
        return []
    return list(page.links.values())


def _unformatted(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


def _flatten_toc(tokens: list[dict[str, Any]]) -> list[TocEntry]:
    entries = []
    pending = list(reversed(tokens))
    while pending:  # a loop, not recursion: headings can nest as deep as the input likes
        token = pending.pop()
        entries.append(TocEntry(token["level"], token["id"], html.unescape(token["name"])))
        pending.extend(reversed(token["children"]))
    return entries


def _build_converter(
    extensions: Sequence[str], text_length: int, page: _PageState | None = None
) -> markdown.Markdown:
    budget = _ScanBudget(max(_SCAN_BUDGET_MINIMUM, _SCAN_BUDGET_PER_CHARACTER * text_length))
    own_extensions: list[Extension] = [_SafetyExtension(budget)]
    if page is not None:
        own_extensions.append(_WikiExtension(page))
    return markdown.Markdown(
        extensions=[*extensions, *own_extensions],
        extension_configs={name: EXTENSION_CONFIGS[name] for name in extensions
                           if name in EXTENSION_CONFIGS},
        output_format="html",
    )


class _PageState:
    """What one render learns about the page: its links and attachments, resolved once each."""

    def __init__(self, resolve_link: LinkResolver,
                 resolve_attachment: AttachmentResolver | None) -> None:
        self.resolve_link = resolve_link
        self.resolve_attachment = resolve_attachment
        self.links: dict[tuple[str | None, str], WikiLink] = {}
        self.targets: dict[tuple[str | None, str], LinkTarget] = {}
        self.attachments: dict[str, str | None] = {}

    def link_element(self, link: WikiLink) -> etree.Element:
        key = (link.community, link.slug)
        self.links.setdefault(key, link)
        if key not in self.targets:
            self.targets[key] = self.resolve_link(link)
        target = self.targets[key]
        element = etree.Element("a")
        element.text = AtomicString(link.text)  # shown as typed, not parsed as Markdown
        if target.exists:
            fragment = f"#{link.fragment}" if link.fragment else ""
            element.set("href", target.url + fragment)
            element.set("class", "wikilink")
        else:
            element.set("href", target.url)
            element.set("class", "wikilink redlink")
            element.set("title", f"Create page: {link.title}")
        return element

    def attachment_url(self, name: str) -> str | None:
        if name not in self.attachments:
            resolver = self.resolve_attachment
            self.attachments[name] = resolver(name) if resolver else None
        return self.attachments[name]


class _WikiLinkProcessor(InlineProcessor):
    """`[[Title]]`, `[[cop:Title#Heading|text]]`; inline patterns never run inside code."""

    def __init__(self, page: _PageState) -> None:
        super().__init__(WIKI_LINK_PATTERN)
        self.page = page

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, Any, Any]:
        link = wiki_link_from_match(m)
        if link is None:  # an invalid title stays literal text
            return None, None, None
        return self.page.link_element(link), m.start(0), m.end(0)


class _AttachmentProcessor(Treeprocessor):
    """Points `attachment:name` links and images at the file, or marks them missing."""

    def __init__(self, page: _PageState) -> None:
        super().__init__()
        self.page = page

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attribute = _URL_ATTRIBUTES.get(element.tag)
            if attribute is None:
                continue
            value = element.get(attribute, "")
            if value[:len(ATTACHMENT_SCHEME)].lower() != ATTACHMENT_SCHEME:
                continue
            name = unquote(value[len(ATTACHMENT_SCHEME):]).strip()
            url = self.page.attachment_url(name) if _is_attachment_name(name) else None
            if url is not None:
                element.set(attribute, url)
            else:
                _mark_missing(element, name)


_URL_ATTRIBUTES = {"a": "href", "img": "src"}


def _is_attachment_name(name: str) -> bool:
    return bool(name) and not any(char in PATH_SEPARATORS or not char.isprintable()
                                  for char in name)


def _mark_missing(element: etree.Element, name: str) -> None:
    shown_text = (element.get("alt") or name) if element.tag == "img" else None
    element.tag = "span"
    element.attrib.clear()
    element.set("class", "missing-attachment")
    if shown_text is not None:
        element.text = shown_text


class _WikiExtension(Extension):
    def __init__(self, page: _PageState) -> None:
        super().__init__()
        self.page = page

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Above "reference" (170) so `[[x]]` is not read as a reference, below "escape" (180)
        # so that `\[[x]]` stays literal.
        md.inlinePatterns.register(_WikiLinkProcessor(self.page), "wiki_link", 172)
        # After "unescape" (0), so link targets hold their final text.
        md.treeprocessors.register(_AttachmentProcessor(self.page), "attachments", -10)


class _ScanBudget:
    def __init__(self, characters: int) -> None:
        self.remaining = characters


class _BudgetedBracketScan:
    """Replaces the bracket and parenthesis scans of Python-Markdown's link processors with
    ones that stop when the document's scan budget is spent (the rest stays literal text)."""

    budget: _ScanBudget

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        stop = min(len(data), index + max(self.budget.remaining, 0))
        depth = 1
        for bracket in _BRACKETS_RE.finditer(data, index, stop):
            depth += 1 if bracket.group() == "[" else -1
            if depth == 0:
                self.budget.remaining -= bracket.end() - index
                return data[index:bracket.start()], bracket.end(), True
        self.budget.remaining -= stop - index
        return "", stop, False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        window_length = min(max(self.budget.remaining, 0), _MAX_LINK_TARGET_LENGTH)
        window = data[index:index + window_length]
        href, title, end, handled = super().getLink(window, 0)  # type: ignore[misc]
        self.budget.remaining -= end
        return href, title, index + end, handled


class _BudgetedReference(_BudgetedBracketScan, ReferenceInlineProcessor):
    pass


class _BudgetedLink(_BudgetedBracketScan, LinkInlineProcessor):
    pass


class _BudgetedImage(_BudgetedBracketScan, ImageInlineProcessor):
    pass


class _BudgetedImageReference(_BudgetedBracketScan, ImageReferenceInlineProcessor):
    pass


class _BudgetedShortReference(_BudgetedBracketScan, ShortReferenceInlineProcessor):
    pass


class _BudgetedShortImageReference(_BudgetedBracketScan, ShortImageReferenceInlineProcessor):
    pass


# Names and priorities of Python-Markdown's own link processors (markdown.inlinepatterns).
_LINK_PROCESSORS = (
    ("reference", _BudgetedReference, 170),
    ("link", _BudgetedLink, 160),
    ("image_link", _BudgetedImage, 150),
    ("image_reference", _BudgetedImageReference, 140),
    ("short_reference", _BudgetedShortReference, 130),
    ("short_image_ref", _BudgetedShortImageReference, 125),
)


class _SafetyExtension(Extension):
    """Raw HTML is shown as text, and link parsing runs in linear time."""

    def __init__(self, budget: _ScanBudget) -> None:
        super().__init__()
        self.budget = budget

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Escaping raw HTML leaves nothing for the sanitizer to guess about, and keeps inputs
        # away from html.parser, which is quadratic on some malformed tags.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        for name, processor_class, priority in _LINK_PROCESSORS:
            processor = processor_class(md.inlinePatterns[name].pattern, md)
            processor.budget = self.budget
            md.inlinePatterns.register(processor, name, priority)
        if "footnote" in md.inlinePatterns:
            stock = md.inlinePatterns["footnote"]
            bounded = type(stock)(_BOUNDED_FOOTNOTE_PATTERN, stock.footnotes)
            md.inlinePatterns.register(bounded, "footnote", 175)
