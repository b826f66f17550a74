"""The search page: one box across every community, with facets, highlights and paging."""
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from ..converters import page_or_first
from ..crosswalks import facet_value_label
from ..search import FACETS
from ..services import communities, search

bp = Blueprint("search", __name__)
FACET_LABELS = {"kind": "Kind", "community": "Community", "level": "CEFR level", "skill": "Skill", "type": "Type",
                "license": "Licence", "file_type": "File type", "language": "Language", "tag": "Tag",
                "age_group": "Age group"}
KIND_LABELS = {"resource": "Resource", "wiki": "Wiki page", "knowledge_base": "Knowledge base", "project": "Project",
               "discussion": "Discussion"}
HIT_FIELDS = ("level", "type", "file_type", "language")     # shown on each result, after its kind


def search_arguments() -> dict:
    """Query text, facet filters, sort and page from the URL (the same names as the API)."""
    return {"text": request.args.get("q", "")[:10_000],
            "filters": {name: tuple(request.args.getlist(name)) for name in FACETS if request.args.getlist(name)},
            "sort": "newest" if request.args.get("sort") == "newest" else "relevance",
            "page": page_or_first(request.args.get("page"))}


@bp.route("/search")
def results():
    arguments = search_arguments()
    found = search.search(current_user, **arguments, per_page=20)
    names = communities.names_of(found.facets.get("community", {}).keys())
    return render_template("search/results.html", found=found, args=arguments, labels=FACET_LABELS,
                           hit_fields=HIT_FIELDS, toggle_url=toggle_url,
                           value_label=lambda facet, value: value_label(facet, value, names))


def value_label(facet: str, value: str, community_names: dict[str, str]) -> str:
    """How a facet value reads on the page: a CoP's name, "Wiki page", "B1", "CC BY-SA", "Arabic"."""
    if facet == "community":
        return community_names.get(value, value)
    if facet == "kind":
        return KIND_LABELS.get(value, value)
    if facet == "file_type":
        return "Link" if value == "link" else value.upper()
    return facet_value_label(facet, value)


def toggle_url(facet: str, value: str) -> str:
    """This search with one facet value added, or removed when already chosen (page back to 1)."""
    arguments = request.args.to_dict(flat=False)
    chosen = arguments.get(facet, [])
    arguments[facet] = [v for v in chosen if v != value] if value in chosen else chosen + [value]
    arguments.pop("page", None)
    return url_for("search.results", **arguments)
