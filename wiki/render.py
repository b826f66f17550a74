"""Wiki Markdown to safe HTML in one pass, collecting the table of contents, the outgoing
wiki links and the attachments the page uses; plus plain Markdown for comments and descriptions."""
from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from wiki.budget import bound_work
from wiki.links import (
    PATH_SEPARATORS,
    WIKI_LINK_RE,
    WikiLink,
    collapse_whitespace,
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

ATTACHMENT_SCHEME = "attachment:"
# Characters that have no business in a page; NUL would also become U+FFFD.
_CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PAGE = "globe_wiki_page"  # key of the _PageState in markdown-it's per-parse `env`
# markdown-it caps block nesting (maxNesting) but not emphasis; the HTML sanitizer is quadratic
# in nesting depth, so deeper inline markup is shown as the characters that were typed.
MAX_INLINE_DEPTH = 16


def _clean_source(markdown_text: str) -> str:
    """Normalise line endings and drop control characters before parsing."""
    return _CONTROL_CHARACTERS_RE.sub("", normalize_newlines(markdown_text))


def render(
    markdown_text: str,
    *,
    resolve_link: LinkResolver,
    resolve_attachment: AttachmentResolver | None = None,
) -> Rendered:
    """Render a wiki page: HTML, table of contents, outgoing links and attachments, in one pass."""
    tokens, env = _take_parse(markdown_text)
    page: _PageState = env[_PAGE]
    page.resolve_link, page.resolve_attachment = resolve_link, resolve_attachment
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = list(_link_attachments(token.children, page))
    parser = _wiki_parser()
    body = sanitize_html(parser.renderer.render(tokens, parser.options, env))
    return Rendered(
        html=body,
        toc=list(page.toc),
        toc_html=sanitize_html(_toc_html(page.toc)),
        links=list(page.links.values()),
        attachments=list(page.attachments),
    )


def render_markdown(markdown_text: str) -> str:
    """Render plain Markdown (no wiki links, heading ids or footnotes) to sanitized HTML."""
    return sanitize_html(_plain_parser().render(_clean_source(markdown_text)))


def extract_links(markdown_text: str) -> list[WikiLink]:
    """The wiki links of a page, unique by target and in order of first appearance; links in code
    are not links. `render(...).links` gives the same list from the rendering pass, and a
    `render` of the same text right after this call reuses its parse (a save does both)."""
    tokens, env = _parse(markdown_text)
    _last_parse.entry = (markdown_text, tokens, env)
    return list(env[_PAGE].links.values())


# The parse of the latest extract_links call in this thread, for the render that follows it.
_last_parse = threading.local()


def _parse(markdown_text: str) -> tuple[list[Token], dict]:
    env = {_PAGE: _PageState(_never_called, None)}
    return _wiki_parser().parse(_clean_source(markdown_text), env), env


def _take_parse(markdown_text: str) -> tuple[list[Token], dict]:
    entry = getattr(_last_parse, "entry", None)
    _last_parse.entry = None
    if entry is not None and entry[0] == markdown_text:
        return entry[1], entry[2]
    return _parse(markdown_text)


def _toc_html(entries: list[TocEntry]) -> str:
    """A nested list of links to the headings, or "" for a page without headings."""
    if not entries:
        return ""
    parts = ['<div class="toc">']
    open_levels: list[int] = []  # heading level of each open <ul>, whose last <li> is open
    for entry in entries:
        if open_levels and entry.level > open_levels[-1]:
            parts.append("<ul>")
            open_levels.append(entry.level)
        else:
            if open_levels:
                parts.append("</li>")
            while len(open_levels) > 1 and entry.level <= open_levels[-2]:
                parts.append("</ul></li>")
                open_levels.pop()
            if not open_levels:
                parts.append("<ul>")
                open_levels.append(entry.level)
        parts.append(f'<li><a href="#{escape(entry.id)}">{escape(entry.title)}</a>')
    parts.append("</li></ul>" * len(open_levels) + "</div>")
    return "".join(parts)


def _never_called(link: WikiLink) -> LinkTarget:
    raise AssertionError("links are resolved only by the resolver given to render()")


@functools.cache
def _plain_parser() -> MarkdownIt:
    # CommonMark with raw HTML shown as text: the sanitizer is a second line of defence, not the
    # first. markdown-it parses in linear time and caps nesting; wiki.budget bounds the rest.
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    bound_work(parser)
    parser.core.ruler.push("safe_markup", _make_markup_safe)
    return parser


@functools.cache
def _wiki_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    parser.use(footnote_plugin).use(deflist_plugin)
    bound_work(parser)
    # Before "link", so that `[[x]]` is not read as a bracketed link text; inline rules never see
    # code spans or code blocks, and a backslash (`\[[x]]`) keeps the brackets literal.
    parser.inline.ruler.before("link", "wiki_link", _parse_wiki_link)
    parser.core.ruler.push("safe_markup", _make_markup_safe)
    parser.core.ruler.push("wiki_page", _finish_wiki_page)
    parser.add_render_rule("wiki_link", _render_wiki_link)
    return parser


@dataclass
class _PageState:
    """What one parse learns about the page; each link target and attachment is resolved once."""

    resolve_link: LinkResolver
    resolve_attachment: AttachmentResolver | None
    links: dict[tuple[str | None, str], WikiLink] = field(default_factory=dict)
    targets: dict[tuple[str | None, str], LinkTarget] = field(default_factory=dict)
    attachments: dict[str, str | None] = field(default_factory=dict)
    toc: list[TocEntry] = field(default_factory=list)

    def target(self, link: WikiLink) -> LinkTarget:
        key = (link.community, link.slug)
        if key not in self.targets:
            self.targets[key] = self.resolve_link(link)
        return self.targets[key]

    def attachment_url(self, name: str) -> str | None:
        if name not in self.attachments:
            resolver = self.resolve_attachment
            self.attachments[name] = resolver(name) if resolver else None
        return self.attachments[name]


def _parse_wiki_link(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKI_LINK_RE.match(state.src, state.pos, state.posMax)
    link = wiki_link_from_match(match) if match else None
    if match is None or link is None:  # an invalid title stays literal text
        return False
    if not silent:
        state.env[_PAGE].links.setdefault((link.community, link.slug), link)
        token = state.push("wiki_link", "a", 0)
        token.meta["link"] = link
    state.pos = match.end()
    return True


def _render_wiki_link(
    renderer: RendererHTML, tokens: list[Token], index: int, options: Any, env: dict
) -> str:
    link: WikiLink = tokens[index].meta["link"]
    target = env[_PAGE].target(link)
    text = escape(link.text)
    if not target.exists:
        return (f'<a href="{escape(target.url)}" class="wikilink redlink" '
                f'title="{escape("Create page: " + link.title)}">{text}</a>')
    fragment = f"#{link.fragment}" if link.fragment else ""
    return f'<a href="{escape(target.url + fragment)}" class="wikilink">{text}</a>'


def _make_markup_safe(state: StateCore) -> None:
    """Bound inline nesting, and align table cells with `align` since no style is allowed."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            _flatten_deep_inline(token.children)
        elif token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrSet("align", style.removeprefix("text-align:"))


def _flatten_deep_inline(children: list[Token]) -> None:
    flattened: list[bool] = []  # one entry per open inline element
    for token in children:
        if token.nesting == 1:
            flattened.append(len(flattened) >= MAX_INLINE_DEPTH)
            if flattened[-1]:
                _show_as_typed(token)
        elif token.nesting == -1 and flattened.pop():
            _show_as_typed(token)


def _show_as_typed(token: Token) -> None:
    token.type, token.tag, token.nesting, token.attrs = "text", "", 0, {}
    token.content = token.markup


def _finish_wiki_page(state: StateCore) -> None:
    _number_headings(state.tokens, state.env[_PAGE])


def _number_headings(tokens: list[Token], page: _PageState) -> None:
    """Give every heading a unique, script-aware id and list it in the table of contents."""
    used: set[str] = set()
    next_suffix: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = _plain_text(tokens[index + 1])
        base = anchor = heading_id(title)
        while anchor in used:
            next_suffix[base] = next_suffix.get(base, 1) + 1
            anchor = f"{base}-{next_suffix[base]}"
        used.add(anchor)
        token.attrSet("id", anchor)
        page.toc.append(TocEntry(level=int(token.tag[1]), id=anchor, title=title))


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type == "wiki_link":
            parts.append(child.meta["link"].text)
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return collapse_whitespace("".join(parts))


def _link_attachments(children: list[Token], page: _PageState) -> Iterator[Token]:
    """Point `attachment:name` links and images at the file, or show them as missing."""
    in_missing_link = False
    for token in children:
        if token.type == "link_close" and in_missing_link:
            token.tag, in_missing_link = "span", False
        attribute = _URL_ATTRIBUTES.get(token.type)
        name = _attachment_name(token.attrGet(attribute)) if attribute else None
        if name is None:
            yield token
            continue
        url = page.attachment_url(name) if name else None
        if url is not None:
            token.attrSet(attribute, url)
            yield token
        elif token.type == "image":
            yield from _missing_attachment(token.content or name)
        else:
            token.tag, token.attrs, in_missing_link = "span", {"class": "missing-attachment"}, True
            yield token


_URL_ATTRIBUTES = {"link_open": "href", "image": "src"}


def _attachment_name(url: object) -> str | None:
    if not isinstance(url, str) or url[:len(ATTACHMENT_SCHEME)].lower() != ATTACHMENT_SCHEME:
        return None
    name = unquote(url[len(ATTACHMENT_SCHEME):]).strip()
    if not name or any(char in PATH_SEPARATORS or not char.isprintable() for char in name):
        return ""  # an attachment reference, but to no name a file could be stored under
    return name


def _missing_attachment(text: str) -> list[Token]:
    opening = Token("missing_attachment_open", "span", 1, attrs={"class": "missing-attachment"})
    closing = Token("missing_attachment_close", "span", -1)
    return [opening, Token("text", "", 0, content=text), closing]
