"""Checks that a zip-based document (docx, pptx, xlsx, odt, odp, ods) is safe to open: no zip bombs."""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from globe.extract.base import ExtractionFailed, clip
from globe.storage.base import format_bytes

# Small members compress absurdly well without being dangerous (a blank sheet, a run of spaces).
_RATIO_FLOOR_BYTES = 2**20
_READ_CHUNK = 2**16


class UnsafeArchive(ExtractionFailed):
    """The archive would expand to too much data, or has too many members, to open safely."""


def check_zip(
    path: Path,
    *,
    max_total_uncompressed: int = 200 * 2**20,
    max_ratio: int = 100,
    max_members: int = 10_000,
) -> None:
    """Raise UnsafeArchive if the central directory promises a bomb, ExtractionFailed if damaged.

    The declared sizes are what Python's zipfile stops at when inflating a member (it never yields
    more than a member's declared size), so checking them bounds what any later reader inflates.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ExtractionFailed(f"The file is damaged: {clip(error, 200)}") from None
    if len(members) > max_members:
        raise UnsafeArchive(
            f"The archive has more than {max_members} files inside; it looks like a zip bomb."
        )
    total = 0
    for member in members:
        total += member.file_size
        if total > max_total_uncompressed:
            raise UnsafeArchive(
                f"The archive expands to more than {format_bytes(max_total_uncompressed)};"
                " it looks like a zip bomb."
            )
        if member.file_size > max(_RATIO_FLOOR_BYTES, max_ratio * member.compress_size):
            raise UnsafeArchive(
                f"A file inside the archive expands more than {max_ratio} times; it looks like a zip bomb."
            )


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    """The member's bytes, refusing (without inflating further) once more than max_bytes come out."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(_READ_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UnsafeArchive(
                        f"{name} expands to more than {format_bytes(max_bytes)}; it looks like a zip bomb."
                    )
                chunks.append(chunk)
    except KeyError:
        raise ExtractionFailed(f"The file is damaged: {name} is missing.") from None
    # zlib errors, unsupported compression methods and encrypted members all mean: cannot be read.
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise ExtractionFailed(f"The file is damaged: {clip(error, 200)}") from None
    return b"".join(chunks)
