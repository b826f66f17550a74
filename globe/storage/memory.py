"""Files kept in a dict, with the same behaviour as LocalStorage; for tests (local_path is None)."""
from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from globe.errors import NotFound
from globe.storage.base import StoredFile, check_key, copy_limited, is_valid_key


class MemoryStorage:
    """Content-addressed storage in memory; it has no real paths, so local_path returns None."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def save(self, stream: BinaryIO, *, max_bytes: int) -> StoredFile:
        buffer = io.BytesIO()
        size, sha256 = copy_limited(stream, buffer.write, max_bytes)
        is_new = sha256 not in self._files
        if is_new:
            self._files[sha256] = buffer.getvalue()
        return StoredFile(key=sha256, size=size, sha256=sha256, is_new=is_new)

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self._content(key))

    def exists(self, key: str) -> bool:
        return is_valid_key(key) and key in self._files

    def size(self, key: str) -> int:
        return len(self._content(key))

    def delete(self, key: str) -> None:
        self._files.pop(check_key(key), None)

    def local_path(self, key: str) -> None:
        self._content(key)  # same errors as the other backends for a bad or unknown key
        return None

    def iter_keys(self) -> Iterator[str]:
        yield from sorted(self._files)

    def _content(self, key: str) -> bytes:
        try:
            return self._files[check_key(key)]
        except KeyError:
            raise NotFound("No such file.") from None
