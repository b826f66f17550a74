"""Atom 1.0 feeds. They show only what an anonymous visitor may see, whoever asks."""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, request, url_for

from ..models.base import utcnow
from ..permissions import Anonymous
from ..services import communities, discussion_feed, incubator, resources, wiki_pages
from ..services import knowledge_base as kb
from ..services.names import FORMER_MEMBER
from ..urls import board_path, thread_path

bp = Blueprint("feeds", __name__)
FEED_LENGTH = 50


def atom(title: str, self_url: str, alternate_url: str, entries: list[dict]):
    updated = max((entry["updated"] for entry in entries), default=utcnow())
    body = render_template("feeds/atom.xml", title=title, self_url=self_url, alternate_url=alternate_url,
                           updated=updated, entries=entries)
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return response


def revision_entry(revision) -> dict:
    page = revision.page
    link = url_for("wiki_pages.diff", slug=page.community.slug, page_slug=page.slug, _external=True,
                   **{"from": max(revision.number - 1, 1), "to": revision.number})
    return {"id": f"{url_for('wiki_pages.view', slug=page.community.slug, page_slug=page.slug, _external=True)}"
                  f"#revision-{revision.number}",
            "title": f"{revision.title} ({page.community.name})", "link": link, "updated": revision.created_at,
            "author": revision.author.display_name if revision.author else "Globe",
            "summary": revision.summary or ("New page" if revision.number == 1 else "Edited")}


def resource_entry(resource) -> dict:
    link = url_for("resources.view", resource_id=resource.id, _external=True)
    return {"id": link, "title": resource.title, "link": link, "updated": resource.updated_at,
            "published": resource.created_at,
            "author": resource.owner.display_name if resource.owner else "A former member",
            "summary": resource.description[:1000] or f"Shared in {resource.community.name}.",
            "categories": resource.values("level") + resource.values("skill") + resource.values("tag")}


def project_entry(proposal) -> dict:
    link = url_for("incubator.view", proposal_id=proposal.id, _external=True)
    return {"id": link, "title": proposal.title, "link": link, "updated": proposal.updated_at,
            "published": proposal.created_at,
            "author": proposal.owner.display_name if proposal.owner else "Globe incubator",
            "summary": proposal.summary, "categories": list(proposal.needs or [])}


def discussion_entry(found: discussion_feed.FeedThread) -> dict:
    thread = found.thread
    link = request.url_root.rstrip("/") + thread_path(thread.id)
    return {"id": link, "title": thread.title, "link": link, "updated": thread.last_posted_at,
            "published": thread.created_at,
            "author": thread.author.display_name if thread.author else FORMER_MEMBER,
            "summary": found.opening_text, "categories": [thread.kind, *(thread.tags or [])]}


@bp.route("/recent-changes.atom", defaults={"community": None})
@bp.route("/c/<community>/wiki/-/recent.atom")
def wiki_changes(community: str | None):
    anonymous = Anonymous()
    cop = communities.get_readable(anonymous, community) if community else None
    revisions = wiki_pages.recent_changes(anonymous, cop, limit=FEED_LENGTH)
    title = f"Recent changes in {cop.name}" if cop else "Recent changes on Globe"
    alternate = (url_for("wiki_pages.recent", slug=cop.slug, _external=True) if cop
                 else url_for("knowledge_base.recent_changes", _external=True))
    return atom(title, url_for("feeds.wiki_changes", community=community, _external=True), alternate,
                [revision_entry(revision) for revision in revisions])


@bp.route("/resources.atom", defaults={"community": None})
@bp.route("/c/<community>/resources.atom")
def new_resources(community: str | None):
    anonymous = Anonymous()
    cop = communities.get_readable(anonymous, community) if community else None
    found = resources.list_resources(anonymous, community=cop, sort="newest", per_page=FEED_LENGTH)
    title = f"New resources in {cop.name}" if cop else "New resources on Globe"
    alternate = (url_for("resources.community_list", slug=cop.slug, _external=True) if cop
                 else url_for("resources.globe_list", _external=True))
    return atom(title, url_for("feeds.new_resources", community=community, _external=True), alternate,
                [resource_entry(resource) for resource in found.items])


@bp.route("/knowledge-base.atom")
def knowledge_base():
    entries = [{"id": url_for("wiki_pages.view", slug=p.community.slug, page_slug=p.slug, _external=True),
                "title": p.title, "updated": p.updated_at, "author": p.community.name,
                "link": url_for("wiki_pages.view", slug=p.community.slug, page_slug=p.slug, _external=True),
                "summary": f"From {p.community.name}", "categories": list(p.tags or [])}
               for p in kb.accepted_pages()[:FEED_LENGTH]]
    return atom("Globe knowledge base", url_for("feeds.knowledge_base", _external=True),
                url_for("knowledge_base.home", _external=True), entries)


@bp.route("/incubator/launched.atom")
def launched_projects():
    projects = incubator.visible_proposals(Anonymous(), status="launched")[:FEED_LENGTH]
    return atom("Projects launched in the Globe incubator", url_for("feeds.launched_projects", _external=True),
                url_for("incubator.index", _external=True), [project_entry(proposal) for proposal in projects])


@bp.route("/c/<community>/discussions.atom")
def discussions(community: str):
    """A public community's latest discussions; a members-only community has none (404, whoever asks)."""
    cop = discussion_feed.public_community(community)
    threads = discussion_feed.latest_threads(cop, limit=FEED_LENGTH)
    return atom(f"Discussions in {cop.name}", url_for("feeds.discussions", community=cop.slug, _external=True),
                request.url_root.rstrip("/") + board_path(cop.slug), [discussion_entry(found) for found in threads])
