"""What every template can use, cache-busting asset URLs, and security headers on every response."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, request, url_for
from flask_login import current_user
from markupsafe import Markup

import wiki

from .crosswalks import facet_value_label, label, language_name
from .models.base import utcnow
from .permissions import can
from .services.notifications import unread_count

ONE_YEAR = 365 * 24 * 3600
HEADING_TAG_RE = re.compile(r"<(/?)h([1-6])\b")
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "
                           "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
                           "form-action 'self'")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def duration(span: timedelta) -> str:
    """A span as people say it: "less than a minute", "5 minutes", "3 hours", "1 day", "2 months"."""
    seconds = max(int(span.total_seconds()), 0)
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600),
                       ("minute", 60)):
        if seconds >= size:
            return _plural(seconds // size, unit)
    return "less than a minute"


def age(moment: datetime | None) -> str:
    """How long ago something happened, as a duration ("3 days"); the template adds "ago" if it reads better."""
    return duration(utcnow() - moment) if moment is not None else ""


def days_left(since: datetime, days: int) -> str:
    """What remains of a period of so many days that began at `since` ("12 days")."""
    return duration(since + timedelta(days=days) - utcnow())


def markdown(text: str | None, below: int = 1) -> Markup:
    """Markdown typed by a person (a CoP's description, a Markdown file's preview) as sanitized HTML,
    through the wiki's renderer and sanitizer; its headings come under the page's level-`below` heading."""
    html = wiki.render_markdown(text or "")
    return Markup(HEADING_TAG_RE.sub(lambda tag: f"<{tag[1]}h{min(int(tag[2]) + below, 6)}", html))


FILTERS = {"age": age, "markdown": markdown, "days_left": days_left, "label": label, "language_name": language_name,
           "facet_value_label": facet_value_label}


def register(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
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
