"""Numbers from addresses and query strings, read one way everywhere: ids and page numbers.

Ids are 64-bit in every database Globe runs on, so a longer number can name nothing (404) and must
never reach a query, where it would fail as a 500. Only ASCII digits count: `str.isdigit()` also
accepts "²"."""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

from .errors import InvalidInput

MAX_ID = 2**31 - 1  # ids and revision numbers are INTEGER columns: 32 bits on PostgreSQL
MAX_PAGE = 10**9  # far beyond any list, and page * per_page stays well inside 64 bits
_DIGITS = re.compile(r"[0-9]+")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits only, from 1 to MAX_ID, else the route does not
    match (404)."""

    regex = r"[0-9]{1,19}"

    def __init__(
        self,
        map,
        fixed_digits: int = 0,
        min: int | None = 1,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BadNumber(InvalidInput):
    """A page number or id that is not a whole number: malformed input (400), with the field named.
    """

    status = 400
    title = "Bad request"


def whole_number(raw: object, *, upper: int = MAX_ID) -> int | None:
    """`raw` as a whole number from 1, capped at `upper`; None when it is not one (empty, signed,
    decimal...)."""
    text = (
        raw
        if isinstance(raw, str)
        else str(raw)
        if isinstance(raw, int) and not isinstance(raw, bool)
        else ""
    )
    if not _DIGITS.fullmatch(text):
        return None
    significant = text.lstrip("0")
    if not significant:
        return None
    return upper if len(significant) > len(str(upper)) else min(int(significant), upper)


def page_number(
    raw: str | None, *, name: str = "page", default: int = 1, upper: int = MAX_PAGE
) -> int:
    """A paging parameter (?page, ?per_page): `default` when absent, capped at `upper`, else a 400.
    """
    if raw is None or raw == "":
        return default
    number = whole_number(raw, upper=upper)
    if number is None:
        raise BadNumber({name: [f"{name} must be a whole number from 1."]})
    return number


def page_or_first(raw: str | None) -> int:
    """?page on an HTML list: a person following an odd link sees the first page rather than an
    error."""
    return whole_number(raw, upper=MAX_PAGE) or 1


def register(app) -> None:
    """Before any blueprint adds its routes, so each `<int:...>` is built with the bounded
    converter."""
    app.url_map.converters["int"] = IdConverter
