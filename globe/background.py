"""Work left over by a stopped process (queued index changes, unfinished extractions) is resumed by
the next process to serve a request, so a restart never leaves the index behind."""
from __future__ import annotations

import threading

from flask import Flask


def register_catch_up(app: Flask) -> None:
    done = threading.Event()

    @app.before_request
    def _catch_up_once() -> None:
        if done.is_set():
            return
        done.set()
        from .services import extraction, search
        for version_id in extraction.retry_stalled():
            extraction.schedule_extraction(version_id)
        if search.queue_length():
            search.schedule_drain()
