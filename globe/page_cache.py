"""Rendered pages for anonymous readers, kept per process (gzip-compressed) and checked against the database.

Most wiki readers are not logged in, and their view of a page is the same for all of them. Like
MediaWiki's page_touched, each entry carries a validator (the page's touched_at and the like)
read with one small query on every request: when anything shown has changed, it no longer matches
and the page is rendered again. Nothing stale is ever served, so no process needs telling."""
from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Response, current_app, request, session

EXTENSION_KEY = "globe.page_cache"


class PageCache:
    """A least-recently-used map key -> (validator, gzip body), bounded by total compressed bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple, tuple[tuple, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, validator: tuple) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != validator:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, validator: tuple, body: bytes) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            self.size -= len(old[1]) if old else 0
            self._entries[key] = (validator, body)
            self.size += len(body)
            while self.size > self.max_bytes and self._entries:
                self.size -= len(self._entries.popitem(last=False)[1][1])


def get_page_cache() -> PageCache:
    cache = current_app.extensions.get(EXTENSION_KEY)
    if cache is None:
        megabytes = int(current_app.config["PAGE_CACHE_MB"])
        cache = current_app.extensions[EXTENSION_KEY] = PageCache(megabytes * 1024 * 1024)
    return cache


def is_plain_anonymous_request() -> bool:
    """A GET from a visitor with no session at all (so no login, no flashed message to show)."""
    return request.method == "GET" and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies


def compress(html: str) -> bytes | None:
    """The page gzip-compressed for the cache, or None when rendering started a session
    (a CSRF token or a flash): such a page belongs to one visitor only."""
    if session.modified:
        return None
    return gzip.compress(html.encode("utf-8"), compresslevel=6)


def html_response(body: bytes) -> Response:
    """Send a cached gzip body as it is when the browser accepts gzip, else decompressed."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(body, mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(gzip.decompress(body), mimetype="text/html")
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    return response
