"""Globe's error types: services raise them, views and the API map each to one HTTP status."""
from __future__ import annotations


class GlobeError(Exception):
    """Base of every error a service raises on purpose; `status` is the HTTP status it maps to."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFound(GlobeError):
    status = 404
    title = "Not found"


class PermissionDenied(GlobeError):
    status = 403
    title = "Forbidden"


class Unauthorized(GlobeError):
    status = 401
    title = "Authentication required"


class Conflict(GlobeError):
    status = 409
    title = "Conflict"


class TooLarge(GlobeError):
    status = 413
    title = "Too large"


class UnsupportedType(GlobeError):
    status = 415
    title = "Unsupported type"


class TooManyAttempts(GlobeError):
    status = 429
    title = "Too many attempts"


class InvalidInput(GlobeError):
    """Field-level validation failure: `fields` maps a field name to its messages."""

    status = 422
    title = "Invalid input"

    def __init__(self, fields: dict[str, list[str]] | str, detail: str | None = None):
        if isinstance(fields, str):
            fields = {"_": [fields]}
        self.fields = fields
        first = next((msgs[0] for msgs in fields.values() if msgs), None)
        super().__init__(detail or first or self.title)
