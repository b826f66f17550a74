"""Written by the services, in their own transaction, whenever a harvestable record enters or leaves the public."""
from __future__ import annotations

from sqlalchemy import Select, delete, insert, literal, select

from ...extensions import db
from ...models import Community, OaiTombstone, Resource, WikiPage
from ...models.base import UTCDateTime, utcnow

KNOWLEDGE_BASE_SET = "knowledge-base"
COMMUNITY_SETS = "cop"  # the parent set of one set per public CoP, "cop:<slug>"


def community_set(community: Community) -> str:
    return f"{COMMUNITY_SETS}:{community.slug}"


def _touch(kind: str, item_ids: Select, set_spec: str) -> None:
    """Date now the visibility change of the items this SELECT of ids finds (two statements, however many)."""
    db.session.execute(delete(OaiTombstone).where(OaiTombstone.kind == kind, OaiTombstone.item_id.in_(item_ids)))
    rows = select(literal(kind), item_ids.subquery().c[0], literal(set_spec), literal(utcnow(), UTCDateTime))
    db.session.execute(insert(OaiTombstone).from_select(["kind", "item_id", "set_spec", "changed_at"], rows))


def resource_deleted(resource: Resource) -> None:
    """A public resource is going: harvesters will see it as deleted."""
    if resource.community.is_public:
        _touch("resource", select(Resource.id).where(Resource.id == resource.id), community_set(resource.community))


# A restored resource is dated anew the same way, so harvesters fetch it again.
resource_restored = resource_deleted


def community_visibility_changed(community: Community) -> None:
    """Every resource of the CoP left the public (members-only now) or joined it (public again)."""
    _touch("resource", select(Resource.id).where(Resource.community_id == community.id), community_set(community))


def knowledge_base_changed(page: WikiPage) -> None:
    """A page entered or left the knowledge base (accepted, withdrawn, deleted or restored)."""
    _touch("kb", select(WikiPage.id).where(WikiPage.id == page.id), KNOWLEDGE_BASE_SET)
