"""API: issuing tokens, describing the caller, changing their password and resetting a forgotten one."""
from flask import current_app, jsonify, request
from flask_limiter.util import get_remote_address

from ..errors import InvalidInput, PermissionDenied, TooManyAttempts, Unauthorized
from ..extensions import limiter
from ..services import (
    account_deletion,
    accounts,
    communities,
    email_verification,
    login_throttle,
    password_resets,
    two_factor,
)
from .common import actor, bp, iso, json_body


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_email_key() -> str:
    data = request.get_json(silent=True)
    email = data.get("email", "") if isinstance(data, dict) else ""
    return "reset:" + accounts.normalize_email(str(email))


def _account_key() -> str:
    """Guesses at the current password count per account (per address without a token)."""
    return f"password:{actor().id or get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code != 201


def _not_changed(response) -> bool:
    return response.status_code != 204


def _not_accepted(response) -> bool:
    return response.status_code != 202


def _signed_in_caller():
    caller = actor()
    if not caller.is_authenticated:
        raise Unauthorized("Send a token: Authorization: Bearer <token>.")
    return caller


@bp.route("/tokens", methods=["POST"])
@limiter.limit(_limit, deduct_when=_failed)
def issue_token():
    """Wrong passwords slow down this account's token requests as they slow its new browsers (the owner's
    trusted browser can still make a token on the profile page)."""
    data = json_body(text=("scope", "code"), lists=("communities",))
    attempt = login_throttle.attempt_login(str(data.get("email", "")), str(data.get("password", "")),
                                           address=request.remote_addr or "", device_cookie=None)
    if attempt.wait_seconds:
        raise TooManyAttempts(f"Too many wrong passwords for this account: wait {attempt.wait_seconds} seconds, "
                              "or make a token on your profile page in a browser you signed in with before.")
    user = attempt.user
    if user is None:
        raise Unauthorized("Email or password is incorrect.")
    if refusal := accounts.sign_in_refusal(user):
        raise PermissionDenied(refusal)
    if two_factor.is_enabled(user):
        _check_second_factor(user, data.get("code", ""))
    days = data.get("expires_in_days", current_app.config["TOKEN_DEFAULT_DAYS"])
    if days is not None and (not isinstance(days, int) or isinstance(days, bool)):
        raise InvalidInput({"expires_in_days": ["expires_in_days must be a whole number of days, or null."]})
    token, plain = accounts.create_token(user, name=str(data.get("name") or "API token"), expires_in_days=days,
                                         scope=data.get("scope", "write"),
                                         communities=_text_list(data.get("communities")))
    return jsonify({"token": plain, "expires": iso(token.expires_at), "id": token.id, "scope": token.scope,
                    "communities": _slugs_of(token)}), 201


def _text_list(value) -> list[str]:
    """A list of text from a JSON list or comma-separated text (json_body checked the type)."""
    return value.split(",") if isinstance(value, str) else list(value or [])


def _slugs_of(token) -> list[str]:
    return sorted(communities.slugs_of(token.communities))


def _check_second_factor(user, code: str) -> None:
    """A token is as good as a signed-in browser: an account with two-factor sign-in gets one with its code only."""
    try:
        two_factor.verify_sign_in(user, code)
    except InvalidInput:
        raise Unauthorized("This account uses two-factor sign-in: send the code its app shows now (or a recovery "
                           "code) as \"code\".") from None


@bp.route("/me")
def me():
    caller = _signed_in_caller()
    memberships = [{"slug": m.community.slug, "name": m.community.name, "role": m.role, "status": m.status}
                   for m in communities.communities_of(caller)]
    return jsonify({"id": caller.id, "email": caller.email, "email_verified": caller.email_verified,
                    "display_name": caller.display_name, "roles": caller.site_roles, "communities": memberships})


@bp.route("/users/<int:user_id>", methods=["PUT"])
def set_account_status(user_id: int):
    """An admin suspends (`{"suspended": true, "reason": ...}`) or reactivates an account."""
    caller = _signed_in_caller()
    data = json_body(text=("reason",))
    if not isinstance(data.get("suspended"), bool):
        raise InvalidInput({"suspended": ["suspended must be true or false."]})
    user = accounts.set_suspended(caller, accounts.get_user(user_id), suspended=data["suspended"],
                                  reason=data.get("reason", ""))
    return jsonify({"id": user.id, "display_name": user.display_name, "suspended": user.is_suspended,
                    "suspension_reason": user.suspension_reason})


@bp.route("/me/password", methods=["PUT"])
@limiter.limit(_limit, key_func=_account_key, deduct_when=_not_changed)
def change_password():
    """A new password, proven by the current one; the caller's browsers are signed out, tokens keep working."""
    caller = _signed_in_caller()
    data = json_body(text=("current_password", "new_password"))
    accounts.change_password(caller, current_password=data.get("current_password", ""),
                             new_password=data.get("new_password", ""))
    return "", 204


@bp.route("/me", methods=["DELETE"])
@limiter.limit(_limit, key_func=_account_key, deduct_when=_not_changed)
def delete_me():
    """Delete the caller's account, proven by the password (204); 422 wrong password, 409 hand over first."""
    caller = _signed_in_caller()
    data = json_body(text=("password",))
    account_deletion.delete_account(caller, password=data.get("password", ""))
    return "", 204


@bp.route("/me/email", methods=["PUT"])
@limiter.limit(_limit, key_func=_account_key, deduct_when=_not_accepted)
def change_email():
    """Mail a link to a new address (202); it replaces the current one only when the link is followed."""
    caller = _signed_in_caller()
    data = json_body(text=("email", "current_password"))
    address = email_verification.request_email_change(caller, email=data.get("email", ""),
                                                      current_password=data.get("current_password", ""))
    return jsonify({"detail": f"If {address} can be used, a link to confirm it was emailed to it; your address "
                              f"stays {caller.email} until it is followed."}), 202


@bp.route("/me/email-verification", methods=["POST"])
def resend_verification():
    """Mail the caller a new link confirming their address (202); 422 once confirmed or after 3 links an hour."""
    address = email_verification.resend_link(_signed_in_caller())
    return jsonify({"detail": f"A new link to confirm your address was emailed to {address}."}), 202


@bp.route("/password-resets", methods=["POST"])
@limiter.limit(_limit)
@limiter.limit(_limit, key_func=_reset_email_key)
def request_password_reset():
    """Email a reset link if the address has an account; the answer is 202 either way (no enumeration)."""
    data = json_body(text=("email",))
    password_resets.request_reset(actor(), email=data.get("email", ""))
    return jsonify({"detail": "If this address belongs to an account, a link to choose a new password was "
                              "emailed to it."}), 202


@bp.route("/password-resets/<token>", methods=["POST"])
def reset_password(token: str):
    """Set a new password with the token of an emailed link (204); 400 unknown, 410 used or expired."""
    data = json_body(text=("password",))
    password_resets.reset_password(token, new_password=data.get("password", ""))
    return "", 204
