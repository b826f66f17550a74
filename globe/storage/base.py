"""The Storage protocol every file backend follows, its errors, and the shared upload copy loop."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from globe.errors import InvalidInput, NotFound, TooLarge

CHUNK_BYTES = 2**20
_KEY_PATTERN = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredFile:
    """What `save` returns: the content's key (its sha256), size, and whether it was new."""

    key: str
    size: int
    sha256: str
    is_new: bool


class FileTooLarge(TooLarge):
    def __init__(self, max_bytes: int):
        super().__init__(f"The file is larger than the {format_bytes(max_bytes)} limit.")
        self.max_bytes = max_bytes


class EmptyFile(InvalidInput):
    def __init__(self) -> None:
        super().__init__({"file": ["The file is empty."]})


class Storage(Protocol):
    """Content-addressed file storage: the key of a file is the sha256 of its bytes."""

    def save(self, stream: BinaryIO, *, max_bytes: int) -> StoredFile:
        """Store the stream's bytes; raise FileTooLarge past max_bytes, EmptyFile for none."""

    def open(self, key: str) -> BinaryIO:
        """Open the file for binary reading; NotFound for an unknown or malformed key."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under key (False for a malformed key)."""

    def size(self, key: str) -> int:
        """The file's size in bytes; NotFound for an unknown or malformed key."""

    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error (rollback hooks may run twice)."""

    def local_path(self, key: str) -> Path | None:
        """A real filesystem path to the file when the backend has one, else None."""

    def iter_keys(self) -> Iterator[str]:
        """Every stored key, for orphan checks and backups."""


def check_key(key: str) -> str:
    """Return key if it is a sha256 hex digest; anything else names no file (and no path)."""
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        raise NotFound("No such file.")
    return key


def is_valid_key(key: str) -> bool:
    return isinstance(key, str) and _KEY_PATTERN.fullmatch(key) is not None


def copy_limited(stream: BinaryIO, write: Callable[[bytes], object], max_bytes: int) -> tuple[int, str]:
    """Copy stream to write() in chunks while hashing; return (size, sha256 hex digest).

    Reads at most max_bytes + 1 bytes in all, so an oversized upload is refused as soon as the
    first byte past the limit arrives, without reading the rest.
    """
    digest = hashlib.sha256()
    size = 0
    while True:
        chunk = stream.read(min(CHUNK_BYTES, max_bytes + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(max_bytes)
        digest.update(chunk)
        write(chunk)
    if size == 0:
        raise EmptyFile()
    return size, digest.hexdigest()


def format_bytes(count: int) -> str:
    """A size for people: 26214400 -> '25 MB', 1572864 -> '1.5 MB', 500 -> '500 bytes'."""
    for unit, factor in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if count >= factor:
            return f"{count / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"
