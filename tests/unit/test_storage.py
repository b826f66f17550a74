"""The storage contract, run on every backend, plus what only the disk backend promises."""
from __future__ import annotations

import hashlib
import io
import os
import time
import tracemalloc

import pytest

from globe.errors import InvalidInput, NotFound, TooLarge
from globe.storage import EmptyFile, FileTooLarge, LocalStorage, MemoryStorage, format_bytes
from globe.storage.base import CHUNK_BYTES

MB = 2**20


@pytest.fixture(params=["local", "memory"])
def storage(request, tmp_path):
    return LocalStorage(tmp_path / "uploads") if request.param == "local" else MemoryStorage()


class GeneratedStream(io.RawIOBase):
    """`total` bytes produced on demand, recording every read size, never holding the whole."""

    def __init__(self, total: int):
        self.remaining = total
        self.read_sizes: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        if size < 0:
            raise AssertionError("the whole stream was asked for at once")
        count = min(size, self.remaining)
        self.remaining -= count
        return b"\x07" * count


def files_left_on_disk(storage) -> list:
    if isinstance(storage, LocalStorage):
        return [path for path in storage.root.rglob("*") if path.is_file()]
    return []


def test_save_then_open_returns_the_same_bytes(storage):
    stored = storage.save(io.BytesIO(b"lesson plan"), max_bytes=100)

    assert stored.key == stored.sha256 == hashlib.sha256(b"lesson plan").hexdigest()
    assert stored.size == 11 and stored.is_new
    with storage.open(stored.key) as file:
        assert file.read() == b"lesson plan"
    assert storage.exists(stored.key)
    assert storage.size(stored.key) == 11


def test_same_content_is_stored_once(storage):
    first = storage.save(io.BytesIO(b"worksheet"), max_bytes=100)
    second = storage.save(io.BytesIO(b"worksheet"), max_bytes=100)

    assert second.key == first.key
    assert second.is_new is False
    assert list(storage.iter_keys()) == [first.key]


def test_a_file_exactly_at_the_limit_is_accepted(storage):
    stored = storage.save(io.BytesIO(b"x" * 1000), max_bytes=1000)

    assert stored.size == 1000


def test_one_byte_over_the_limit_is_refused_leaving_nothing_behind(storage):
    with pytest.raises(FileTooLarge) as caught:
        storage.save(io.BytesIO(b"x" * 1001), max_bytes=1000)

    assert isinstance(caught.value, TooLarge)
    assert list(storage.iter_keys()) == []
    assert files_left_on_disk(storage) == []


def test_an_oversized_stream_is_not_read_past_the_limit(storage):
    stream = GeneratedStream(100 * MB)

    with pytest.raises(FileTooLarge):
        storage.save(stream, max_bytes=3 * MB)

    assert 100 * MB - stream.remaining == 3 * MB + 1


def test_an_empty_file_is_refused(storage):
    with pytest.raises(EmptyFile) as caught:
        storage.save(io.BytesIO(b""), max_bytes=100)

    assert isinstance(caught.value, InvalidInput)
    assert caught.value.fields == {"file": ["The file is empty."]}
    assert files_left_on_disk(storage) == []


def test_too_large_message_gives_the_limit_in_megabytes():
    assert str(FileTooLarge(25 * MB)) == "The file is larger than the 25 MB limit."


@pytest.mark.parametrize("count, text", [
    (25 * MB, "25 MB"), (int(1.5 * MB), "1.5 MB"), (2 * 2**30, "2 GB"), (2048, "2 KB"), (500, "500 bytes"),
])
def test_format_bytes(count, text):
    assert format_bytes(count) == text


@pytest.mark.parametrize("key", [
    "../../etc/passwd", "A" * 64, "a" * 63, "a" * 65, "", "ab/cd/" + "a" * 58, "a" * 64 + "\n",
    "/" + "a" * 63,
])
def test_malformed_keys_name_no_file(storage, key):
    storage.save(io.BytesIO(b"something"), max_bytes=100)

    assert storage.exists(key) is False
    for method in (storage.open, storage.size, storage.delete, storage.local_path):
        with pytest.raises(NotFound):
            method(key)


def test_an_unknown_key_is_not_found(storage):
    missing = "0" * 64

    assert storage.exists(missing) is False
    with pytest.raises(NotFound):
        storage.open(missing)
    with pytest.raises(NotFound):
        storage.size(missing)


def test_delete_removes_the_file_and_may_be_repeated(storage):
    stored = storage.save(io.BytesIO(b"old handout"), max_bytes=100)

    storage.delete(stored.key)
    storage.delete(stored.key)  # rollback hooks may run after a delete

    assert not storage.exists(stored.key)
    assert list(storage.iter_keys()) == []
    assert storage.save(io.BytesIO(b"old handout"), max_bytes=100).is_new


def test_iter_keys_lists_every_stored_file(storage):
    keys = {storage.save(io.BytesIO(content), max_bytes=100).key for content in (b"a", b"b", b"c")}

    assert set(storage.iter_keys()) == keys


def test_a_large_upload_is_streamed_in_chunks(storage):
    stream = GeneratedStream(30 * MB)

    stored = storage.save(stream, max_bytes=40 * MB)

    assert stored.size == 30 * MB
    assert storage.size(stored.key) == 30 * MB
    assert max(stream.read_sizes) <= CHUNK_BYTES
    assert len(stream.read_sizes) >= 30


def test_local_storage_does_not_hold_an_upload_in_memory(tmp_path):
    storage = LocalStorage(tmp_path)
    tracemalloc.start()
    try:
        storage.save(GeneratedStream(30 * MB), max_bytes=40 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 5 * MB


def test_local_storage_fans_files_out_by_their_hash(tmp_path):
    storage = LocalStorage(tmp_path)

    stored = storage.save(io.BytesIO(b"fan out"), max_bytes=100)

    expected = tmp_path / stored.key[:2] / stored.key[2:4] / stored.key
    assert storage.local_path(stored.key) == expected
    assert expected.read_bytes() == b"fan out"


def test_memory_storage_has_no_local_path():
    storage = MemoryStorage()
    stored = storage.save(io.BytesIO(b"in memory"), max_bytes=100)

    assert storage.local_path(stored.key) is None


def test_iter_keys_ignores_temp_files_and_strays(tmp_path):
    storage = LocalStorage(tmp_path)
    stored = storage.save(io.BytesIO(b"real"), max_bytes=100)
    (tmp_path / ".upload-crashed.tmp").write_bytes(b"half an upload")
    (tmp_path / stored.key[:2] / stored.key[2:4] / "notes.txt").write_text("stray")
    misplaced = tmp_path / "ff" / "ff" / ("0" * 64)
    misplaced.parent.mkdir(parents=True)
    misplaced.write_bytes(b"in the wrong folder")
    (tmp_path / "ab").write_text("a file where a folder is expected")

    assert list(storage.iter_keys()) == [stored.key]


def test_stale_temp_files_can_be_cleaned(tmp_path):
    storage = LocalStorage(tmp_path)
    stale = tmp_path / ".upload-old.tmp"
    fresh = tmp_path / ".upload-new.tmp"
    stale.write_bytes(b"left by a crash")
    fresh.write_bytes(b"still being written")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))

    removed = storage.remove_stale_temp_files(older_than_seconds=600)

    assert removed == 1
    assert not stale.exists() and fresh.exists()


def test_a_failing_upload_stream_leaves_no_temp_file(tmp_path):
    class BrokenStream(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError("client went away")

    storage = LocalStorage(tmp_path)

    with pytest.raises(OSError):
        storage.save(BrokenStream(), max_bytes=100)

    assert list(tmp_path.iterdir()) == []
