"""Keeping the search index in step with the database, through the search queue (an outbox)."""
from __future__ import annotations

from ..extensions import db
from ..models import SearchQueueItem


def queue_for_indexing(kind: str, object_id: int) -> None:
    """Record, in the caller's transaction, that this object must be (re)indexed or removed."""
    db.session.add(SearchQueueItem(kind=kind, object_id=object_id))
