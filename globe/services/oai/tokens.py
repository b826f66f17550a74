"""Resumption tokens: a list's arguments and where it stopped, signed with the app's secret.

Stateless (nothing stored per harvest) and tamper-proof: a forged, altered or expired token is
refused, and a token only continues the verb that issued it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from ...models.base import utcnow
from .records import Position

LIFETIME = timedelta(hours=24)


class BadToken(Exception):
    """The token is forged, altered, expired or for another verb."""


@dataclass(frozen=True)
class ListState:
    verb: str
    since: datetime | None
    before: datetime | None
    set_spec: str | None
    total: int  # completeListSize, counted when the list began
    cursor: int = 0  # records sent before this page
    position: Position | None = None

    def advanced(self, sent: int, last: Position) -> ListState:
        return replace(self, cursor=self.cursor + sent, position=last)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="globe.oai.resumption")


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def issue(state: ListState) -> tuple[str, datetime]:
    """The token for the page after `state.position`, and when it expires."""
    position = state.position
    payload = {"v": state.verb, "f": _time(state.since), "u": _time(state.before), "s": state.set_spec,
               "n": state.total, "c": state.cursor,
               "p": [_time(position.datestamp), position.kind, position.item_id] if position else None}
    return _serializer().dumps(payload), utcnow() + LIFETIME


def read(token: str, verb: str) -> ListState:
    try:
        payload = _serializer().loads(token, max_age=int(LIFETIME.total_seconds()))
        if payload["v"] != verb:
            raise BadToken()
        position = payload["p"]
        return ListState(verb=verb, since=_parse_time(payload["f"]), before=_parse_time(payload["u"]),
                         set_spec=payload["s"], total=int(payload["n"]), cursor=int(payload["c"]),
                         position=(Position(_parse_time(position[0]), position[1], int(position[2]))
                                   if position else None))
    except (BadData, KeyError, TypeError, ValueError, IndexError) as err:
        raise BadToken() from err
