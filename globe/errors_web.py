"""Maps errors to responses once: friendly HTML pages, or problem+json under /api/."""
from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .errors import GlobeError, InvalidInput
from .extensions import db


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


def register(app: Flask) -> None:
    @app.errorhandler(GlobeError)
    def _globe_error(err: GlobeError):
        db.session.rollback()
        if err.status == 401 and not wants_json():
            flash(err.detail, "error")
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
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
        return respond(429, "Too many attempts", f"Too many attempts: limit {err.description}. Wait a minute and try again.")

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
