"""The API blueprint and what every endpoint shares: the caller, JSON bodies, paging, times.

Endpoint modules import from here, and globe/api/__init__.py imports them: no module imports its own
package."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, url_for

from ..converters import page_number
from ..errors import InvalidInput, PermissionDenied, Unauthorized, UnsupportedType
from ..extensions import csrf
from ..permissions import Anonymous
from ..request_guards import MalformedBody

bp = Blueprint("api", __name__, url_prefix="/api/v1")
READING_METHODS = ("GET", "HEAD", "OPTIONS")  # all a read-only token may send
csrf.exempt(bp)


@bp.before_request
def _authenticate() -> None:
    """The caller is the token's owner; no token means anonymous; a bad token is refused."""
    from ..services.accounts import user_for_token

    header = request.headers.get("Authorization", "")
    g.api_actor = Anonymous()
    if not header:
        return
    scheme, _, token = header.partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized("The token is invalid, expired or revoked.")
    if user.current_token_scope == "read" and request.method not in READING_METHODS:
        raise PermissionDenied("This token is read-only: create a read-write token on your profile to make changes.")
    g.api_actor = user


def actor():
    return g.api_actor


def signed_in_actor():
    """The caller, who must have sent a token (a 401 problem otherwise)."""
    if not g.api_actor.is_authenticated:
        raise Unauthorized("Send a token: Authorization: Bearer <token>.")
    return g.api_actor


def json_body(*, text: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> dict:
    """The request's JSON object: a 415 problem for another content type, a 400 when the body is not
    an object, a 422 for a field of the wrong type.

    Fields named in `text` must be strings, those in `lists` lists of strings or comma-separated
    strings, when given: the services expect text and must never meet a number or an object. (The
    body's syntax, depth and numbers were checked at the door:
    request_guards.refuse_malformed_json.)"""
    if not request.is_json:
        raise UnsupportedType("Send a JSON object with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise MalformedBody("The request body must be a JSON object ({...}).")
    wrong = {
        name: [f"{name} must be text."]
        for name in text
        if name in data and not isinstance(data[name], str)
    }
    wrong |= {
        name: [f"{name} must be a list of text, or comma-separated text."]
        for name in lists
        if name in data and not _is_text_list(data[name])
    }
    if wrong:
        raise InvalidInput(wrong)
    return data


def multipart_form():
    """The request's multipart form (an upload); a 415 problem for any other kind of body."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedType("Send the file as multipart/form-data, in a field named `file`.")
    return request.form


def _is_text_list(value) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def page_args() -> tuple[int, int]:
    """?page and ?per_page: whole numbers from 1 (else a 400), per_page capped."""
    cap = current_app.config["API_MAX_PER_PAGE"]
    page = page_number(request.args.get("page"))
    per_page = page_number(
        request.args.get("per_page"), name="per_page", default=min(20, cap), upper=cap
    )
    return page, per_page


def paginated(items: list, total: int, page: int, per_page: int):
    """The list envelope with a Link header pointing at the next and previous pages."""
    response = jsonify({"items": items, "total": total, "page": page, "per_page": per_page})
    return with_page_links(response, total, page, per_page)


def with_page_links(response, total: int, page: int, per_page: int):
    """`response` with a Link header to the next and previous pages of a list (one nested in an object too)."""
    links = []
    if page * per_page < total:
        links.append(f'<{_page_url(page + 1, per_page)}>; rel="next"')
    if page > 1:
        links.append(f'<{_page_url(page - 1, per_page)}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def _page_url(page: int, per_page: int) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    return url_for(
        request.endpoint, **request.view_args, **args, page=page, per_page=per_page, _external=True
    )


def paginate_list(rows: list, serialize):
    """Page an in-memory list (small collections such as the CoP directory)."""
    page, per_page = page_args()
    start = (page - 1) * per_page
    return paginated(
        [serialize(row) for row in rows[start : start + per_page]], len(rows), page, per_page
    )


def iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
