"""Fixtures for the wiki engine tests: a link resolver that knows a few pages."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from wiki import LinkTarget, WikiLink

EXISTING_PAGES = {(None, "teaching-speaking"), (None, "home"), ("other-cop", "reading-lists")}


@dataclass
class RecordingResolver:
    """Resolves wiki links like the app will: existing pages get their URL, others a create URL."""

    calls: list[WikiLink] = field(default_factory=list)

    def __call__(self, link: WikiLink) -> LinkTarget:
        self.calls.append(link)
        community = link.community or "this-cop"
        if (link.community, link.slug) in EXISTING_PAGES:
            return LinkTarget(url=f"/c/{community}/wiki/{link.slug}", exists=True)
        return LinkTarget(url=f"/c/{community}/wiki/new?slug={link.slug}", exists=False)


@pytest.fixture
def resolve_link() -> RecordingResolver:
    return RecordingResolver()
