"""The JSON API under /api/v1: Bearer-token auth, problem+json errors, paginated lists.

It never reads the session cookie, so it needs no CSRF token; it calls the same services as the pages."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, url_for

from ..errors import InvalidInput, Unauthorized
from ..extensions import csrf
from ..permissions import Anonymous

bp = Blueprint("api", __name__, url_prefix="/api/v1")
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
    g.api_actor = user


def actor():
    return g.api_actor


def json_body(*, text: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> dict:
    """The request's JSON object, or a 422 problem.

    Fields named in `text` must be strings, those in `lists` lists of strings or comma-separated strings,
    when given: the services expect text and must never meet a number or an object."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput({"_": ["Send a JSON object with Content-Type: application/json."]},
                           detail="The request body is not a JSON object.")
    wrong = {name: [f"{name} must be text."] for name in text if name in data and not isinstance(data[name], str)}
    wrong |= {name: [f"{name} must be a list of text, or comma-separated text."] for name in lists
              if name in data and not _is_text_list(data[name])}
    if wrong:
        raise InvalidInput(wrong)
    return data


def _is_text_list(value) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))


def page_args() -> tuple[int, int]:
    """?page and ?per_page, validated; per_page is capped."""
    cap = current_app.config["API_MAX_PER_PAGE"]
    errors: dict[str, list[str]] = {}
    values = {}
    for name, default, upper in (("page", 1, 10**9), ("per_page", 20, cap)):
        raw = request.args.get(name, str(default))
        if not raw.isdigit() or int(raw) < 1:
            errors[name] = [f"{name} must be a positive whole number."]
        else:
            values[name] = min(int(raw), upper)
    if errors:
        raise InvalidInput(errors)
    return values["page"], values["per_page"]


def paginated(items: list, total: int, page: int, per_page: int):
    """The list envelope with a Link header pointing at the next and previous pages."""
    response = jsonify({"items": items, "total": total, "page": page, "per_page": per_page})
    links = []
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    if page * per_page < total:
        links.append(f'<{url_for(request.endpoint, **request.view_args, **args, page=page + 1, per_page=per_page, _external=True)}>; rel="next"')
    if page > 1:
        links.append(f'<{url_for(request.endpoint, **request.view_args, **args, page=page - 1, per_page=per_page, _external=True)}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def paginate_list(rows: list, serialize):
    """Page an in-memory list (small collections such as the CoP directory)."""
    page, per_page = page_args()
    start = (page - 1) * per_page
    return paginated([serialize(row) for row in rows[start:start + per_page]], len(rows), page, per_page)


def iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


from . import accounts, communities, incubator, openapi, resources, search, wiki_pages  # noqa: E402,F401  (registers the routes)
