"""The demo's wiki pages, read from content/wiki/<community>/: revisions and knowledge-base status.

In a page's file, a line `<!-- revision by <person>: <summary> -->` ends one revision: the text
above it is saved first, and each later revision adds the text down to the next such line."""

from __future__ import annotations

import re

import wiki

from ..services import communities, knowledge_base, wiki_pages
from .content import Entry, entries

REVISION_MARK = re.compile(
    r"^<!-- revision by (?P<author>[\w.]+): (?P<summary>.+) -->$", re.MULTILINE
)


def load_wiki_pages(people: dict) -> None:
    """Create the pages that are missing, then take the knowledge-base ones through the curators."""
    pages = entries("wiki")
    for entry in pages:
        _page(people, entry)
    curator = people["admin@globe.example"]
    for entry in pages:
        if entry.fields.get("knowledge_base"):
            _knowledge_base(people, curator, entry)


def revisions(entry: Entry) -> list[tuple[str, str, str]]:
    """(author, summary, full body) of each revision the file describes, oldest first."""
    parts = REVISION_MARK.split(entry.text)
    found = [
        (
            entry.fields["author"],
            entry.fields.get("summary", "First version"),
            parts[0].strip() + "\n",
        )
    ]
    for author, summary, more in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        found.append((author, summary, f"{found[-1][2].rstrip()}\n\n{more.strip()}\n"))
    return found


def _person(people: dict, key: str):
    return people[f"{key}@globe.example"]


def _page(people: dict, entry: Entry) -> None:
    community = communities.get_community(entry.folder)
    title = entry.fields["title"]
    if wiki_pages.find_page(community, wiki.slugify_title(title)) is not None:
        return
    (author, summary, body), *later = revisions(entry)
    saved = wiki_pages.create_page(
        _person(people, author),
        community,
        title=title,
        body=body,
        summary=summary,
        tags=entry.fields.get("tags", ""),
    )
    for author, summary, body in later:
        saved = wiki_pages.save_page(
            _person(people, author),
            community,
            page_slug=saved.page.slug,
            body=body,
            base_revision=saved.revision.number,
            summary=summary,
        )


def _knowledge_base(people: dict, curator, entry: Entry) -> None:
    """`knowledge_base: accepted` or `proposed`, with the proposer's message in `proposal`."""
    community = communities.get_community(entry.folder)
    page = wiki_pages.find_page(community, wiki.slugify_title(entry.fields["title"]))
    if knowledge_base.open_request(page) is not None or page.kb_status:
        return
    proposer = _person(people, entry.fields.get("proposed_by", entry.fields["author"]))
    request = knowledge_base.propose(proposer, page, message=entry.fields.get("proposal", ""))
    if entry.fields["knowledge_base"] == "accepted":
        knowledge_base.decide(curator, request, accept=True, reason="")
