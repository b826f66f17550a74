"""The OAI-PMH endpoint: harvesters GET or POST (form-encoded) to /oai; the protocol lives in services/oai."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, request, url_for

from ..extensions import csrf
from ..services.oai.protocol import Repository, respond

bp = Blueprint("oai", __name__)


@bp.route("/oai", methods=["GET", "POST"])
@csrf.exempt  # a read-only protocol for scripts: no session, nothing changes
def endpoint():
    arguments = request.form if request.method == "POST" else request.args
    repository = Repository(base_url=url_for("oai.endpoint", _external=True),
                            site_url=request.url_root.rstrip("/"), repository_id=urlsplit(request.host_url).hostname)
    body = respond(repository, {name: arguments.getlist(name) for name in arguments})
    return Response(body, content_type="text/xml; charset=utf-8")
