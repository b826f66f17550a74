"""Thanks: a person thanks a post, a resource or a wiki page once (there are no down-votes), and whoever
wrote it is told and sees the thanks received on their profile. A page's thanks go to the author of its
current revision, a resource's to the person who shared it."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..db import transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import Post, Resource, Thanks, User, WikiPage, WikiRevision
from ..permissions import can, require
from ..urls import resource_path, wiki_page_path
from .conversations import post_url
from .notifications import may_see, notify
from .validation import shorten

TARGET_TYPES = {Post: "post", Resource: "resource", WikiPage: "page"}


def target_type_of(target) -> str:
    for model, name in TARGET_TYPES.items():
        if isinstance(target, model):
            return name
    raise ValueError(f"nobody thanks a {type(target).__name__}")


def receiver_id(target) -> int | None:
    """Who a thanks goes to."""
    if isinstance(target, Post):
        return target.author_id
    if isinstance(target, Resource):
        return target.owner_id
    return db.session.scalar(select(WikiRevision.author_id).where(WikiRevision.id == target.current_revision_id))


def count(target) -> int:
    if isinstance(target, Post):
        return target.thanks_count
    return db.session.scalar(select(func.count()).select_from(Thanks).where(
        Thanks.target_type == target_type_of(target), Thanks.target_id == target.id))


def has_thanked(actor, target) -> bool:
    if not actor.is_authenticated:
        return False
    return db.session.scalar(select(Thanks.id).where(Thanks.user_id == actor.id, Thanks.target_id == target.id,
                                                     Thanks.target_type == target_type_of(target))) is not None


def may_thank(actor, target) -> bool:
    """Signed in, able to see it, and not its author."""
    return (can(actor, "conversations.thank", target) and actor.id != receiver_id(target)
            and may_see(actor, target=_seen_as(target)))


def thank(actor, target) -> int:
    """Thank a post, resource or page once; returns its number of thanks."""
    _check(actor, target)
    kind = target_type_of(target)
    try:
        with transaction():
            db.session.add(Thanks(user_id=actor.id, target_type=kind, target_id=target.id,
                                  receiver_id=receiver_id(target)))
            db.session.flush()
            _count_on_post(target, +1)
            _tell_receiver(actor, target)
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You already thanked this.") from None
    return count(target)


def unthank(actor, target) -> int:
    """Take a thanks back (not having thanked is not an error); returns the number of thanks."""
    if not actor.is_authenticated or not may_see(actor, target=_seen_as(target)):
        raise NotFound("Nothing to thank here.")
    with transaction():
        removed = db.session.execute(delete(Thanks).where(
            Thanks.user_id == actor.id, Thanks.target_type == target_type_of(target),
            Thanks.target_id == target.id)).rowcount
        if removed:
            _count_on_post(target, -1)
    return count(target)


def _seen_as(target):
    """What must be visible to thank it: a post's thread (notices are about threads, not single posts)."""
    return target.thread if isinstance(target, Post) else target


def _check(actor, target) -> None:
    if not actor.is_authenticated or not may_see(actor, target=_seen_as(target)):
        raise NotFound("Nothing to thank here.")
    if target.is_deleted or (isinstance(target, Post) and target.is_hidden):  # a page or resource in its bin too
        raise NotFound("Nothing to thank here.")
    require(actor, "conversations.thank", target)
    if actor.id == receiver_id(target):
        raise InvalidInput({"thanks": ["You cannot thank yourself."]})
    if has_thanked(actor, target):
        raise Conflict("You already thanked this.")


def _count_on_post(target, change: int) -> None:
    if isinstance(target, Post):
        db.session.execute(update(Post).where(Post.id == target.id)
                           .values(thanks_count=Post.thanks_count + change))
        db.session.refresh(target, ["thanks_count"])


def _tell_receiver(actor, target) -> None:
    receiver_key = receiver_id(target)
    receiver = db.session.get(User, receiver_key) if receiver_key else None
    if receiver is None:
        return
    what, url = _described(target)
    notify(receiver, "conversations.thanks", f"{actor.display_name} thanked your {what}", url=url, actor=actor,
           target=_seen_as(target), subject=f"Your {what}",
           collapse_key=f"thanks:{target_type_of(target)}:{target.id}")


def _described(target) -> tuple[str, str]:
    """What a thanked thing is called in a notice, and where it is."""
    if isinstance(target, Post):
        return f"post in “{shorten(target.thread.title or 'a discussion', 100)}”", post_url(target)
    if isinstance(target, Resource):
        return f"resource “{shorten(target.title, 100)}”", resource_path(target.id)
    return f"page “{shorten(target.title, 100)}”", wiki_page_path(target.community.slug, target.slug)
