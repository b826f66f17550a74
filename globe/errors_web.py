"""Maps errors to responses once: friendly HTML pages, or problem+json under /api/.

A refused form POST becomes a message on the page the person was on; a members-only community's
page explains how to join instead of a bare 403."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .errors import GlobeError, InvalidInput, PermissionDenied
from .extensions import db
from .forms.communities import JoinForm
from .permissions import can
from .services import communities
from .urls import same_site_path

REFUSALS_SHOWN_IN_CONTEXT = (400, 403, 409, 413, 415, 422)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, errors: dict | None = None):
    """An RFC 9457 problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def error_page(status: int, title: str, detail: str):
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def respond(status: int, title: str, detail: str, errors: dict | None = None):
    if wants_json():
        return problem(status, title, detail, errors)
    return error_page(status, title, detail)


def error_message(err: GlobeError) -> str:
    """What went wrong in one sentence or a few: every field's messages, or the detail."""
    fields = err.fields if isinstance(err, InvalidInput) else None
    return " ".join(message for messages in fields.values() for message in messages) if fields else err.detail


def page_posted_from() -> str | None:
    """The page on this site whose form was posted (from the Referer), if it is not the POST's own address."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    path = same_site_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    return path if path and referrer.path != request.script_root + request.path else None


def back_with_message(err: GlobeError):
    """A refused form POST: the reason shown on the page the person came from (nothing was changed)."""
    back = page_posted_from() if request.method == "POST" and not wants_json() else None
    if back is None or err.status not in REFUSALS_SHOWN_IN_CONTEXT:
        return None
    flash(error_message(err), "error")
    return redirect(back, 303)


def members_only_page(err: GlobeError):
    """A signed-in outsider opening a members-only community's page: what it is and how to join, as a 403."""
    slug = (request.view_args or {}).get("slug")
    if not isinstance(err, PermissionDenied) or wants_json() or not slug or not request.path.startswith("/c/"):
        return None
    community = communities.get_community(slug)
    if can(current_user, "communities.view_content", community):
        return None
    return render_template("errors/members_only.html", community=community, join_form=JoinForm(),
                           membership=communities.membership(community, current_user.id)), 403


def register(app: Flask) -> None:
    @app.errorhandler(GlobeError)
    def _globe_error(err: GlobeError):
        db.session.rollback()
        if err.status == 401 and not wants_json():
            flash(err.detail, "error")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        in_context = back_with_message(err) or members_only_page(err)
        if in_context is not None:
            return in_context
        errors = err.fields if isinstance(err, InvalidInput) else None
        response = respond(err.status, err.title, err.detail, errors)
        if err.status == 401 and wants_json():
            response.headers["WWW-Authenticate"] = 'Bearer realm="globe"'
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(err: CSRFError):
        return respond(400, "Form expired or forged",
                       "The form could not be checked (missing or invalid security token). "
                       "Go back, reload the page and try again; nothing was changed.")

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(err: RateLimitExceeded):
        return respond(429, "Too many attempts",
                       f"Too many attempts: limit {err.description}. Wait a minute and try again.")

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        detail = err.description or err.name
        if err.code == 413:
            limit = app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
            detail = f"The upload is larger than the {limit} MB limit. Nothing was stored."
        return respond(err.code or 500, err.name, detail)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return respond(500, "Something went wrong",
                       "An unexpected error happened on our side. It has been logged; please try again.")
