"""Lesson resources of a CoP: metadata, file versions with extracted text, and personal boards."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

CEFR_LEVELS = ("pre-a1", "a1", "a2", "b1", "b2", "c1", "c2")
AGE_GROUPS = ("young-learners", "teens", "adults")
SKILLS = ("speaking", "listening", "reading", "writing", "grammar", "vocabulary", "pronunciation",
          "teacher-development")
RESOURCE_TYPES = ("lesson-plan", "worksheet", "slides", "assessment", "audio", "video", "article", "course")
LICENSES = ("cc-by", "cc-by-sa", "cc-by-nc", "cc0", "all-rights-reserved")
EXTRACTION_STATUSES = ("pending", "done", "failed", "unsupported")
# Multi-valued metadata lives in resource_labels rows, so lists filter in SQL on every database.
LABEL_FACETS = {"level": CEFR_LEVELS, "skill": SKILLS, "age_group": AGE_GROUPS, "tag": None}


class Resource(db.Model):
    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # sanitized rendering, cached
    alt_text: Mapped[str] = mapped_column(String(300), default="")  # required when the file is an image
    resource_type: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(20), default="en")
    license: Mapped[str] = mapped_column(String(20), default="cc-by")
    url: Mapped[str | None] = mapped_column(String(2000))  # set for a link resource (no file)
    download_count: Mapped[int] = mapped_column(default=0)
    version_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Set while the resource is in its CoP's bin (restorable, hidden everywhere else until purged).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    community = relationship("Community")
    owner = relationship("User", foreign_keys=[owner_id])
    deleted_by = relationship("User", foreign_keys=[deleted_by_id])
    labels = relationship("ResourceLabel", cascade="all, delete-orphan", lazy="selectin")
    versions = relationship("ResourceVersion", back_populates="resource", cascade="all, delete-orphan",
                            order_by="ResourceVersion.number.desc()")

    def values(self, facet: str) -> list[str]:
        """A multi-valued field's values, in the vocabulary's order (Pre-A1 before A1) or by name."""
        found = sorted(label.value for label in self.labels if label.facet == facet)
        order = LABEL_FACETS.get(facet)
        return sorted(found, key=order.index) if order else found

    @property
    def latest(self) -> ResourceVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_link(self) -> bool:
        return self.url is not None


class ResourceLabel(db.Model):
    """One value of a multi-valued field: a level, skill, age group or tag of a resource."""

    __tablename__ = "resource_labels"
    __table_args__ = (Index("ix_resource_labels_facet_value", "facet", "value"),)

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[str] = mapped_column(String(50), primary_key=True)


class ResourceVersion(db.Model):
    """One uploaded file of a resource; earlier versions stay downloadable."""

    __tablename__ = "resource_versions"
    __table_args__ = (UniqueConstraint("resource_id", "number"), Index("ix_resource_versions_sha256", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))  # display name only, never a path
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    family: Mapped[str] = mapped_column(String(20))
    extension: Mapped[str] = mapped_column(String(10))
    extraction_status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    extraction_error: Mapped[str | None] = mapped_column(String(500))
    extraction_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # to retry after a crash
    extraction_claimed_by: Mapped[str | None] = mapped_column(String(100))  # a holder, see globe/holders.py
    extracted_text: Mapped[str] = deferred(mapped_column(Text, default=""))
    excerpt: Mapped[str] = mapped_column(Text, default="")
    page_count: Mapped[int | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource = relationship("Resource", back_populates="versions")
    uploaded_by = relationship("User")


class Board(db.Model):
    """A personal collection of resources from any CoP its owner can see."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner = relationship("User")
    items = relationship("BoardItem", cascade="all, delete-orphan", order_by="BoardItem.added_at.desc()")


class BoardItem(db.Model):
    __tablename__ = "board_items"

    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource = relationship("Resource")
