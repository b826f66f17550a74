"""Taking in an uploaded file safely: type checked by content, size-limited, stored by content hash.

A file written before the commit is removed if the transaction rolls back, unless a committed row
already uses the same content (identical uploads share one stored file)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import exists, or_, select

from ..backends import get_storage
from ..db import Transaction
from ..errors import InvalidInput
from ..extensions import db
from ..extract.filetypes import DEFAULT_ALLOWED_EXTENSIONS, SNIFF_BYTES, FileType, check_upload, safe_filename
from ..models import ResourceVersion, WikiAttachment
from ..storage import StoredFile

# Every column that holds a storage key: a stored file is in use while any of them names it.
FILE_REFERENCES = [ResourceVersion.storage_key, WikiAttachment.storage_key]


@dataclass(frozen=True)
class Upload:
    stored: StoredFile
    file_type: FileType
    filename: str  # safe display name


def allowed_extensions() -> frozenset[str]:
    configured = current_app.config.get("ALLOWED_EXTENSIONS")
    return frozenset(configured) if configured else DEFAULT_ALLOWED_EXTENSIONS


def store_upload(tx: Transaction, upload) -> Upload:
    """Check and store a werkzeug FileStorage (or any object with .stream and .filename)."""
    if upload is None or not getattr(upload, "filename", None):
        raise InvalidInput({"file": ["Choose a file to upload."]})
    stream = upload.stream
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise InvalidInput({"file": ["The file is empty."]})
    file_type = check_upload(head, upload.filename, allowed_extensions=allowed_extensions())
    stream.seek(0)
    stored = get_storage().save(stream, max_bytes=int(current_app.config["MAX_UPLOAD_BYTES"]))
    if stored.is_new:
        tx.on_rollback(delete_if_unused, stored.key)
    return Upload(stored, file_type, safe_filename(upload.filename))


def delete_if_unused(key: str) -> None:
    """Remove a stored file no committed row refers to (after a rollback or a delete)."""
    used = db.session.scalar(select(or_(*(exists().where(column == key) for column in FILE_REFERENCES))))
    if not used:
        get_storage().delete(key)
