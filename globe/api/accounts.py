"""API: issuing tokens and describing the caller."""
from flask import current_app, jsonify, request

from ..errors import InvalidInput, Unauthorized
from ..extensions import limiter
from ..services import accounts, communities
from .common import actor, bp, iso, json_body


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    data = request.get_json(silent=True)
    email = data.get("email", "") if isinstance(data, dict) else ""
    return "token:" + accounts.normalize_email(str(email))


def _failed(response) -> bool:
    return response.status_code != 201


@bp.route("/tokens", methods=["POST"])
@limiter.limit(_limit, deduct_when=_failed)
@limiter.limit(_limit, key_func=_email_key, deduct_when=_failed)
def issue_token():
    data = json_body()
    user = accounts.authenticate(str(data.get("email", "")), str(data.get("password", "")))
    if user is None:
        raise Unauthorized("Email or password is incorrect.")
    days = data.get("expires_in_days", current_app.config["TOKEN_DEFAULT_DAYS"])
    if days is not None and (not isinstance(days, int) or isinstance(days, bool)):
        raise InvalidInput({"expires_in_days": ["expires_in_days must be a whole number of days, or null."]})
    token, plain = accounts.create_token(user, name=str(data.get("name") or "API token"), expires_in_days=days)
    return jsonify({"token": plain, "expires": iso(token.expires_at), "id": token.id}), 201


@bp.route("/me")
def me():
    caller = actor()
    if not caller.is_authenticated:
        raise Unauthorized("Send a token: Authorization: Bearer <token>.")
    memberships = [{"slug": m.community.slug, "name": m.community.name, "role": m.role, "status": m.status}
                   for m in communities.communities_of(caller)]
    return jsonify({"id": caller.id, "email": caller.email, "display_name": caller.display_name,
                    "roles": caller.site_roles, "communities": memberships})
