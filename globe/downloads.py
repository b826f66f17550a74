"""Sending stored files so a browser never runs them: attachment by default, inline only for safe
types.

Shared by the pages and the API (which must not import HTML views)."""

from flask import request, send_file

from .backends import get_storage
from .converters import whole_number
from .errors import InvalidInput
from .extract.filetypes import is_inline_safe
from .services import resources


def send_stored(key: str, *, filename: str, content_type: str, size: int | None = None):
    inline = is_inline_safe(content_type)
    response = send_file(
        get_storage().open(key),
        mimetype=content_type,
        as_attachment=not inline,
        download_name=filename,
        etag=key,
        conditional=True,
        max_age=3600,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.cache_control.private = True  # members-only files must not sit in shared caches
    if size is not None:
        response.content_length = size
    return response


def send_version(actor, resource_id: int, *, count: bool):
    """The file of ?version=n (default: the latest) of a resource the actor may see."""
    resource = resources.get_resource(actor, resource_id)
    raw = request.args.get("version")
    number = whole_number(raw) if raw is not None else None
    if raw is not None and number is None:
        raise InvalidInput({"version": ["version must be a whole number."]})
    version = resources.get_version(actor, resource, number)
    if count:
        resources.record_download(resource)
    return send_stored(
        version.storage_key,
        filename=version.filename,
        content_type=version.content_type,
        size=version.size,
    )
