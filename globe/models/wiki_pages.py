"""Wiki pages of a CoP with their full revision history, links, redirects and attachments."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow


class WikiPage(db.Model):
    __tablename__ = "wiki_pages"
    __table_args__ = (UniqueConstraint("community_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    revision_count: Mapped[int] = mapped_column(default=0)  # number of the latest revision
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("wiki_revisions.id", use_alter=True, ondelete="SET NULL"))
    is_deleted: Mapped[bool] = mapped_column(default=False)
    kb_status: Mapped[str] = mapped_column(String(12), default="")  # "", "proposed" or "accepted"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Changes whenever anything an anonymous reader sees on the page changes (its text, its
    # backlinks, its knowledge-base status): it validates the cached anonymous page (see page_cache).
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Community")
    current_revision = relationship("WikiRevision", foreign_keys=[current_revision_id], post_update=True)

    @property
    def in_knowledge_base(self) -> bool:
        return self.kb_status == "accepted"


class WikiRevision(db.Model):
    """One saved state of a page; `html` caches its rendering so views never re-render."""

    __tablename__ = "wiki_revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12), default="edit")  # edit, merge, revert, rename, delete, restore
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    html: Mapped[str] = mapped_column(Text, default="")
    toc_html: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(default=0)

    page = relationship("WikiPage", foreign_keys=[page_id])
    author = relationship("User")


class WikiLink(db.Model):
    """An outgoing [[link]] of a page's current revision: feeds backlinks, red links and wanted pages."""

    __tablename__ = "wiki_links"
    __table_args__ = (Index("ix_wiki_links_target", "target_community", "target_slug"),)

    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), primary_key=True)
    target_community: Mapped[str] = mapped_column(String(60), primary_key=True)
    target_slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    target_title: Mapped[str] = mapped_column(String(200))


class WikiRedirect(db.Model):
    """An old address of a renamed page, so links to it keep working."""

    __tablename__ = "wiki_redirects"
    __table_args__ = (UniqueConstraint("community_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(200))
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), index=True)


class WikiAttachment(db.Model):
    """A file or image attached to a page, stored through the storage layer by content hash."""

    __tablename__ = "wiki_attachments"
    __table_args__ = (UniqueConstraint("page_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    page = relationship("WikiPage")


class KnowledgeBaseRequest(db.Model):
    """A proposal to publish a page in the Globe-wide knowledge base, with its conversation."""

    __tablename__ = "kb_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, accepted, declined, withdrawn
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    page = relationship("WikiPage")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    comments = relationship("KnowledgeBaseComment", back_populates="request", cascade="all, delete-orphan",
                            order_by="KnowledgeBaseComment.created_at")


class KnowledgeBaseComment(db.Model):
    __tablename__ = "kb_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("kb_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request = relationship("KnowledgeBaseRequest", back_populates="comments")
    author = relationship("User")
