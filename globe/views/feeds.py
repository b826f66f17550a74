"""Atom 1.0 feeds. They show only what an anonymous visitor may see, whoever asks."""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, url_for

from ..models.base import utcnow
from ..permissions import Anonymous
from ..services import communities, wiki_pages
from ..services import knowledge_base as kb

bp = Blueprint("feeds", __name__)


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


@bp.route("/recent-changes.atom", defaults={"community": None})
@bp.route("/c/<community>/wiki/-/recent.atom")
def wiki_changes(community: str | None):
    anonymous = Anonymous()
    cop = communities.get_readable(anonymous, community) if community else None
    revisions = wiki_pages.recent_changes(anonymous, cop, limit=50)
    title = f"Recent changes in {cop.name}" if cop else "Recent changes on Globe"
    alternate = (url_for("wiki_pages.recent", slug=cop.slug, _external=True) if cop
                 else url_for("knowledge_base.recent_changes", _external=True))
    return atom(title, url_for("feeds.wiki_changes", community=community, _external=True), alternate,
                [revision_entry(revision) for revision in revisions])


@bp.route("/knowledge-base.atom")
def knowledge_base():
    entries = [{"id": url_for("wiki_pages.view", slug=p.community.slug, page_slug=p.slug, _external=True),
                "title": p.title, "updated": p.updated_at, "author": p.community.name,
                "link": url_for("wiki_pages.view", slug=p.community.slug, page_slug=p.slug, _external=True),
                "summary": f"From {p.community.name}"} for p in kb.accepted_pages()[:50]]
    return atom("Globe knowledge base", url_for("feeds.knowledge_base", _external=True),
                url_for("knowledge_base.home", _external=True), entries)
