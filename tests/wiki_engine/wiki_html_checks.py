"""Reading rendered HTML the way a browser would, to find anything that could run script."""
from __future__ import annotations

import re
from html.parser import HTMLParser

SCRIPT_CAPABLE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "form", "input", "button", "textarea", "select", "link", "meta", "base", "template",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")


class _ElementCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def parse_elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag in `html` with its attributes, entities already decoded."""
    collector = _ElementCollector()
    collector.feed(html)
    collector.close()
    return collector.elements


def script_capable_parts(html: str) -> list[str]:
    """What in `html` a browser could use to run script; an empty list means none."""
    found = []
    for tag, attributes in parse_elements(html):
        if tag in SCRIPT_CAPABLE_TAGS:
            found.append(f"<{tag}>")
        for name, value in attributes.items():
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "xlink:href"}:
                found.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "data"} and value is not None:
                browser_view = _INVISIBLE_RE.sub("", value).lower()
                scheme = _SCHEME_RE.match(browser_view)
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    found.append(f"{tag}[{name}={value!r}]")
    return found
