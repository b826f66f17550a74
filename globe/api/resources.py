"""API: resources of a CoP (list with filters, upload or link), one resource, versions and downloads."""
import re

from flask import jsonify, request, url_for

from ..downloads import send_version
from ..services import communities, idempotency, resources
from ..services.resources import DuplicateResource
from .common import actor, bp, iso, json_body, multipart_form, page_args, paginated

LIST_FILTERS = ("level", "skill", "age_group", "type", "tag", "license", "language", "community")
TEXT_FIELDS = ("title", "description", "alt_text", "resource_type", "language", "license")
LIST_FIELDS = ("tags", "levels", "skills", "age_groups")
METADATA_FIELDS = TEXT_FIELDS + LIST_FIELDS
SF_STRING = re.compile(r'"((?:[ !#-\[\]-~]|\\["\\])*)"')  # RFC 8941 sf-string


def resource_json(resource) -> dict:
    return {
        "id": resource.id, "community": resource.community.slug, "title": resource.title,
        "description": resource.description, "alt_text": resource.alt_text, "tags": resource.values("tag"),
        "levels": resource.values("level"), "skills": resource.values("skill"),
        "age_groups": resource.values("age_group"), "resource_type": resource.resource_type,
        "language": resource.language, "license": resource.license, "url": resource.url,
        "owner": {"id": resource.owner_id, "name": resource.owner.display_name} if resource.owner else None,
        "created": iso(resource.created_at), "updated": iso(resource.updated_at), "downloads": resource.download_count,
        "versions": [{"version": v.number, "filename": v.filename, "size": v.size, "content_type": v.content_type,
                      "sha256": v.sha256, "created": iso(v.created_at),
                      "extraction": {"status": "pending" if v.extraction_status == "running" else v.extraction_status,
                                     "error": v.extraction_error}} for v in resource.versions],
        "download_url": (url_for("api.download_resource", resource_id=resource.id, _external=True)
                         if resource.versions else None),
        "html_url": url_for("resources.view", resource_id=resource.id, _external=True),
    }


def _list(community=None):
    page, per_page = page_args()
    filters = {name: request.args.getlist(name) for name in LIST_FILTERS if request.args.getlist(name)}
    results = resources.list_resources(actor(), community=community, filters=filters,
                                       sort=request.args.get("sort", "newest"), page=page, per_page=per_page)
    return paginated([resource_json(item) for item in results.items], results.total, page, per_page)


@bp.route("/communities/<slug>/resources")
def list_community_resources(slug: str):
    return _list(communities.get_community(slug))


@bp.route("/resources")
def list_all_resources():
    return _list()


def _metadata(source) -> dict:
    """Metadata from a JSON object or a multipart form (lists as repeated fields or comma-separated)."""
    data = {}
    for name in METADATA_FIELDS:
        if name in source:
            value = source.get(name)
            if hasattr(source, "getlist") and name in ("levels", "skills", "age_groups"):
                value = ",".join(source.getlist(name))
            data[name] = value
    return data


@bp.route("/communities/<slug>/resources", methods=["POST"])
def create_resource(slug: str):
    """A retry with the same Idempotency-Key answers as the first request did (201, the resource as it is
    now), marked `Idempotent-Replayed: true`, and stores nothing."""
    community = communities.get_community(slug)
    key = _idempotency_key()
    try:
        if request.mimetype == "application/json":
            data = json_body(text=("url", *TEXT_FIELDS), lists=LIST_FIELDS)
            resource, replayed = resources.add_resource_once(actor(), community, key, url=str(data.get("url") or ""),
                                                             **_metadata(data))
        else:
            form = multipart_form()
            resource, replayed = resources.add_resource_once(actor(), community, key, upload=request.files.get("file"),
                                                             **_metadata(form))
    except DuplicateResource as err:
        return _duplicate(err)
    headers = {"Location": url_for("api.get_resource", resource_id=resource.id)}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return jsonify(resource_json(resource)), 201, headers


def _idempotency_key() -> str | None:
    """The Idempotency-Key header's value: a Structured Field string as the draft defines it ("quoted"),
    or the bare text most clients send. Several headers arrive joined by commas, so a quoted value
    must be exactly one string."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if key.startswith('"'):
        quoted = SF_STRING.fullmatch(key)
        if quoted is None:
            raise idempotency.InvalidKey('Send one Idempotency-Key, bare or as one quoted string such as '
                                         '"8e03978e-40d5-43e8-bc93-6894a57f9324".')
        key = re.sub(r"\\(.)", r"\1", quoted.group(1))
    return idempotency.check_key(key)


def _duplicate(err: DuplicateResource):
    body = {"type": "about:blank", "title": "Duplicate", "status": 409, "detail": err.detail,
            "existing": {"id": err.existing.id, "url": url_for("api.get_resource", resource_id=err.existing.id)}}
    return jsonify(body), 409, {"Content-Type": "application/problem+json"}


@bp.route("/resources/<int:resource_id>")
def get_resource(resource_id: int):
    return jsonify(resource_json(resources.get_resource(actor(), resource_id)))


@bp.route("/resources/<int:resource_id>", methods=["PATCH"])
def update_resource(resource_id: int):
    resource = resources.get_resource(actor(), resource_id)
    data = json_body(text=("url", *TEXT_FIELDS), lists=LIST_FIELDS)
    fields = _metadata(data)
    if "url" in data:
        fields["url"] = str(data["url"])
    resources.update_resource(actor(), resource, **fields)
    return jsonify(resource_json(resource))


@bp.route("/resources/<int:resource_id>", methods=["DELETE"])
def delete_resource(resource_id: int):
    resources.delete_resource(actor(), resources.get_resource(actor(), resource_id))
    return "", 204


@bp.route("/resources/<int:resource_id>/versions", methods=["POST"])
def add_resource_version(resource_id: int):
    resource = resources.get_resource(actor(), resource_id)
    multipart_form()
    try:
        resources.add_version(actor(), resource, request.files.get("file"))
    except DuplicateResource as err:
        return _duplicate(err)
    return jsonify(resource_json(resource)), 201


@bp.route("/resources/<int:resource_id>/download")
def download_resource(resource_id: int):
    return send_version(actor(), resource_id, count=True)
