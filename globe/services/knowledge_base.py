"""The Globe-wide knowledge base: proposing a page, automatic pre-checks, the curators' conversation."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..db import transaction
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..models import Community, KnowledgeBaseComment, KnowledgeBaseRequest, User, WikiLink, WikiPage, WikiRevision
from ..models.base import utcnow
from ..permissions import can, require
from ..urls import knowledge_base_request_path
from .notifications import notify
from .oai import tombstones as oai_tombstones
from .search import queue_for_indexing
from .validation import Checker, shorten
from .wiki_links import red_links_into

STUB_WORDS = 120


@dataclass(frozen=True)
class PreCheck:
    name: str
    passed: bool
    detail: str


def pre_checks(page: WikiPage) -> list[PreCheck]:
    """What curators look at first: tags, a summary line, no red links, not a stub."""
    body = page.current_revision.body
    first_line = next((line.strip() for line in body.splitlines() if line.strip()), "")
    words = len(re.findall(r"\w+", body))
    red = {slug for slug, *_ in red_links_into(page.community)} & _linked_slugs(page)
    return [
        PreCheck("Tags", bool(page.tags), "Has tags." if page.tags else "Add at least one tag."),
        PreCheck("Summary line", bool(first_line) and not first_line.startswith("#") and len(first_line) >= 30,
                 "Opens with a summary sentence." if first_line and not first_line.startswith("#")
                 else "Start with a one-sentence summary of the page (before any heading)."),
        PreCheck("No red links", not red, "Every link leads to a page." if not red
                 else f"{len(red)} link(s) lead to pages that do not exist yet."),
        PreCheck("Not a stub", words >= STUB_WORDS, f"{words} words." if words >= STUB_WORDS
                 else f"Only {words} words; a knowledge-base page needs at least {STUB_WORDS}."),
    ]


def _linked_slugs(page: WikiPage) -> set[str]:
    return set(db.session.scalars(select(WikiLink.target_slug).where(
        WikiLink.page_id == page.id, WikiLink.target_community == page.community.slug)))


def open_request(page: WikiPage) -> KnowledgeBaseRequest | None:
    return db.session.scalar(select(KnowledgeBaseRequest).where(
        KnowledgeBaseRequest.page_id == page.id, KnowledgeBaseRequest.status.in_(("open", "accepted")))
        .order_by(KnowledgeBaseRequest.id.desc()))


def propose(actor, page: WikiPage, *, message: str) -> KnowledgeBaseRequest:
    """An editor (facilitator, for a members-only CoP) asks the curators to publish the page."""
    require(actor, "wiki.propose_public", page.community)
    if page.is_deleted:
        raise Conflict("A deleted page cannot be proposed.")
    if open_request(page) is not None:
        raise Conflict("This page is already proposed or in the knowledge base.")
    message = Checker().text("message", message, max_length=5000)
    with transaction():
        request = KnowledgeBaseRequest(page=page, proposed_by_id=actor.id)
        db.session.add(request)
        if message:
            request.comments.append(KnowledgeBaseComment(author_id=actor.id, body=message))
        page.kb_status, page.touched_at = "proposed", utcnow()
        db.session.flush()  # the request's number, for the notice's link
        said = f" Their message: “{shorten(message)}”" if message else ""
        notify(curators(), "knowledge_base.proposal", f"{actor.display_name} proposes “{page.title}” from "
               f"“{page.community.name}” for the knowledge base.{said}",
               url=knowledge_base_request_path(request.id), actor=actor)
    return request


def curators() -> list[User]:
    """Who decides on proposals: the curators, or the site admins while the site has no curator."""
    return _people(User.is_curator.is_(True)) or _people(User.is_admin.is_(True))


def get_request(actor, request_id: int) -> KnowledgeBaseRequest:
    request = db.session.get(KnowledgeBaseRequest, request_id)
    if request is None or not _may_follow(actor, request):
        raise NotFound("No such knowledge-base request.")
    return request


def _may_follow(actor, request: KnowledgeBaseRequest) -> bool:
    """Curators, and people who may edit the page, take part in the conversation."""
    return can(actor, "knowledge_base.curate") or can(actor, "wiki.edit", request.page.community)


def comment(actor, request: KnowledgeBaseRequest, *, body: str) -> KnowledgeBaseComment:
    if not _may_follow(actor, request):
        raise PermissionDenied("Only curators and the page's editors take part in this conversation.")
    check = Checker()
    body = check.text("body", body, max_length=5000, required=True, label="Comment")
    check.done()
    with transaction():
        note = KnowledgeBaseComment(request=request, author_id=actor.id, body=body)
        db.session.add(note)
        _tell_the_conversation(actor, request, f"{actor.display_name} commented on the proposal of "
                                               f"“{request.page.title}”: “{shorten(body)}”")
    return note


def _tell_the_conversation(actor, request: KnowledgeBaseRequest, message: str) -> None:
    """The page's proposer and editors (the authors of its revisions), as long as they may read the page, and
    the curators who took part in the conversation."""
    url = knowledge_base_request_path(request.id)
    authors = select(WikiRevision.author_id).where(WikiRevision.page_id == request.page_id)
    editors = _people((User.id == request.proposed_by_id) | User.id.in_(authors))
    notify(editors, "knowledge_base.review", message, url=url, actor=actor, target=request.page)
    commenters = select(KnowledgeBaseComment.author_id).where(KnowledgeBaseComment.request_id == request.id)
    curators_in_it = [person for person in _people(User.id.in_(commenters))
                      if person not in editors and can(person, "knowledge_base.curate")]
    notify(curators_in_it, "knowledge_base.review", message, url=url, actor=actor)


def _people(where) -> list[User]:
    return list(db.session.scalars(select(User).where(where).order_by(User.id)))


def decide(actor, request: KnowledgeBaseRequest, *, accept: bool, reason: str) -> KnowledgeBaseRequest:
    """A curator accepts the page into the knowledge base, or declines with a reason."""
    require(actor, "knowledge_base.curate")
    if request.status != "open":
        raise Conflict("This request has already been decided.")
    check = Checker()
    reason = check.text("reason", reason, max_length=5000, required=not accept, label="Reason")
    check.done()
    with transaction():
        request.status = "accepted" if accept else "declined"
        request.reason, request.decided_by_id, request.decided_at = reason, actor.id, utcnow()
        request.page.kb_status = "accepted" if accept else ""
        request.page.touched_at = utcnow()
        if accept:
            oai_tombstones.knowledge_base_changed(request.page)
        queue_for_indexing("wiki", request.page_id)
        title = request.page.title
        _tell_the_conversation(actor, request, f"{actor.display_name} accepted “{title}” into the knowledge base."
                               if accept else f"{actor.display_name} declined “{title}” for the knowledge base: "
                                              f"“{shorten(reason)}”")
    return request


def withdraw(actor, request: KnowledgeBaseRequest, *, reason: str) -> KnowledgeBaseRequest:
    """Take a page out of the knowledge base (curators), or withdraw an open proposal (its editors)."""
    allowed = can(actor, "knowledge_base.curate") or (request.status == "open" and _may_follow(actor, request))
    if not allowed:
        raise PermissionDenied("Only a curator can withdraw an accepted page.")
    if request.status not in ("open", "accepted"):
        raise Conflict("This request is already closed.")
    check = Checker()
    reason = check.text("reason", reason, max_length=5000, required=request.status == "accepted", label="Reason")
    check.done()
    with transaction():
        if request.page.in_knowledge_base:
            oai_tombstones.knowledge_base_changed(request.page)
        request.status, request.reason = "withdrawn", reason
        request.decided_by_id, request.decided_at = actor.id, utcnow()
        request.page.kb_status, request.page.touched_at = "", utcnow()
        queue_for_indexing("wiki", request.page_id)
        said = f": “{shorten(reason)}”" if reason else "."
        _tell_the_conversation(actor, request, f"{actor.display_name} withdrew “{request.page.title}” from the "
                                               f"knowledge base{said}")
    return request


def list_requests(actor, *, status: str = "open") -> list[KnowledgeBaseRequest]:
    require(actor, "knowledge_base.curate")
    if status not in ("open", "accepted", "declined", "withdrawn"):
        raise InvalidInput({"status": ["Unknown status."]})
    return list(db.session.scalars(select(KnowledgeBaseRequest).where(KnowledgeBaseRequest.status == status)
                                   .order_by(KnowledgeBaseRequest.created_at.desc())))


def accepted_pages() -> list[WikiPage]:
    """Every live page in the knowledge base (readable by everyone), newest change first."""
    return list(db.session.scalars(select(WikiPage).join(Community).where(
        WikiPage.kb_status == "accepted", WikiPage.is_deleted.is_(False))
        .order_by(WikiPage.updated_at.desc()).options(contains_eager(WikiPage.community))))


def grouped(pages: list[WikiPage]) -> tuple[dict[str, list[WikiPage]], dict[str, list[WikiPage]]]:
    """Pages by tag and by CoP name, for the knowledge base home."""
    by_tag: dict[str, list[WikiPage]] = {}
    by_community: dict[str, list[WikiPage]] = {}
    for page in pages:
        for tag in page.tags or ["untagged"]:
            by_tag.setdefault(tag, []).append(page)
        by_community.setdefault(page.community.name, []).append(page)
    return dict(sorted(by_tag.items())), dict(sorted(by_community.items()))
