"""One place that commits: `with transaction() as tx:` commits or rolls back, then runs hooks.

Hooks let a service tie side effects to the outcome: a stored file is removed on rollback, the
search queue is drained after commit. Nested calls join the outer transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .extensions import db

_KEY = "globe.transaction"


class Transaction:
    """Collects the callbacks to run once the outermost transaction ends."""

    def __init__(self) -> None:
        self._after_commit: list[Callable[[], object]] = []
        self._on_rollback: list[Callable[[], object]] = []

    def after_commit(self, func: Callable, *args) -> None:
        self._after_commit.append(lambda: func(*args))

    def on_rollback(self, func: Callable, *args) -> None:
        self._on_rollback.append(lambda: func(*args))

    def _run(self, callbacks: list[Callable[[], object]]) -> None:
        for callback in callbacks:
            callback()


@contextmanager
def transaction() -> Iterator[Transaction]:
    """Run the block in one database transaction; nested uses share the outer one."""
    session = db.session()
    outer = session.info.get(_KEY)
    if outer is not None:
        yield outer
        return
    tx = session.info[_KEY] = Transaction()
    try:
        yield tx
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop(_KEY, None)
        tx._run(tx._on_rollback)
        raise
    session.info.pop(_KEY, None)
    tx._run(tx._after_commit)
