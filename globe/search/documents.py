"""Turning Globe's records into SearchDocuments: what is searchable, and who may see it (principals)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, undefer

from ..extensions import db
from ..models import Proposal, Resource, ResourceVersion, Thread, WikiPage
from ..permissions import COMMUNITY_CONTENT, PROPOSAL, THREAD, WIKI_PAGE
from ..urls import project_path, resource_path, thread_path, wiki_page_path
from .base import SearchDocument

MAX_BODY_CHARS = 1_000_000  # the searchable and highlightable text kept per document
BATCH = 500


def wiki_document(page: WikiPage) -> SearchDocument | None:
    """A live wiki page; accepted knowledge-base pages are public wherever they live, and of the
    knowledge-base kind only (so the Kind facet counts each page once)."""
    if page.is_deleted or page.current_revision is None:
        return None
    community = page.community
    principals = WIKI_PAGE.principals(page)
    body = plain_text(page.current_revision.html)
    return SearchDocument(
        doc_id=f"wiki:{page.id}", kinds=("knowledge_base",) if page.in_knowledge_base else ("wiki",),
        object_id=page.id, title=page.title, body=body[:MAX_BODY_CHARS], url=wiki_page_path(community.slug, page.slug),
        updated=page.updated_at, created=page.created_at, principals=principals, community_slug=community.slug,
        community_name=community.name, tags=tuple(page.tags or ()), summary=_first_line(body),
        version=f"{page.revision_count}:{page.kb_status}:{community.visibility}")


def resource_document(resource: Resource) -> SearchDocument | None:
    if resource.is_deleted:  # in its CoP's bin: out of search until restored
        return None
    community, latest = resource.community, resource.latest
    text = latest.extracted_text if latest is not None else ""
    description = plain_text(resource.description_html)     # Markdown shown as text, not as "**bold**"
    return SearchDocument(
        doc_id=f"resource:{resource.id}", kinds=("resource",), object_id=resource.id, title=resource.title,
        # The description is the summary, and is searched: a snippet shows it or the file's text, never both.
        body=(text or description)[:MAX_BODY_CHARS], description=description[:MAX_BODY_CHARS] if text else "",
        url=resource_path(resource.id),
        updated=resource.updated_at, created=resource.created_at, principals=COMMUNITY_CONTENT.principals(resource),
        community_slug=community.slug, community_name=community.name, tags=tuple(resource.values("tag")),
        levels=tuple(resource.values("level")), skills=tuple(resource.values("skill")),
        age_groups=tuple(resource.values("age_group")), resource_type=resource.resource_type,
        license=resource.license, file_types=(latest.extension,) if latest is not None else ("link",),
        language=resource.language, summary=(description or (latest.excerpt if latest is not None else ""))[:300],
        version=f"{resource.updated_at.isoformat()}:{resource.version_count}:"
                f"{latest.extraction_status if latest else 'link'}:{community.visibility}")


class _TextOnly(HTMLParser):
    """Collects the text of rendered HTML, a space between blocks (links, headings and markup gone)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        self.parts.append(" ")


def plain_text(html: str) -> str:
    """What a reader sees of a rendered page, for searching and snippets."""
    parser = _TextOnly()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def project_document(proposal: Proposal) -> SearchDocument:
    """Showcased projects are public with the fields their public page shows (title and summary); the
    others are for their team, their mentors and admins, with every field the team wrote."""
    principals = PROPOSAL.principals(proposal)
    if proposal.is_public:
        body, tags = proposal.summary, ()
    else:
        body = "\n\n".join((proposal.summary, plain_text(proposal.description_html), proposal.problem,
                             proposal.audience, proposal.milestones))
        tags = tuple(proposal.needs or ())
    community = proposal.community
    return SearchDocument(
        doc_id=f"project:{proposal.id}", kinds=("project",), object_id=proposal.id, title=proposal.title,
        body=body,
        url=project_path(proposal.id), updated=proposal.updated_at, created=proposal.created_at,
        principals=principals, community_slug=community.slug if community else None,
        community_name=community.name if community else None, tags=tags,
        summary=proposal.summary[:300], version=f"{proposal.updated_at.isoformat()}:{proposal.status}:{principals}")


def discussion_document(thread: Thread) -> SearchDocument | None:
    """A thread on a community's board with the text of its shown posts (a reply's words find its thread);
    hidden and deleted threads, and comment threads, are not searched."""
    if not thread.is_board_thread or thread.is_hidden or thread.is_deleted:
        return None
    community = thread.community
    shown = [plain_text(post.body_html) for post in thread.posts if not (post.is_deleted or post.is_hidden)]
    body = "\n\n".join(shown)[:MAX_BODY_CHARS]
    principals = THREAD.principals(thread)
    fingerprint = hashlib.sha256(f"{thread.title}\0{thread.tags}\0{body}\0{principals}".encode()).hexdigest()[:16]
    return SearchDocument(
        doc_id=f"discussion:{thread.id}", kinds=("discussion",), object_id=thread.id, title=thread.title,
        body=body, url=thread_path(thread.id), updated=thread.last_posted_at, created=thread.created_at,
        principals=principals, community_slug=community.slug, community_name=community.name,
        tags=tuple(thread.tags or ()), summary=(shown[0] if shown else "")[:300], version=fingerprint)


def _first_line(text: str) -> str:
    return next((line.strip("# ").strip() for line in text.splitlines() if line.strip()), "")[:300]


# --- loading ---------------------------------------------------------------------------------

def _wiki_query():
    return select(WikiPage).options(selectinload(WikiPage.community), selectinload(WikiPage.current_revision))


def _resource_query():
    return select(Resource).options(
        selectinload(Resource.community),
        selectinload(Resource.versions).options(undefer(ResourceVersion.extracted_text)))


def _project_query():
    return select(Proposal).options(selectinload(Proposal.community), selectinload(Proposal.team),
                                    selectinload(Proposal.assignments))


def _discussion_query():
    return select(Thread).options(selectinload(Thread.community), selectinload(Thread.posts))


BUILDERS = {"wiki": (WikiPage, _wiki_query, wiki_document), "resource": (Resource, _resource_query, resource_document),
            "project": (Proposal, _project_query, project_document),
            "discussion": (Thread, _discussion_query, discussion_document)}


def documents_for(kind: str, ids: Iterable[int]) -> tuple[list[SearchDocument], list[str]]:
    """Current documents for these objects, and the doc_ids to remove (deleted or no longer searchable)."""
    model, query, build = BUILDERS[kind]
    ids = set(ids)
    found = {obj.id: build(obj) for obj in db.session.scalars(query().where(model.id.in_(ids)))}
    upserts = [doc for doc in found.values() if doc is not None]
    deletes = [f"{kind}:{object_id}" for object_id in ids if found.get(object_id) is None]
    return upserts, deletes


def all_documents() -> Iterator[SearchDocument]:
    """Every searchable document, read in batches (for a full reindex)."""
    for model, query, build in BUILDERS.values():
        last_id = 0
        while True:
            rows = db.session.scalars(query().where(model.id > last_id).order_by(model.id).limit(BATCH)).all()
            if not rows:
                break
            for obj in rows:
                doc = build(obj)
                if doc is not None:
                    yield doc
            last_id = rows[-1].id
            db.session.expunge_all()  # keep memory flat over hundreds of thousands of rows


def count_documents() -> int:
    """How many documents a rebuild indexes (for its progress bar): binned and deleted things stay out."""
    pages = db.session.scalar(select(func.count()).select_from(WikiPage).where(WikiPage.is_deleted.is_(False)))
    resources = db.session.scalar(select(func.count()).select_from(Resource).where(Resource.deleted_at.is_(None)))
    threads = db.session.scalar(select(func.count()).select_from(Thread).where(
        Thread.subject_type.is_(None), Thread.hidden_at.is_(None), Thread.deleted_at.is_(None)))
    return pages + resources + threads + db.session.scalar(select(func.count()).select_from(Proposal))
