"""Needs your attention: what waits on a facilitator or a curator, across all their communities, oldest first.

One page instead of fourteen: the join requests waiting in every community the person facilitates (a site
admin manages every community's members, so sees them all), the posts members flagged there, and, for
curators, the pages proposed for the knowledge base. Each item says where to act; the page shows how long it
has waited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import exists, select

from ..extensions import db
from ..models import Community, Membership
from ..models.wiki_pages import KnowledgeBaseRequest
from ..permissions import can, holds_site_role
from .moderation import FlaggedPost, open_flags


@dataclass(frozen=True)
class Waiting:
    """One thing waiting for the person: what it is, since when, and where to act on it."""

    kind: str  # "join request", "flagged post" or "knowledge-base proposal"
    text: str
    since: datetime
    url: str
    community: Community | None
    flagged: FlaggedPost | None = None  # a flagged post: its excerpt and reasons, decided on the page itself


def _facilitated(user):
    """The ids of the communities whose members `user` manages (all of them for a site admin)."""
    if holds_site_role(user, "is_admin"):
        return select(Community.id)
    return select(Membership.community_id).where(Membership.user_id == user.id, Membership.status == "active",
                                                 Membership.role == "facilitator")


def has_duties(user) -> bool:
    """Whether the header should offer the page: the person facilitates a community or curates."""
    if not user.is_authenticated:
        return False
    if can(user, "knowledge_base.curate"):
        return True
    return bool(db.session.scalar(select(exists(_facilitated(user)))))


def waiting_for(user) -> list[Waiting]:
    """Everything waiting on `user`, oldest first."""
    if not user.is_authenticated:
        return []
    items = _join_requests(user) + _flagged_posts(user)
    if can(user, "knowledge_base.curate"):
        items += _knowledge_base_proposals()
    return sorted(items, key=lambda item: item.since)


def _join_requests(user) -> list[Waiting]:
    rows = db.session.scalars(select(Membership).where(Membership.status == "pending",
                                                       Membership.community_id.in_(_facilitated(user)))
                              .order_by(Membership.created_at))
    return [Waiting("join request", f"{row.user.display_name} asks to join {row.community.name}", row.created_at,
                    url_for("communities.members", slug=row.community.slug, _anchor="requests-heading"), row.community)
            for row in rows if not row.community.is_archived]


def _flagged_posts(user) -> list[Waiting]:
    return [Waiting("flagged post", f"A post in “{item.post.thread.title or 'comments'}” is flagged", item.since,
                    item.url, item.post.thread.community, flagged=item) for item in open_flags(user)]


def _knowledge_base_proposals() -> list[Waiting]:
    rows = db.session.scalars(select(KnowledgeBaseRequest).where(KnowledgeBaseRequest.status == "open")
                              .order_by(KnowledgeBaseRequest.created_at))
    return [Waiting("knowledge-base proposal", f"“{row.page.title}” is proposed for the knowledge base",
                    row.created_at, url_for("knowledge_base.request_page", request_id=row.id), row.page.community)
            for row in rows]
