"""Sending stored files so a browser never runs them: attachment by default, inline only for safe types."""
from flask import send_file

from ..backends import get_storage
from ..extract.filetypes import is_inline_safe


def send_stored(key: str, *, filename: str, content_type: str, size: int | None = None):
    inline = is_inline_safe(content_type)
    response = send_file(get_storage().open(key), mimetype=content_type, as_attachment=not inline,
                         download_name=filename, etag=key, conditional=True, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.cache_control.private = True  # members-only files must not sit in shared caches
    if size is not None:
        response.content_length = size
    return response
