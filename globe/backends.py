"""The file-storage and search backends, chosen by config, built once per app, reached from anywhere."""
from __future__ import annotations

from flask import Flask, current_app

from .storage import LocalStorage, MemoryStorage, Storage

STORAGE_KEY = "globe.storage"


def init_backends(app: Flask) -> None:
    kind = app.config["STORAGE_BACKEND"]
    if kind == "local":
        app.extensions[STORAGE_KEY] = LocalStorage(app.config["UPLOAD_DIR"])
    elif kind == "memory":
        app.extensions[STORAGE_KEY] = MemoryStorage()
    else:
        raise ValueError(f"GLOBE_STORAGE_BACKEND must be 'local' or 'memory', not {kind!r}")


def get_storage() -> Storage:
    return current_app.extensions[STORAGE_KEY]
