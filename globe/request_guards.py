"""Guards every request and response passes, pages and API alike: bad bodies and NUL characters are
refused at the door, and what a signed-in person sees is never kept by a shared cache."""

from __future__ import annotations

import json
import math

from flask import Flask, current_app, g, request, session
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user

from .errors import GlobeError, InvalidInput, NotFound

MAX_JSON_DEPTH = 64
INT32 = range(-(2**31), 2**31)  # what an INTEGER column holds on PostgreSQL


class MalformedBody(GlobeError):
    """A body that cannot be read as what the endpoint takes (400)."""

    title = "Malformed request"


class StrictJSONProvider(DefaultJSONProvider):
    """Reads request bodies as strict JSON: no NaN or Infinity, integers within 32 bits (what a
    database column holds), at most MAX_JSON_DEPTH levels deep. Anything else is a ValueError, which
    Flask turns into a 400 (or None with `silent=True`), never a 500 deep inside a query or the
    parser."""

    def loads(self, s, **kwargs):
        kwargs.update(parse_constant=_refuse_constant, parse_int=_int32, parse_float=_finite_float)
        try:
            value = json.loads(s, **kwargs)
        except RecursionError as err:
            raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep") from err
        if _depth(value) > MAX_JSON_DEPTH:
            raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep")
        return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _int32(text: str) -> int:
    value = int(text)  # a ValueError itself beyond Python's 4300-digit limit
    if value not in INT32:
        raise ValueError(f"the number {text[:30]} is too large (at most {INT32.stop - 1})")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:30]} is too large")
    return value


def _depth(value) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is not None:
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((child, level + 1) for child in children)
    return deepest


def register(app: Flask) -> None:
    app.json = StrictJSONProvider(app)
    app.before_request(refuse_malformed_json)
    app.before_request(refuse_nul_characters)
    app.after_request(keep_personal_pages_private)


def refuse_malformed_json() -> None:
    """A JSON body that does not parse (bad syntax, invalid UTF-8, too deep, numbers beyond 64 bits)
    is a 400 before any view reads it."""
    if not request.is_json or not request.get_data(cache=True):
        return
    try:
        current_app.json.loads(request.get_data(cache=True))
    except ValueError as err:
        raise MalformedBody(f"The request body is not valid JSON: {err}.") from err


def refuse_nul_characters() -> None:
    """No NUL character gets past the door: PostgreSQL text cannot hold one, so it would fail as a
    500 deep inside a query. Nothing can live at such an address (404); in a field it is invalid
    input (422)."""
    if any(
        isinstance(value, str) and "\x00" in value for value in (request.view_args or {}).values()
    ):
        raise NotFound("Nothing lives at an address with a NUL character.")
    fields = [
        *request.args.items(multi=True),
        *request.form.items(multi=True),
        *((name, upload.filename or "") for name, upload in request.files.items(multi=True)),
    ]
    if request.is_json:
        fields += [("body", request.get_json(silent=True))]
    wrong = {
        name: [f"{name} must not contain NUL characters."]
        for name, value in fields
        if _has_nul(value)
    }
    if wrong:
        raise InvalidInput(wrong)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return isinstance(value, list) and any(_has_nul(item) for item in value)


def keep_personal_pages_private(response):
    """A response for a signed-in person (session or token) says `private, no-store`, so no shared
    cache keeps it and no browser keeps it once they sign out; so does one that starts a visitor's
    session (a form's CSRF token, a flashed message), which belongs to that visitor alone. Responses
    that chose their own caching keep it: public static files, and stored files (already private,
    revalidated by their ETag)."""
    caching = response.cache_control
    if caching.public or caching.private or not (session.modified or _is_signed_in()):
        return response
    caching.private = True
    caching.no_store = True
    return response


def _is_signed_in() -> bool:
    api_actor = g.get("api_actor")
    if api_actor is not None:  # the API never reads the session cookie
        return api_actor.is_authenticated
    if request.path.startswith("/api/"):
        return False
    return current_user.is_authenticated
