"""The file-storage and search backends, chosen by config, built once per app, reached from anywhere."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .search import PostgresBackend, SearchBackend, WhooshBackend
from .storage import LocalStorage, MemoryStorage, Storage

STORAGE_KEY = "globe.storage"
SEARCH_KEY = "globe.search"


def init_backends(app: Flask) -> None:
    kind = app.config["STORAGE_BACKEND"]
    if kind == "local":
        app.extensions[STORAGE_KEY] = LocalStorage(app.config["UPLOAD_DIR"])
    elif kind == "memory":
        app.extensions[STORAGE_KEY] = MemoryStorage()
    else:
        raise ValueError(f"GLOBE_STORAGE_BACKEND must be 'local' or 'memory', not {kind!r}")
    search = app.config["SEARCH_BACKEND"]
    if search == "whoosh":
        app.extensions[SEARCH_KEY] = WhooshBackend(Path(app.config["SEARCH_INDEX_DIR"]))
    elif search == "postgres":
        app.extensions[SEARCH_KEY] = PostgresBackend(_search_database_url(app))
    else:
        raise ValueError(f"GLOBE_SEARCH_BACKEND must be 'whoosh' or 'postgres', not {search!r}")


def _search_database_url(app: Flask) -> str:
    """GLOBE_SEARCH_DATABASE_URL, else the app's own database, which must then be PostgreSQL."""
    url = app.config["SEARCH_DATABASE_URL"] or app.config["SQLALCHEMY_DATABASE_URI"]
    if not str(url).startswith(("postgresql", "postgres:")):
        raise ValueError("GLOBE_SEARCH_BACKEND=postgres needs a PostgreSQL database: set GLOBE_DATABASE_URL "
                         "or GLOBE_SEARCH_DATABASE_URL to a postgresql+psycopg:// URL")
    return str(url)


def get_storage() -> Storage:
    return current_app.extensions[STORAGE_KEY]


def get_search_backend() -> SearchBackend:
    return current_app.extensions[SEARCH_KEY]
