"""HTML blueprints: thin views that parse input, call one service, and render or redirect."""
from flask import abort, request

from ..converters import whole_number
from ..urls import same_site_path


def form_status(form) -> int:
    """400 when a submitted form is shown again with errors, else 200."""
    return 400 if form.is_submitted() else 200


def int_arg(value) -> int:
    """A positive integer from a form or URL, or a 400 page."""
    number = whole_number(value)
    if number is None:
        abort(400, "A number was expected.")
    return number


def safe_next(default: str) -> str:
    """The ?next= target when it stays on this site, else the default (no open redirects)."""
    return same_site_path(request.args.get("next")) or default
