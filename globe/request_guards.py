"""A guard every request passes, pages and API alike, before any view sees it."""
from __future__ import annotations

from flask import Flask, request

from .errors import InvalidInput, NotFound


def register(app: Flask) -> None:
    app.before_request(refuse_nul_characters)


def refuse_nul_characters() -> None:
    """No NUL character gets past the door: PostgreSQL text cannot hold one, so it would fail as a 500 deep
    inside a query. Nothing can live at such an address (404); in a field it is invalid input (422)."""
    if any(isinstance(value, str) and "\x00" in value for value in (request.view_args or {}).values()):
        raise NotFound("Nothing lives at an address with a NUL character.")
    fields = [*request.args.items(multi=True), *request.form.items(multi=True),
              *((name, upload.filename or "") for name, upload in request.files.items(multi=True))]
    if request.is_json:
        fields += [("body", request.get_json(silent=True))]
    wrong = {name: [f"{name} must not contain NUL characters."] for name, value in fields if _has_nul(value)}
    if wrong:
        raise InvalidInput(wrong)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return isinstance(value, list) and any(_has_nul(item) for item in value)
