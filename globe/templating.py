"""What every template can use, cache-busting asset URLs, and security headers on every response."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request, url_for
from flask_login import current_user

from .permissions import can
from .services.notifications import unread_count

ONE_YEAR = 365 * 24 * 3600
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "
                           "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
                           "form-action 'self'")


def register(app: Flask) -> None:
    fingerprints: dict[str, str] = {}

    def asset_url(filename: str) -> str:
        """A static URL carrying a content hash, so assets can be cached for a year."""
        if filename not in fingerprints:
            data = (Path(app.static_folder) / filename).read_bytes()
            fingerprints[filename] = hashlib.sha256(data).hexdigest()[:12]
        return url_for("static", filename=filename, v=fingerprints[filename])

    def page_url(number: int) -> str:
        """The current page's URL with every query argument kept but ?page changed."""
        arguments = request.args.to_dict(flat=False)
        arguments["page"] = [str(number)]
        return url_for(request.endpoint, **(request.view_args or {}), **arguments)

    @app.context_processor
    def _globals() -> dict:
        return {"asset_url": asset_url, "page_url": page_url, "site_name": app.config["SITE_NAME"],
                "unread_notices": lambda: unread_count(current_user),
                "can": lambda action, target=None: can(current_user, action, target)}

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.endpoint == "static" and request.args.get("v"):
            response.cache_control.no_cache = None  # send_file's default would make browsers ask again each time
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
