"""API: one search across every community, filtered by what the caller may see."""
from flask import jsonify, request
from markupsafe import escape

from ..errors import InvalidInput
from ..search import FACETS
from ..search.query_syntax import parse
from ..services import search
from .common import actor, bp, iso, page_args


class SearchTooLong(InvalidInput):
    """A query past the search limits: the page cuts it and says so, the API refuses it."""

    status = 400
    title = "Search too long"


@bp.route("/search")
def search_everything():
    page, per_page = page_args()
    sort = request.args.get("sort", "relevance")
    if sort not in ("relevance", "newest"):
        raise InvalidInput({"sort": ["sort must be relevance or newest."]})
    text = request.args.get("q", "")
    exceeded = parse(text).exceeded
    if exceeded:
        raise SearchTooLong({"q": list(exceeded)})
    filters = {name: tuple(request.args.getlist(name)) for name in FACETS if request.args.getlist(name)}
    found = search.search(actor(), text=text, filters=filters, sort=sort, page=page, per_page=per_page)
    return jsonify({
        "total": found.total, "total_exact": found.total_is_exact, "page": found.page, "per_page": found.per_page,
        "results": [{"kind": hit.kind, "id": hit.object_id, "title": hit.title, "community": hit.community_slug,
                     "url": request.host_url.rstrip("/") + hit.url,
                     "snippet": hit.snippet_html or str(escape(hit.summary)),  # HTML either way
                     "updated": iso(hit.updated)} for hit in found.hits],
        "facets": found.facets, "facets_exact": found.facets_are_exact, "suggestion": found.suggestion,
        "notices": found.notices})
