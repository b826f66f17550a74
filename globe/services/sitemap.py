"""The public pages search engines may index, each with its last change, in stable pages for /sitemap.xml."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from ..extensions import db
from ..models import Community, Proposal, Resource, Thread, WikiPage
from ..models.incubator import PUBLIC_STATES
from ..permissions import THREAD, Anonymous, visible_scope
from ..urls import community_path, project_path, resource_path, thread_path, wiki_page_path

MAX_URLS = 50_000  # the sitemap protocol's limit per file; more make a sitemap index
FIXED_PATHS = ("/", "/resources", "/knowledge-base", "/incubator", "/about")


@dataclass(frozen=True)
class Entry:
    path: str
    lastmod: datetime | None


def _public():
    return visible_scope(Anonymous()).community_filter()


class _Fixed:
    """The site's fixed pages."""

    def size(self) -> int:
        return len(FIXED_PATHS)

    def rows(self, offset: int, limit: int) -> list[Entry]:
        return [Entry(path, None) for path in FIXED_PATHS[offset:offset + limit]]


@dataclass(frozen=True)
class _Section:
    """One kind of page, in id order so every sitemap file holds the same slice from one request to the next."""

    query: Select
    to_entry: Callable[..., Entry]

    def size(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.query.order_by(None).subquery()))

    def rows(self, offset: int, limit: int) -> list[Entry]:
        return [self.to_entry(*row) for row in db.session.execute(self.query.offset(offset).limit(limit))]


def _sections():
    yield _Fixed()
    yield _Section(select(Community.slug, Community.updated_at).where(_public()).order_by(Community.id),
                   lambda slug, updated: Entry(community_path(slug), updated))
    # Public CoPs' live pages, and knowledge-base pages (readable by everyone, whatever their CoP).
    yield _Section(select(Community.slug, WikiPage.slug, WikiPage.updated_at)
                   .join(Community, Community.id == WikiPage.community_id)
                   .where(WikiPage.is_deleted.is_(False), or_(_public(), WikiPage.kb_status == "accepted"))
                   .order_by(WikiPage.id),
                   lambda community, page, updated: Entry(wiki_page_path(community, page), updated))
    yield _Section(select(Resource.id, Resource.updated_at).join(Community, Community.id == Resource.community_id)
                   .where(_public(), Resource.deleted_at.is_(None)).order_by(Resource.id),
                   lambda resource_id, updated: Entry(resource_path(resource_id), updated))
    yield _Section(select(Proposal.id, Proposal.updated_at).where(Proposal.status.in_(PUBLIC_STATES))
                   .order_by(Proposal.id),
                   lambda proposal_id, updated: Entry(project_path(proposal_id), updated))
    # Board threads anyone may read (not hidden or deleted; comment threads live on their subject's page).
    yield _Section(select(Thread.id, Thread.last_posted_at).where(THREAD.sql_filter(visible_scope(Anonymous())))
                   .order_by(Thread.id),
                   lambda thread_id, updated: Entry(thread_path(thread_id), updated))


def count_urls() -> int:
    return sum(section.size() for section in _sections())


def entries(offset: int = 0, limit: int = MAX_URLS) -> list[Entry]:
    """`limit` entries from `offset` across every kind of page."""
    found: list[Entry] = []
    for section in _sections():
        size = section.size()
        if offset >= size:
            offset -= size
            continue
        found += section.rows(offset, limit - len(found))
        offset = 0
        if len(found) >= limit:
            break
    return found
