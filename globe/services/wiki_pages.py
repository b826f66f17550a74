"""Wiki pages: reading, saving without lost updates (merge or conflict), history, revert, rename, delete."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

import wiki

from ..db import transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import Community, User, WikiPage, WikiRedirect, WikiRevision
from ..models.base import utcnow
from ..permissions import can, require, visible_scope
from ..urls import wiki_page_path
from . import following
from .oai import tombstones as oai_tombstones
from .search import queue_for_indexing
from .validation import Checker, parse_tags
from .wiki_links import linked_page_ids, refresh_pages_linking_to, render_body, store_links

SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class SaveResult:
    page: WikiPage
    revision: WikiRevision
    created: bool = False
    merged: bool = False
    unchanged: bool = False


class EditConflict(Conflict):
    """Someone saved an overlapping change since the editor's base revision."""

    def __init__(self, *, merged_text: str, current: WikiRevision, your_text: str):
        super().__init__("Someone else changed the same part of this page while you were editing. "
                         "Nothing was saved: resolve the conflict and save again.")
        self.merged_text, self.current, self.your_text = merged_text, current, your_text


# --- reading ---------------------------------------------------------------------------------

def find_page(community: Community, slug: str) -> WikiPage | None:
    return db.session.scalar(select(WikiPage).where(WikiPage.community_id == community.id, WikiPage.slug == slug))


# Built once: this runs on every page view.
_PAGE_BY_ADDRESS = (
    select(WikiPage).join(WikiPage.community)
    .where(Community.slug == bindparam("community"), WikiPage.slug == bindparam("page"))
    .options(contains_eager(WikiPage.community),
             joinedload(WikiPage.current_revision).joinedload(WikiRevision.author)))


# What an anonymous reader sees of a page depends on these; see globe/page_cache.py.
_OTHER_COMMUNITY = aliased(Community)
_VIEW_VALIDATOR = (
    select(WikiPage.touched_at, Community.updated_at, User.display_name,
           select(func.max(_OTHER_COMMUNITY.updated_at)).scalar_subquery())
    .join(Community, Community.id == WikiPage.community_id)
    .outerjoin(WikiRevision, WikiRevision.id == WikiPage.current_revision_id)
    .outerjoin(User, User.id == WikiRevision.author_id)
    .where(Community.slug == bindparam("community"), WikiPage.slug == bindparam("page")))


def view_validator(community_slug: str, page_slug: str) -> tuple | None:
    """A value that changes whenever the anonymous view of this page changes (None: no such page).

    The newest change to any CoP's settings is part of it, since visibility decides which
    backlinks an anonymous reader may see."""
    row = db.session.execute(_VIEW_VALIDATOR, {"community": community_slug, "page": page_slug}).first()
    return tuple(row) if row is not None else None


def open_address(actor, community: Community, page_slug: str) -> tuple[WikiPage | None, WikiPage | None]:
    """What /c/<community>/wiki/<page> shows this actor: (the page, None), (None, the page it was renamed
    to), or (None, None) for a page not written yet. Permission is checked before anything about the
    address is said, so a reader who may not see a CoP learns nothing of its pages, moved or not."""
    page = db.session.scalar(_PAGE_BY_ADDRESS, {"community": community.slug, "page": page_slug})
    if page is not None:
        require(actor, "wiki.read_page", page)
        return page, None
    moved = db.session.scalar(select(WikiPage).join(WikiRedirect, WikiRedirect.page_id == WikiPage.id).where(
        WikiRedirect.community_id == community.id, WikiRedirect.slug == page_slug))
    if moved is not None and can(actor, "wiki.read_page", moved):
        return None, moved
    require(actor, "wiki.read", community)
    return None, None


def get_page(actor, community: Community, slug: str, *, action: str = "wiki.read_page") -> WikiPage:
    """A page (deleted ones too) the actor may read; NotFound when it never existed."""
    page = find_page(community, slug)
    if page is None:
        require(actor, "wiki.read", community)
        raise NotFound("There is no page with this title yet.")
    require(actor, action, page)
    return page


def list_pages(actor, community: Community, *, deleted: bool = False) -> list[WikiPage]:
    require(actor, "wiki.view_deleted" if deleted else "wiki.read", community)
    return list(db.session.scalars(select(WikiPage).where(
        WikiPage.community_id == community.id, WikiPage.is_deleted.is_(deleted)).order_by(WikiPage.title)))


def history(actor, page: WikiPage) -> list[WikiRevision]:
    require(actor, "wiki.read", page.community)
    return list(db.session.scalars(select(WikiRevision).where(WikiRevision.page_id == page.id)
                                   .order_by(WikiRevision.number.desc())))


def get_revision(actor, page: WikiPage, number: int) -> WikiRevision:
    """A revision of this page (a number from another page's history is simply not found)."""
    require(actor, "wiki.read", page.community)
    revision = db.session.scalar(select(WikiRevision).where(WikiRevision.page_id == page.id,
                                                            WikiRevision.number == number))
    if revision is None:
        raise NotFound(f"This page has no revision {number}.")
    return revision


def recent_changes(actor, community: Community | None = None, *, limit: int = 50) -> list[WikiRevision]:
    """Latest revisions in the CoPs the actor may read (one CoP, or all of them)."""
    query = (select(WikiRevision).join(WikiPage, WikiPage.id == WikiRevision.page_id)
             .join(Community, Community.id == WikiPage.community_id)
             .where(visible_scope(actor).community_filter())
             .order_by(WikiRevision.created_at.desc(), WikiRevision.id.desc()).limit(min(limit, 500))
             .options(selectinload(WikiRevision.page).selectinload(WikiPage.community),
                      selectinload(WikiRevision.author)))
    if community is not None:
        require(actor, "wiki.read", community)
        query = query.where(WikiPage.community_id == community.id)
    return list(db.session.scalars(query))


# --- saving ----------------------------------------------------------------------------------

def _check_edit(title: str | None, body: str, summary: str, *, new: bool) -> tuple[str | None, str, str]:
    check = Checker()
    body = wiki.normalize_newlines(body or "")
    limit = current_app.config["MAX_WIKI_PAGE_BYTES"]
    if len(body.encode("utf-8")) > limit:
        check.add("body", f"The page is too long: the limit is {limit // 1024} KB of text.")
    elif blocks := wiki.conflict_blocks(body):
        check.add("body", _unresolved_conflicts_message(blocks))
    summary = check.text("summary", summary, max_length=300, label="Edit summary")
    if title is not None or new:
        title = wiki.normalize_title(title or "")
        for message in wiki.validate_title(title):
            check.add("title", message)
    check.done()
    return title, body, summary


def _unresolved_conflicts_message(blocks: list[wiki.ConflictBlock]) -> str:
    lines = ", ".join(str(block.start_line) for block in blocks)
    count = "an edit conflict" if len(blocks) == 1 else f"{len(blocks)} edit conflicts"
    return (f"The text still holds {count} marked with <<<<<<<, ======= and >>>>>>> (starting on "
            f"line {lines}). Keep the text that should stay and remove the three marker lines, or keep "
            "one side of every conflict. Nothing was saved.")


def save_page(actor, community: Community, *, page_slug: str, body: str, base_revision: int | None,
              title: str | None = None, summary: str = "", tags=None) -> SaveResult:
    """Create or edit the page at `page_slug`, merging with changes saved since `base_revision`.

    base_revision names the revision the editor started from (0 = an empty new page). Overlapping
    changes raise EditConflict; nothing is ever silently overwritten."""
    require(actor, "wiki.edit", community)
    for _ in range(SAVE_ATTEMPTS):
        try:
            with transaction():
                return _save_once(actor, community, page_slug, body, base_revision, title, summary, tags)
        except IntegrityError:
            continue  # another save won the race for this revision number: merge against it
    raise Conflict("The page is being saved by several people at once; please try again.")


def create_page(actor, community: Community, *, title: str, body: str, summary: str = "", tags=None) -> SaveResult:
    """A new page from the 'new page' form: its title must not be taken by a live page."""
    require(actor, "wiki.edit", community)
    title = wiki.normalize_title(title or "")
    slug = wiki.slugify_title(title) if not wiki.validate_title(title) else ""
    existing = find_page(community, slug) if slug else None
    if existing is not None and not existing.is_deleted:
        raise InvalidInput({"title": [f"A page called “{existing.title}” already exists at this address."]})
    return save_page(actor, community, page_slug=slug, title=title, body=body, base_revision=0,
                     summary=summary, tags=tags)


def _save_once(actor, community, page_slug, body, base_revision, title, summary, tags) -> SaveResult:
    page = find_page(community, page_slug)
    if page is None or page.is_deleted:
        return _create(actor, community, page, page_slug, title, body, summary, tags)
    title, body, summary = _check_edit(title, body, summary, new=False)
    if title is not None and wiki.slugify_title(title) != page.slug:
        raise InvalidInput({"title": ["To change the page's address, rename it instead."]})
    merged_body, merged = _merge_with_current(page, body, base_revision)
    new_tags = page.tags if tags is None else parse_tags(tags)
    current = page.current_revision
    if (merged_body, new_tags, title or page.title) == (current.body, current.tags, page.title):
        return SaveResult(page, current, unchanged=True)
    revision = _add_revision(actor, page, body=merged_body, title=title or page.title, tags=new_tags,
                             summary=summary, kind="merge" if merged else "edit")
    _tell_of_change(actor, page, f"edited “{page.title}”")
    return SaveResult(page, revision, merged=merged)


def _create(actor, community, deleted_page, page_slug, title, body, summary, tags) -> SaveResult:
    title, body, summary = _check_edit(title, body, summary, new=True)
    if wiki.slugify_title(title) != page_slug:
        raise InvalidInput({"title": [f"The title “{title}” does not match the page address “{page_slug}”."]})
    page = deleted_page or WikiPage(community=community, slug=page_slug, title=title)
    page.is_deleted = False
    db.session.add(page)
    db.session.flush()  # a concurrent creation of the same page fails here, and is retried
    _remove_redirect(community, page_slug)
    revision = _add_revision(actor, page, body=body, title=title, tags=parse_tags(tags), summary=summary,
                             kind="restore" if deleted_page else "edit")
    refresh_pages_linking_to(community, {page_slug})
    if deleted_page is not None:
        _tell_of_change(actor, page, f"wrote the deleted page “{page.title}” again")
    else:
        _tell_of_new_page(actor, page)
    return SaveResult(page, revision, created=True)


def _merge_with_current(page: WikiPage, body: str, base_revision: int | None) -> tuple[str, bool]:
    current = page.current_revision
    if base_revision is None:
        raise InvalidInput({"base_revision": ["Say which revision your edit started from (base_revision); "
                                              f"the page is at revision {current.number}."]})
    if not 0 <= base_revision <= current.number:
        raise InvalidInput({"base_revision": [f"This page has no revision {base_revision}."]})
    if base_revision == current.number:
        return body, False
    base_text = "" if base_revision == 0 else _revision_body(page, base_revision)
    result = wiki.merge_texts(base_text, body, current.body)
    if not result.clean:
        raise EditConflict(merged_text=result.text, current=current, your_text=body)
    return result.text, True


def _revision_body(page: WikiPage, number: int) -> str:
    return db.session.scalar(select(WikiRevision.body).where(WikiRevision.page_id == page.id,
                                                             WikiRevision.number == number))


def _add_revision(actor, page: WikiPage, *, body: str, title: str, tags: list[str], summary: str,
                  kind: str) -> WikiRevision:
    """Render once, store the revision with its cached HTML, links, and queue the page for search."""
    rendered, links = render_body(page.community, page, body)
    number = page.revision_count + 1
    revision = WikiRevision(page=page, number=number, kind=kind, title=title, body=body, tags=tags,
                            summary=summary, author_id=actor.id, html=rendered.html, toc_html=rendered.toc_html,
                            size=len(body.encode("utf-8")))
    db.session.add(revision)
    db.session.flush()  # the unique (page, number) constraint catches a concurrent save here
    page.current_revision, page.revision_count = revision, number
    page.title, page.tags = title, tags
    page.updated_at = page.touched_at = utcnow()
    store_links(page, page.community, links)
    queue_for_indexing("wiki", page.id)
    return revision


def _remove_redirect(community: Community, slug: str) -> None:
    redirect = db.session.scalar(select(WikiRedirect).where(WikiRedirect.community_id == community.id,
                                                            WikiRedirect.slug == slug))
    if redirect is not None:
        db.session.delete(redirect)


# --- revert, rename, delete, restore -----------------------------------------------------------

def revert_page(actor, page: WikiPage, number: int, *, summary: str = "") -> WikiRevision:
    """Make an old revision's text current again, as a new revision."""
    require(actor, "wiki.edit", page.community)
    _require_live(page)
    old = get_revision(actor, page, number)
    with transaction():
        revision = _add_revision(actor, page, body=old.body, title=page.title, tags=list(old.tags or []),
                                 summary=summary or f"Reverted to revision {number}", kind="revert")
        _tell_of_change(actor, page, f"reverted “{page.title}” to revision {number}")
        return revision


def rename_page(actor, page: WikiPage, *, new_title: str, summary: str = "") -> WikiPage:
    """Move the page to a new title; the old address redirects, links to it keep working."""
    require(actor, "wiki.edit", page.community)
    _require_live(page)
    new_title, _, summary = _check_edit(new_title, "", summary, new=True)
    new_slug, old_slug, community = wiki.slugify_title(new_title), page.slug, page.community
    occupant = find_page(community, new_slug)
    if occupant is not None and occupant.id != page.id:
        state = "a deleted page" if occupant.is_deleted else "another page"
        raise InvalidInput({"title": [f"“{new_title}” is the address of {state}; choose another title."]})
    with transaction():
        if new_slug != old_slug:
            _remove_redirect(community, new_slug)
            page.slug = new_slug
            db.session.add(WikiRedirect(community_id=community.id, slug=old_slug, page_id=page.id))
        current = page.current_revision
        _add_revision(actor, page, body=current.body, title=new_title, tags=list(page.tags or []),
                      summary=summary or f"Renamed from “{current.title}” to “{new_title}”", kind="rename")
        refresh_pages_linking_to(community, {old_slug, new_slug})
        _tell_of_change(actor, page, f"renamed “{current.title}” to “{page.title}”")
    return page


def delete_page(actor, page: WikiPage, *, reason: str = "") -> WikiPage:
    """Delete a page; its history is kept and facilitators can restore it."""
    require(actor, "wiki.delete", page.community)
    _require_live(page)
    reason = Checker().text("reason", reason, max_length=300)
    with transaction():
        current = page.current_revision
        _add_revision(actor, page, body=current.body, title=page.title, tags=list(page.tags or []),
                      summary=f"Deleted: {reason}" if reason else "Deleted", kind="delete")
        page.is_deleted = True
        if page.in_knowledge_base:
            oai_tombstones.knowledge_base_changed(page)
        refresh_pages_linking_to(page.community, {page.slug})
        _tell_of_change(actor, page, f"deleted “{page.title}”", collapse=False)
    return page


def restore_page(actor, page: WikiPage) -> WikiPage:
    require(actor, "wiki.restore", page.community)
    if not page.is_deleted:
        raise Conflict("This page is not deleted.")
    with transaction():
        page.is_deleted = False
        if page.in_knowledge_base:
            oai_tombstones.knowledge_base_changed(page)
        current = page.current_revision
        _add_revision(actor, page, body=current.body, title=page.title, tags=list(page.tags or []),
                      summary="Restored", kind="restore")
        refresh_pages_linking_to(page.community, {page.slug})
        _tell_of_change(actor, page, f"restored “{page.title}”", collapse=False)
    return page


# --- telling followers -------------------------------------------------------------------------
# In the change's transaction; the followers hear of it after the commit (globe/services/following.py).

def _tell_of_change(actor, page: WikiPage, deed: str, *, collapse: bool = True) -> None:
    """The followers of the page (and of its community, at "everything") hear what `actor` did to it: the
    deed "edited “Songs”" tells "Ana edited “Songs” in Speaking club."

    Edits within the hour collapse into one notice ("changed 3 times by 2 people"); a deletion or a
    restoration (collapse=False) is a notice of its own. A deleted page stays at its address, where its
    readers see that it was deleted (and facilitators the button that restores it). Whoever edits a
    page follows it from then on; deleting or restoring is not editing."""
    community = page.community
    following.tell_followers("wiki.page", f"{actor.display_name} {deed} in {community.name}.",
                             actor=actor, target=page, url=wiki_page_path(community.slug, page.slug),
                             subject=f"“{page.title}”", collapse_key=f"page:{page.id}" if collapse else None)
    if collapse:
        following.follow_automatically(actor, page)


def _tell_of_new_page(actor, page: WikiPage) -> None:
    """A new page: its community's followers hear of it (new pages of one community within the hour are
    one notice), and so do the followers of the pages it links to; its author follows it."""
    community, url = page.community, wiki_page_path(page.community.slug, page.slug)
    following.tell_followers("wiki.new_page", f"{actor.display_name} wrote a new page, “{page.title}”, in "
                             f"{community.name}.", actor=actor, target=page, url=url, subject=community.name,
                             collapse_key=f"new-pages:{community.id}")
    if db.session.scalar(linked_page_ids(page.id).limit(1)) is not None:
        following.tell_followers("wiki.link", f"{actor.display_name} wrote “{page.title}” in {community.name}, "
                                 "a new page linking to a page you follow.", actor=actor, target=page, url=url)
    following.follow_automatically(actor, page)


def _require_live(page: WikiPage) -> None:
    if page.is_deleted:
        raise Conflict("This page is deleted; a facilitator can restore it first.")


def preview(actor, community: Community, page: WikiPage | None, body: str) -> str:
    """Render unsaved text exactly as it would be saved (links resolved, sanitized)."""
    require(actor, "wiki.edit", community)
    _, body, _ = _check_edit(None, body, "", new=False)
    rendered, _ = render_body(community, page, body)
    return rendered.html
