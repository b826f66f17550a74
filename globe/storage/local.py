"""Files on local disk, content-addressed as root/ab/cd/<sha256>.

Each upload is written to a temp file inside root, fsynced, then renamed into place atomically.
"""
from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from globe.errors import NotFound
from globe.storage.base import StoredFile, check_key, copy_limited, is_valid_key

_TEMP_PREFIX = ".upload-"
_TEMP_SUFFIX = ".tmp"
_HEX = frozenset("0123456789abcdef")


class LocalStorage:
    """Stores each upload once under its sha256; the user's filename never reaches a path."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def save(self, stream: BinaryIO, *, max_bytes: int) -> StoredFile:
        # The temp file lives inside root so the final os.replace stays on one filesystem (atomic).
        fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=self.root)
        temp_path = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as temp_file:
                size, sha256 = copy_limited(stream, temp_file.write, max_bytes)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            final_path = self._path(sha256)
            if final_path.exists():
                temp_path.unlink()
                return StoredFile(key=sha256, size=size, sha256=sha256, is_new=False)
            final_path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_path, final_path)
            _fsync_directory(final_path.parent)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return StoredFile(key=sha256, size=size, sha256=sha256, is_new=True)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(check_key(key)).open("rb")
        except FileNotFoundError:
            raise NotFound("No such file.") from None

    def exists(self, key: str) -> bool:
        return is_valid_key(key) and self._path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self._path(check_key(key)).stat().st_size
        except FileNotFoundError:
            raise NotFound("No such file.") from None

    def delete(self, key: str) -> None:
        # The fan-out folders stay: removing them could race with a concurrent save into them.
        self._path(check_key(key)).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path:
        path = self._path(check_key(key))
        if not path.is_file():
            raise NotFound("No such file.")
        return path

    def iter_keys(self) -> Iterator[str]:
        for first in _hex_children(self.root, 2):
            for second in _hex_children(first, 2):
                for file in _hex_children(second, 64):
                    if file.name.startswith(first.name + second.name) and file.is_file():
                        yield file.name

    def remove_stale_temp_files(self, older_than_seconds: float) -> int:
        """Delete temp files left by crashed uploads; returns how many were removed."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for temp_path in self.root.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
            try:
                if temp_path.stat().st_mtime < cutoff:
                    temp_path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # another cleaner, or the upload finishing, got there first
        return removed

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key[2:4] / key


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable: a crash must not lose a file the database already names."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _hex_children(folder: Path, length: int) -> list[Path]:
    """Entries of folder named by exactly `length` lowercase hex digits, sorted."""
    if not folder.is_dir():
        return []
    return sorted(
        entry for entry in folder.iterdir()
        if len(entry.name) == length and set(entry.name) <= _HEX
    )
