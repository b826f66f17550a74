"""What a member gave their communities, as a profile shows it: discussions started, replies, wiki pages
edited, resources shared and the thanks received, counted and listed only where the viewer may look (every
filter is inside the query, so a members-only community shows an outsider nothing, not even a number)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Community, Post, Resource, Thanks, Thread, User, WikiPage, WikiRevision
from ..permissions import THREAD, Scope, visible_scope
from ..urls import resource_path, thread_path, wiki_page_path
from .conversations import post_url

RECENT_ITEMS = 10


@dataclass
class Contribution:
    kind: str  # "discussion", "reply", "page" or "resource"
    title: str
    url: str
    at: datetime
    community: str


@dataclass
class Contributions:
    discussions: int
    replies: int
    pages_edited: int
    resources_shared: int
    thanks_received: int
    recent: list[Contribution]  # newest first, at most RECENT_ITEMS


def contributions_of(viewer, person: User) -> Contributions:
    """`person`'s contributions across communities, as `viewer` may see them."""
    scope = visible_scope(viewer)
    queries = {"discussions": _threads_started(scope, person), "replies": _replies(scope, person),
               "pages": _pages_edited(scope, person), "resources": _resources_shared(scope, person)}
    counts = {name: _count(query) for name, query in queries.items()}
    recent = sorted(_recent_threads(queries["discussions"]) + _recent_replies(queries["replies"])
                    + _recent_pages(scope, person) + _recent_resources(queries["resources"]),
                    key=lambda item: item.at, reverse=True)[:RECENT_ITEMS]
    return Contributions(counts["discussions"], counts["replies"], counts["pages"], counts["resources"],
                         thanks_received(scope, person), recent)


def thanks_received(scope: Scope, person: User) -> int:
    """The thanks given to `person` for posts, pages and resources the scope may see."""
    return _count(select(Thanks.id).where(Thanks.receiver_id == person.id, or_(
        and_(Thanks.target_type == "post", Thanks.target_id.in_(_visible_posts(scope))),
        and_(Thanks.target_type == "page", Thanks.target_id.in_(_visible_pages(scope))),
        and_(Thanks.target_type == "resource", Thanks.target_id.in_(_visible_resources(scope))))))


# --- what the viewer may see, as subqueries ----------------------------------------------------------

def _readable_communities(scope: Scope):
    return select(Community.id).where(scope.community_filter())


def _visible_pages(scope: Scope):
    return select(WikiPage.id).where(WikiPage.is_deleted.is_(False),
                                     WikiPage.community_id.in_(_readable_communities(scope)))


def _visible_resources(scope: Scope):
    return select(Resource.id).where(Resource.deleted_at.is_(None),
                                     Resource.community_id.in_(_readable_communities(scope)))


def _visible_posts(scope: Scope):
    """Posts shown to the scope: in board threads it may see, or comments on pages and resources it may see
    (a proposal's comments are for its team: never counted on a profile)."""
    shown = Thread.hidden_at.is_(None) & Thread.deleted_at.is_(None)
    comments = shown & or_(and_(Thread.subject_type == "page", Thread.subject_id.in_(_visible_pages(scope))),
                           and_(Thread.subject_type == "resource",
                                Thread.subject_id.in_(_visible_resources(scope))))
    return (select(Post.id).join(Thread, Thread.id == Post.thread_id)
            .where(Post.deleted_at.is_(None), Post.hidden_at.is_(None), or_(THREAD.sql_filter(scope), comments)))


# --- each kind of contribution ----------------------------------------------------------------------

def _threads_started(scope: Scope, person: User):
    return select(Thread).where(Thread.author_id == person.id, THREAD.sql_filter(scope))


def _replies(scope: Scope, person: User):
    return (select(Post).join(Thread, Thread.id == Post.thread_id)
            .where(Post.author_id == person.id, Post.number > 1, Post.deleted_at.is_(None),
                   Post.hidden_at.is_(None), THREAD.sql_filter(scope)))


def _pages_edited(scope: Scope, person: User):
    return select(WikiPage.id).where(WikiPage.id.in_(_visible_pages(scope)), WikiPage.id.in_(
        select(WikiRevision.page_id).where(WikiRevision.author_id == person.id)))


def _resources_shared(scope: Scope, person: User):
    return select(Resource).where(Resource.owner_id == person.id, Resource.id.in_(_visible_resources(scope)))


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _recent_threads(query) -> list[Contribution]:
    threads = db.session.scalars(query.order_by(Thread.created_at.desc()).limit(RECENT_ITEMS)
                                 .options(selectinload(Thread.community)))
    return [Contribution("discussion", thread.title, thread_path(thread.id), thread.created_at,
                         thread.community.name) for thread in threads]


def _recent_replies(query) -> list[Contribution]:
    posts = db.session.scalars(query.order_by(Post.created_at.desc()).limit(RECENT_ITEMS)
                               .options(selectinload(Post.thread).selectinload(Thread.community)))
    return [Contribution("reply", post.thread.title, post_url(post), post.created_at, post.thread.community.name)
            for post in posts]


def _recent_pages(scope: Scope, person: User) -> list[Contribution]:
    last_edit = func.max(WikiRevision.created_at)
    rows = db.session.execute(
        select(WikiPage, last_edit).join(WikiRevision, WikiRevision.page_id == WikiPage.id)
        .where(WikiRevision.author_id == person.id, WikiPage.id.in_(_visible_pages(scope)))
        .group_by(WikiPage.id).order_by(last_edit.desc()).limit(RECENT_ITEMS)
        .options(selectinload(WikiPage.community)))
    return [Contribution("page", page.title, wiki_page_path(page.community.slug, page.slug), edited,
                         page.community.name) for page, edited in rows]


def _recent_resources(query) -> list[Contribution]:
    shared = db.session.scalars(query.order_by(Resource.created_at.desc()).limit(RECENT_ITEMS)
                                .options(selectinload(Resource.community)))
    return [Contribution("resource", resource.title, resource_path(resource.id), resource.created_at,
                         resource.community.name) for resource in shared]
