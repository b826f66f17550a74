"""Idempotency keys (draft-ietf-httpapi-idempotency-key-header): a retried request with the same key
returns what the first one created instead of creating it again.

The key is recorded in the same transaction as what it created, so a key exists exactly when its
resource does; a request that failed left nothing behind and runs again when retried. Keys are
kept for KEY_LIFETIME; expired ones are deleted whenever a new key is recorded."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..db import Transaction, transaction
from ..errors import Conflict, GlobeError
from ..extensions import db
from ..models import IdempotencyKey, Resource
from ..models.base import utcnow

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class InvalidKey(GlobeError):
    title = "Invalid Idempotency-Key"


class KeyReused(GlobeError):
    status = 422
    title = "Idempotency-Key is already used"


class RequestOutstanding(Conflict):
    title = "A request is outstanding for this Idempotency-Key"


@dataclass(frozen=True)
class Scope:
    """A key as one user sent it to one operation, with the fingerprint of what the request asked for."""

    user_id: int
    operation: str
    key: str
    fingerprint: str

    @property
    def key_hash(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()


def check_key(key: str) -> str:
    """1 to 255 printable ASCII characters (a UUID is the usual choice)."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise InvalidKey(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters, "
                         "e.g. a UUID.")
    return key


def once(scope: Scope, create: Callable[[Transaction], Resource]) -> tuple[Resource, bool]:
    """`create` the resource and record the key with it, or, when the key is already recorded, return
    the resource it created; the flag says whether this was such a replay."""
    try:
        with transaction() as tx:
            earlier = _find(scope)
            if earlier is None:
                return _record(tx, scope, create), False
    except RequestOutstanding:
        earlier = _find(scope)  # the concurrent copy that got in first has committed by now
        if earlier is None:
            raise
    if earlier.fingerprint != scope.fingerprint:
        raise KeyReused("This Idempotency-Key was already used for a different request. "
                        "Use a new key for each new request; nothing was stored.")
    return earlier.resource, True


def _find(scope: Scope) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == scope.user_id, IdempotencyKey.operation == scope.operation,
        IdempotencyKey.key_hash == scope.key_hash, IdempotencyKey.created_at >= utcnow() - KEY_LIFETIME))


def _record(tx: Transaction, scope: Scope, create: Callable[[Transaction], Resource]) -> Resource:
    """Insert the key first: a concurrent copy of the request waits on the unique constraint until
    this transaction ends, then fails it (or, if this one rolled back, goes ahead itself)."""
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEY_LIFETIME))
    record = IdempotencyKey(user_id=scope.user_id, operation=scope.operation, key_hash=scope.key_hash,
                            fingerprint=scope.fingerprint)
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        raise RequestOutstanding("A request with this Idempotency-Key is still being processed; "
                                 "retry it in a moment.") from None
    record.resource = create(tx)
    return record.resource
