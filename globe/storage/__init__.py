"""File storage backends behind one protocol: LocalStorage (disk) and MemoryStorage (tests)."""
from globe.storage.base import EmptyFile, FileTooLarge, Storage, StoredFile, format_bytes
from globe.storage.local import LocalStorage
from globe.storage.memory import MemoryStorage

__all__ = [
    "EmptyFile",
    "FileTooLarge",
    "LocalStorage",
    "MemoryStorage",
    "Storage",
    "StoredFile",
    "format_bytes",
]
