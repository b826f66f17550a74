"""API: a CoP's wiki pages (read, create/edit with base_revision and 409 on conflict), history, knowledge base."""
from flask import jsonify

from ..errors import InvalidInput
from ..services import communities, knowledge_base, wiki_links, wiki_pages
from ..services.wiki_pages import EditConflict, find_page
from ..urls import wiki_page_path
from .common import actor, bp, iso, json_body, paginate_list


def page_summary(page) -> dict:
    return {"slug": page.slug, "title": page.title, "community": page.community.slug,
            "updated": iso(page.updated_at), "revision": page.revision_count, "tags": page.tags or [],
            "url": wiki_page_path(page.community.slug, page.slug)}


def page_json(page, caller) -> dict:
    revision = page.current_revision
    links = [{"community": link.target_community, "slug": link.target_slug, "title": link.target_title}
             for link in wiki_links.page_links(page)]
    backlinks = [{"community": p.community.slug, "slug": p.slug, "title": p.title}
                 for p in wiki_links.backlinks(caller, page)]
    return {**page_summary(page), "body": revision.body, "html": revision.html, "links": links,
            "backlinks": backlinks, "deleted": page.is_deleted, "in_knowledge_base": page.in_knowledge_base}


@bp.route("/communities/<slug>/wiki")
def list_wiki_pages(slug: str):
    community = communities.get_community(slug)
    return paginate_list(wiki_pages.list_pages(actor(), community), page_summary)


@bp.route("/communities/<slug>/wiki/<page_slug>")
def get_wiki_page(slug: str, page_slug: str):
    community = communities.get_community(slug)
    page = wiki_pages.get_page(actor(), community, page_slug)
    return jsonify(page_json(page, actor()))


@bp.route("/communities/<slug>/wiki/<page_slug>", methods=["PUT"])
def put_wiki_page(slug: str, page_slug: str):
    community = communities.get_community(slug)
    data = json_body()
    base = data.get("base_revision")
    if base is not None and (not isinstance(base, int) or isinstance(base, bool)):
        raise InvalidInput({"base_revision": ["base_revision must be a whole number."]})
    if not isinstance(data.get("body"), str):
        raise InvalidInput({"body": ["body (the page's Markdown) is required."]})
    existed = find_page(community, page_slug) is not None
    title = data.get("title")
    try:
        result = wiki_pages.save_page(
            actor(), community, page_slug=page_slug, body=data["body"], base_revision=base,
            title=str(title) if title is not None else (None if existed else page_slug.replace("-", " ")),
            summary=str(data.get("summary") or ""),
            tags=data.get("tags") if isinstance(data.get("tags"), (list, str)) else None)
    except EditConflict as err:
        body = {"type": "about:blank", "title": "Edit conflict", "status": 409, "detail": err.detail,
                "conflict": {"merged_text_with_markers": err.merged_text, "current_revision": err.current.number}}
        return jsonify(body), 409, {"Content-Type": "application/problem+json"}
    response = {**page_json(result.page, actor()), "merged": result.merged}
    return jsonify(response), 201 if result.created else 200


@bp.route("/communities/<slug>/wiki/<page_slug>/revisions")
def wiki_page_revisions(slug: str, page_slug: str):
    community = communities.get_community(slug)
    page = wiki_pages.get_page(actor(), community, page_slug, action="wiki.read")
    return paginate_list(wiki_pages.history(actor(), page), lambda rev: {
        "revision": rev.number, "kind": rev.kind, "title": rev.title, "summary": rev.summary,
        "author": rev.author.display_name if rev.author else None, "author_id": rev.author_id,
        "created": iso(rev.created_at), "size": rev.size})


@bp.route("/knowledge-base")
def knowledge_base_pages():
    return paginate_list(knowledge_base.accepted_pages(), page_summary)
