"""One place that commits: `with transaction() as tx:` commits or rolls back, then runs hooks.

Hooks let a service tie side effects to the outcome: a stored file is removed on rollback, the
search queue is drained after commit. Nested calls join the outer transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import select, update

from .extensions import db

_KEY = "globe.transaction"


class Transaction:
    """Collects the callbacks to run once the outermost transaction ends."""

    def __init__(self) -> None:
        self._after_commit: list[Callable[[], object]] = []
        self._on_rollback: list[Callable[[], object]] = []
        self._once: set[str] = set()

    def after_commit(self, func: Callable, *args) -> None:
        self._after_commit.append(lambda: func(*args))

    def after_commit_once(self, key: str, func: Callable) -> None:
        """Run func after the commit, once however many times this is asked for."""
        if key not in self._once:
            self._once.add(key)
            self.after_commit(func)

    def on_rollback(self, func: Callable, *args) -> None:
        self._on_rollback.append(lambda: func(*args))

    def _run(self, callbacks: list[Callable[[], object]]) -> None:
        for callback in callbacks:
            callback()


def current_transaction() -> Transaction:
    """The transaction the caller runs in; side effects that must follow the commit register here."""
    tx = db.session().info.get(_KEY)
    if tx is None:
        raise RuntimeError("this must run inside `with transaction():`")
    return tx


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


def lock_row(model, row_id: int) -> None:
    """Hold a write lock on one row until the transaction ends.

    A rule that reads several rows before writing one ("keep at least one facilitator") is only
    safe if two requests cannot both read before either writes: they must queue on a lock first.
    PostgreSQL locks the row itself (SELECT ... FOR UPDATE, re-read after the wait); SQLite has a
    single writer, so a no-op update takes the database's write lock at once."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update())
    else:
        db.session.execute(update(model).where(model.id == row_id).values(id=model.id))
