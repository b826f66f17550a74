"""Requests racing each other: one function run by several threads released at the same moment, each in its
own app context as concurrent requests are, on the shared database of the `race_app` fixture (conftest.py)."""
from __future__ import annotations

import threading
from collections.abc import Callable

from globe.extensions import db


def at_once(app, work: Callable[..., str], calls: list[tuple]) -> list[str]:
    """`work(*arguments)` for each tuple in `calls`, all started together; what each returned, in the order
    the calls finished."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(arguments: tuple) -> None:
        with app.app_context():
            try:
                start.wait()
                outcomes.append(work(*arguments))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(arguments,)) for arguments in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
