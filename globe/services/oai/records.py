"""The harvestable records as one SQL union: public resources, knowledge-base pages, and their tombstones.

A live record's datestamp is its last change, or its return to the public if that came later; a
record is deleted when a tombstone exists and the item is not public now (so a reused id or a
restored page can never be reported both ways)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, selectinload

from ...extensions import db
from ...models import Community, OaiTombstone, Resource, WikiPage
from ...models.base import UTCDateTime
from ...permissions import Anonymous, visible_scope
from .tombstones import COMMUNITY_SETS, KNOWLEDGE_BASE_SET

KINDS = ("kb", "resource")


@dataclass(frozen=True)
class Header:
    kind: str
    item_id: int
    datestamp: datetime
    set_spec: str
    is_deleted: bool


@dataclass(frozen=True)
class Position:
    """Where a list stopped: the last record sent, in (datestamp, kind, id) order."""

    datestamp: datetime
    kind: str
    item_id: int


def _public_resource_clause():
    return visible_scope(Anonymous()).community_filter()


def _knowledge_base_clause():
    return and_(WikiPage.kb_status == "accepted", WikiPage.is_deleted.is_(False))


def _latest(updated, tombstone):
    return case((tombstone.changed_at > updated, tombstone.changed_at), else_=updated)


def _live_resources():
    tomb = aliased(OaiTombstone)
    return (select(literal("resource").label("kind"), Resource.id.label("item_id"),
                   _latest(Resource.updated_at, tomb).label("datestamp"),
                   (literal(f"{COMMUNITY_SETS}:") + Community.slug).label("set_spec"),
                   literal(False).label("is_deleted"))
            .join(Community, Community.id == Resource.community_id)
            .outerjoin(tomb, and_(tomb.kind == "resource", tomb.item_id == Resource.id))
            .where(_public_resource_clause(), Resource.deleted_at.is_(None)))


def _live_pages():
    tomb = aliased(OaiTombstone)
    return (select(literal("kb"), WikiPage.id, _latest(WikiPage.updated_at, tomb), literal(KNOWLEDGE_BASE_SET),
                   literal(False))
            .outerjoin(tomb, and_(tomb.kind == "kb", tomb.item_id == WikiPage.id))
            .where(_knowledge_base_clause()))


def _tombstones():
    resource_is_public = exists(select(Resource.id).join(Community, Community.id == Resource.community_id)
                                .where(Resource.id == OaiTombstone.item_id, _public_resource_clause(),
                                       Resource.deleted_at.is_(None)))
    page_is_public = exists(select(WikiPage.id).where(WikiPage.id == OaiTombstone.item_id, _knowledge_base_clause()))
    return (select(OaiTombstone.kind, OaiTombstone.item_id, OaiTombstone.changed_at, OaiTombstone.set_spec,
                   literal(True))
            .where(or_(and_(OaiTombstone.kind == "resource", ~resource_is_public),
                       and_(OaiTombstone.kind == "kb", ~page_is_public))))


def _records():
    return union_all(_live_resources(), _live_pages(), _tombstones()).subquery("records")


def _filtered(records, *, since: datetime | None, before: datetime | None, set_spec: str | None):
    query = select(records)
    if since is not None:
        query = query.where(records.c.datestamp >= literal(since, UTCDateTime))
    if before is not None:
        query = query.where(records.c.datestamp < literal(before, UTCDateTime))
    if set_spec is not None:  # a set holds its own records and those of the sets below it ("cop" holds "cop:x")
        query = query.where(or_(records.c.set_spec == set_spec,
                                records.c.set_spec.startswith(f"{set_spec}:", autoescape=True)))
    return query


def _after(records, position: Position):
    datestamp = literal(position.datestamp, UTCDateTime)
    return or_(records.c.datestamp > datestamp,
               and_(records.c.datestamp == datestamp,
                    or_(records.c.kind > position.kind,
                        and_(records.c.kind == position.kind, records.c.item_id > position.item_id))))


def list_headers(*, since: datetime | None = None, before: datetime | None = None, set_spec: str | None = None,
                 after: Position | None = None, limit: int) -> list[Header]:
    """One page of records in datestamp order; `before` is exclusive, `since` inclusive."""
    records = _records()
    query = _filtered(records, since=since, before=before, set_spec=set_spec)
    if after is not None:
        query = query.where(_after(records, after))
    query = query.order_by(records.c.datestamp, records.c.kind, records.c.item_id).limit(limit)
    return [Header(*row) for row in db.session.execute(query)]


def count(*, since: datetime | None = None, before: datetime | None = None, set_spec: str | None = None) -> int:
    query = _filtered(_records(), since=since, before=before, set_spec=set_spec)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def find(kind: str, item_id: int) -> Header | None:
    records = _records()
    return next((Header(*row) for row in db.session.execute(
        select(records).where(records.c.kind == kind, records.c.item_id == item_id))), None)


def earliest_datestamp() -> datetime | None:
    return db.session.scalar(select(func.min(_records().c.datestamp)))


def load_items(headers: list[Header]) -> dict[tuple[str, int], Resource | WikiPage]:
    """The live items behind these headers, with what their metadata needs, in two queries."""
    wanted = {kind: [h.item_id for h in headers if h.kind == kind and not h.is_deleted] for kind in KINDS}
    found: dict[tuple[str, int], Resource | WikiPage] = {}
    if wanted["resource"]:
        for resource in db.session.scalars(select(Resource).where(Resource.id.in_(wanted["resource"])).options(
                selectinload(Resource.versions), selectinload(Resource.owner))):
            found["resource", resource.id] = resource
    if wanted["kb"]:
        for page in db.session.scalars(select(WikiPage).where(WikiPage.id.in_(wanted["kb"])).options(
                selectinload(WikiPage.community), selectinload(WikiPage.current_revision))):
            found["kb", page.id] = page
    return found


def public_sets() -> list[tuple[str, str, str]]:
    """(setSpec, name, description) of every public CoP, by name."""
    rows = db.session.execute(select(Community.slug, Community.name, Community.domain)
                              .where(_public_resource_clause()).order_by(Community.name))
    return [(f"{COMMUNITY_SETS}:{slug}", name, domain) for slug, name, domain in rows]
