"""The resource bin: deleted resources stay restorable by their owner and the CoP's facilitators for
BIN_DAYS days, hidden everywhere else; after that purge_bin removes them for good."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..db import transaction
from ..errors import NotFound
from ..extensions import db
from ..models import Community, Thread
from ..models.base import utcnow
from ..models.resources import Resource
from ..permissions import can, require
from .oai import tombstones as oai_tombstones
from .search import queue_for_indexing
from .uploads import delete_if_unused

BIN_DAYS = 30


def _restorable_since(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=BIN_DAYS)


def may_restore(actor, resource: Resource) -> bool:
    """Who deleted it does not matter: its owner, the CoP's facilitators and site admins restore it."""
    return can(actor, "resources.restore", resource)


def list_bin(actor, community: Community) -> list[Resource]:
    """The CoP's restorable resources this actor may restore (all of them for facilitators, else their own)."""
    require(actor, "resources.view", community)
    query = (select(Resource).where(Resource.community_id == community.id, Resource.deleted_at.is_not(None),
                                    Resource.deleted_at > _restorable_since())
             .order_by(Resource.deleted_at.desc()).options(selectinload(Resource.deleted_by)))
    if not can(actor, "resources.restore", community):
        query = query.where(Resource.owner_id == (actor.id if actor.is_authenticated else None))
    return list(db.session.scalars(query))


def get_binned(actor, resource_id: int) -> Resource:
    """A resource in the bin the actor may restore; NotFound otherwise (also once past BIN_DAYS)."""
    resource = db.session.get(Resource, resource_id)
    if (resource is None or not resource.is_deleted or resource.deleted_at <= _restorable_since()
            or not may_restore(actor, resource)):
        raise NotFound("This resource is not in the bin, or you may not restore it.")
    return resource


def restore_resource(actor, resource_id: int) -> Resource:
    """Take a resource out of the bin: back in lists, search, feeds and harvests."""
    resource = get_binned(actor, resource_id)
    with transaction():
        resource.deleted_at = None
        resource.deleted_by_id = None
        resource.updated_at = utcnow()
        oai_tombstones.resource_restored(resource)
        queue_for_indexing("resource", resource.id)
    return resource


def purge_bin(now: datetime | None = None) -> int:
    """Delete for good the resources binned more than BIN_DAYS ago; a stored file goes only when no
    other row uses it (files are content-addressed and may be shared). Returns how many were purged."""
    with transaction() as tx:
        expired = list(db.session.scalars(select(Resource).where(Resource.deleted_at <= _restorable_since(now))
                                          .options(selectinload(Resource.versions))))
        for resource in expired:
            for key in {version.storage_key for version in resource.versions}:
                tx.after_commit(delete_if_unused, key)
            db.session.execute(delete(Thread).where(Thread.subject_type == "resource",
                                                    Thread.subject_id == resource.id))  # its comments go too
            db.session.delete(resource)
    return len(expired)
