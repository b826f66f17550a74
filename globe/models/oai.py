"""What OAI-PMH harvesters must learn that the live tables cannot tell: when a record left or rejoined the public."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class OaiTombstone(db.Model):
    """The last time a harvestable record (a public resource, a knowledge-base page) entered or left the public.

    While the record is not public (deleted, its CoP made members-only, taken out of the knowledge base) the
    row is its tombstone, reported as deleted forever. Once it is public again the row only dates its
    return, so incremental harvesters fetch it anew even when its own content is older."""

    __tablename__ = "oai_tombstones"

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)  # "resource" or "kb"
    item_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    set_spec: Mapped[str] = mapped_column(String(80))  # its OAI set, kept for when the item itself is gone
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
