"""Text extraction of uploaded files, after the upload's commit, so no request waits for a big PDF.

Each version is claimed with a conditional UPDATE (pending -> running) that records the claiming
process, so several processes never extract the same file. A claim of a process that has died on
this machine is given back at once; any other claim when it is older than the timeout."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from ..backends import get_storage
from ..db import transaction
from ..extensions import db
from ..extract import extract_text, is_extractable, preview_excerpt
from ..holders import is_dead, this_process
from ..models.base import utcnow
from ..models.resources import ResourceVersion
from .search import queue_for_indexing

EXECUTOR_KEY = "globe.extraction_executor"


def schedule_extraction(version_id: int) -> None:
    """Extract in a background thread (or at once when EXTRACT_IN_BACKGROUND is off, as in tests)."""
    app = current_app._get_current_object()
    if not app.config["EXTRACT_IN_BACKGROUND"]:
        extract_version(version_id)
        return
    executor = app.extensions.setdefault(EXECUTOR_KEY, ThreadPoolExecutor(max_workers=1,
                                                                          thread_name_prefix="globe-extract"))
    executor.submit(_in_app_context, app, version_id)


def _in_app_context(app: Flask, version_id: int) -> None:
    with app.app_context():
        try:
            extract_version(version_id)
        except Exception:  # a background thread has nobody to report to but the log
            app.logger.exception("Extraction of resource version %s failed", version_id)


def _claim(version_id: int) -> bool:
    with transaction():
        claimed = db.session.execute(
            update(ResourceVersion).where(ResourceVersion.id == version_id,
                                          ResourceVersion.extraction_status == "pending")
            .values(extraction_status="running", extraction_started_at=utcnow(), extraction_claimed_by=this_process()))
    return claimed.rowcount == 1


def extract_version(version_id: int) -> None:
    """Extract one version's text, record the outcome and queue the resource for search."""
    if not _claim(version_id):
        return
    version = db.session.get(ResourceVersion, version_id)
    if is_extractable(version.family):
        with local_copy(version.storage_key) as path:
            result = extract_text(path, version.family, timeout=current_app.config["EXTRACT_TIMEOUT_SECONDS"],
                                  memory_bytes=current_app.config["EXTRACT_MEMORY_MB"] * 2**20)
        status, text, error, pages = result.status, result.text, result.error, result.page_count
    else:
        status, text, error, pages = "unsupported", "", None, None
    with transaction():
        version.extraction_status, version.extraction_error = status, error
        version.extracted_text, version.page_count = text, pages
        version.excerpt = preview_excerpt(text)
        queue_for_indexing("resource", version.resource_id)


@contextmanager
def local_copy(key: str) -> Iterator[Path]:
    """A filesystem path for a stored file: the file itself, or a temporary copy for other backends."""
    storage = get_storage()
    path = storage.local_path(key)
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(prefix="globe-extract-") as temp, storage.open(key) as source:
        shutil.copyfileobj(source, temp)
        temp.flush()
        yield Path(temp.name)


def retry_stalled(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Give back the claims of crashed processes (at once when the claimant is proven dead, else after
    `older_than`) and return every version waiting for extraction."""
    running = ResourceVersion.extraction_status == "running"
    claimants = db.session.scalars(select(ResourceVersion.extraction_claimed_by).where(running).distinct())
    dead = [claimant for claimant in claimants if is_dead(claimant)]
    with transaction():
        db.session.execute(update(ResourceVersion).where(running, or_(
            ResourceVersion.extraction_started_at < utcnow() - older_than,
            ResourceVersion.extraction_claimed_by.in_(dead))).values(extraction_status="pending"))
    return list(db.session.scalars(select(ResourceVersion.id).where(ResourceVersion.extraction_status == "pending")))
