"""What crawlers and browsers look for at the site's root: /sitemap.xml, /robots.txt, /opensearch.xml."""
from __future__ import annotations

from math import ceil

from flask import Blueprint, abort, make_response, render_template, request

from ..services import sitemap

bp = Blueprint("discovery", __name__)


def _send(template: str, mimetype: str, **context):
    response = make_response(render_template(template, root=request.url_root.rstrip("/"), **context))
    response.mimetype = mimetype
    return response


@bp.route("/sitemap.xml")
def sitemap_xml():
    """Every public page in one file, or a sitemap index of numbered files past the protocol's limit."""
    total = sitemap.count_urls()
    if total <= sitemap.MAX_URLS:
        return _send("discovery/sitemap.xml", "application/xml", entries=sitemap.entries())
    return _send("discovery/sitemap_index.xml", "application/xml", parts=range(ceil(total / sitemap.MAX_URLS)))


@bp.route("/sitemap-<int(min=0):number>.xml")
def sitemap_part(number: int):
    found = sitemap.entries(number * sitemap.MAX_URLS, sitemap.MAX_URLS)
    if not found:
        abort(404)
    return _send("discovery/sitemap.xml", "application/xml", entries=found)


@bp.route("/robots.txt")
def robots_txt():
    return _send("discovery/robots.txt", "text/plain")


@bp.route("/opensearch.xml")
def opensearch_xml():
    return _send("discovery/opensearch.xml", "application/opensearchdescription+xml")
