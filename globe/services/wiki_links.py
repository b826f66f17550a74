"""Rendering a page's Markdown with its [[links]] resolved, and keeping linking pages' caches current.

Rendered HTML is cached on each revision. Whether a link is red depends on other pages, so when a
page appears, disappears or moves, the pages linking to it are re-rendered here, once, at save time."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, or_, select, tuple_, update
from sqlalchemy.orm import contains_eager

import wiki

from ..errors import InvalidInput
from ..extensions import db
from ..models import Community, WikiAttachment, WikiLink, WikiPage, WikiRedirect
from ..models.base import utcnow
from ..permissions import require, visible_scope
from ..urls import wiki_attachment_path, wiki_new_page_path, wiki_page_path


def _existing_slugs(community: Community, slugs: set[str]) -> set[str]:
    """The slugs among these that lead somewhere in the CoP: a live page or a redirect."""
    if not slugs:
        return set()
    pages = db.session.scalars(select(WikiPage.slug).where(
        WikiPage.community_id == community.id, WikiPage.slug.in_(slugs), WikiPage.is_deleted.is_(False)))
    redirects = db.session.scalars(select(WikiRedirect.slug).where(
        WikiRedirect.community_id == community.id, WikiRedirect.slug.in_(slugs)))
    return set(pages) | set(redirects)


def _link_targets(community: Community, links: list) -> dict[tuple[str, str], wiki.LinkTarget]:
    """Resolve every link with one query per linked CoP; unknown CoPs are refused."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for link in links:
        wanted[link.community or community.slug].add(link.slug)
    cops = {c.slug: c for c in db.session.scalars(select(Community).where(Community.slug.in_(wanted)))}
    unknown = sorted(set(wanted) - set(cops))
    if unknown:
        raise InvalidInput({"body": [f"[[{slug}:…]] links to a community that does not exist: {slug}."
                                     for slug in unknown]})
    targets = {}
    for cop_slug, slugs in wanted.items():
        cop = cops[cop_slug]
        # Never reveal which pages exist in a members-only CoP: its links always look ordinary.
        existing = _existing_slugs(cop, slugs) if cop.is_public or cop.id == community.id else slugs
        for slug in slugs:
            targets[(cop_slug, slug)] = wiki.LinkTarget(url=wiki_page_path(cop_slug, slug), exists=slug in existing)
    return targets


def render_body(community: Community, page: WikiPage | None, body: str) -> tuple[wiki.Rendered, list]:
    """Render Markdown for this CoP (and page, for attachments); returns the rendering and its links."""
    links = wiki.extract_links(body)
    targets = _link_targets(community, links)
    attachments = _attachment_names(page)

    def resolve_link(link) -> wiki.LinkTarget:
        target = targets[(link.community or community.slug, link.slug)]
        if target.exists:
            return target
        return wiki.LinkTarget(url=wiki_new_page_path(link.community or community.slug, link.title), exists=False)

    def resolve_attachment(name: str) -> str | None:
        return wiki_attachment_path(community.slug, page.slug, name) if name in attachments else None

    return wiki.render(body, resolve_link=resolve_link, resolve_attachment=resolve_attachment), links


def _attachment_names(page: WikiPage | None) -> set[str]:
    if page is None or page.id is None:
        return set()
    return set(db.session.scalars(select(WikiAttachment.name).where(WikiAttachment.page_id == page.id)))


def store_links(page: WikiPage, community: Community, links: list) -> None:
    """Replace the page's recorded outgoing links, and touch every page whose backlinks change."""
    old = {tuple(row) for row in db.session.execute(select(WikiLink.target_community, WikiLink.target_slug)
                                                    .where(WikiLink.page_id == page.id))}
    db.session.execute(delete(WikiLink).where(WikiLink.page_id == page.id))
    new: dict[tuple[str, str], str] = {}
    for link in links:
        new.setdefault((link.community or community.slug, link.slug), link.title)
    for (target_community, target_slug), title in new.items():
        db.session.add(WikiLink(page_id=page.id, target_community=target_community, target_slug=target_slug,
                                target_title=title))
    # The linking page's title or state is shown in its targets' backlinks, so touch them all.
    touch_pages_at(old | set(new))


def touch_pages_at(addresses: set[tuple[str, str]]) -> None:
    """Mark the pages at these (community slug, page slug) addresses, or redirected from them, as changed."""
    if not addresses:
        return
    at_address = (select(WikiPage.id).join(Community, Community.id == WikiPage.community_id)
                  .where(tuple_(Community.slug, WikiPage.slug).in_(addresses)))
    redirected = (select(WikiRedirect.page_id).join(Community, Community.id == WikiRedirect.community_id)
                  .where(tuple_(Community.slug, WikiRedirect.slug).in_(addresses)))
    db.session.execute(update(WikiPage).where(or_(WikiPage.id.in_(at_address), WikiPage.id.in_(redirected)))
                       .values(touched_at=utcnow()).execution_options(synchronize_session=False))


def page_links(page: WikiPage) -> list[WikiLink]:
    return list(db.session.scalars(select(WikiLink).where(WikiLink.page_id == page.id)))


def linked_page_ids(page_id: int):
    """A query of the ids of the live pages this page links to (by their address or an old one), itself aside."""
    links = select(WikiLink.target_community, WikiLink.target_slug).where(WikiLink.page_id == page_id)
    at_address = (select(WikiPage.id).join(Community, Community.id == WikiPage.community_id)
                  .where(tuple_(Community.slug, WikiPage.slug).in_(links)))
    redirected = (select(WikiRedirect.page_id).join(Community, Community.id == WikiRedirect.community_id)
                  .where(tuple_(Community.slug, WikiRedirect.slug).in_(links)))
    return select(WikiPage.id).where(or_(WikiPage.id.in_(at_address), WikiPage.id.in_(redirected)),
                                     WikiPage.is_deleted.is_(False), WikiPage.id != page_id)


def refresh_current_rendering(page: WikiPage) -> None:
    """Re-render the page's current revision into its cache (links or attachments changed)."""
    revision = page.current_revision
    if revision is None:
        return
    rendered, _ = render_body(page.community, page, revision.body)
    revision.html, revision.toc_html = rendered.html, rendered.toc_html
    page.touched_at = utcnow()


def refresh_pages_linking_to(community: Community, slugs: set[str]) -> None:
    """A page at these addresses appeared, moved or disappeared: refresh the pages linking there."""
    if not slugs:
        return
    linking = select(WikiLink.page_id).where(
        tuple_(WikiLink.target_community, WikiLink.target_slug).in_([(community.slug, s) for s in slugs]))
    pages = db.session.scalars(select(WikiPage).where(WikiPage.id.in_(linking), WikiPage.is_deleted.is_(False)))
    for page in pages:
        refresh_current_rendering(page)


def backlinks(actor, page: WikiPage) -> list[WikiPage]:
    """Live pages the actor may read that link to this page, by its address or an old one (one query)."""
    old_addresses = select(WikiRedirect.slug).where(WikiRedirect.page_id == page.id)
    query = (select(WikiPage).join(WikiLink, WikiLink.page_id == WikiPage.id)
             .join(Community, Community.id == WikiPage.community_id).options(contains_eager(WikiPage.community))
             .where(WikiLink.target_community == page.community.slug,
                    or_(WikiLink.target_slug == page.slug, WikiLink.target_slug.in_(old_addresses)),
                    WikiPage.is_deleted.is_(False), WikiPage.id != page.id,
                    visible_scope(actor).community_filter())
             .order_by(WikiPage.title))
    return list(db.session.scalars(query).unique())


def wanted_pages(actor, community: Community) -> list[tuple[str, str, int]]:
    """(slug, title, number of linking pages) of red links into this CoP, most wanted first."""
    require(actor, "wiki.read", community)
    return red_links_into(community)


def red_links_into(community: Community) -> list[tuple[str, str, int]]:
    """wanted_pages without the permission check, for services that checked already."""
    rows = db.session.execute(
        select(WikiLink.target_slug, WikiLink.target_title, WikiLink.page_id)
        .join(WikiPage, WikiPage.id == WikiLink.page_id)
        .where(WikiLink.target_community == community.slug, WikiPage.community_id == community.id,
               WikiPage.is_deleted.is_(False)))
    counts: dict[str, list] = {}
    for slug, title, _ in rows:
        counts.setdefault(slug, [title, 0])[1] += 1
    existing = _existing_slugs(community, set(counts))
    wanted = [(slug, title, n) for slug, (title, n) in counts.items() if slug not in existing]
    return sorted(wanted, key=lambda row: (-row[2], row[1].lower()))
