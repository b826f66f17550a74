"""The configuration every test app starts from: temporary paths, fast hashing, and the database.

The database is a fresh SQLite file per test, or, when GLOBE_TEST_DATABASE_URL is set, this pytest
process's own PostgreSQL database, emptied before each test (see databases.py)."""
from databases import empty_all_tables, suite_database_url, worker_database_url

from globe.extensions import db


def app_config(tmp_path, **extra) -> dict:
    config = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url_for(tmp_path),
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret-" + "x" * 32,
        "TESTING": True,
        "EXTRACT_IN_BACKGROUND": False,  # extraction runs right after the commit, so tests see its outcome
        "INDEX_IN_BACKGROUND": False,  # the search queue is applied right after each commit
        "NOTIFY_IN_BACKGROUND": False,  # followers are told right after each commit
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # real hashing, fewer rounds: tests stay fast
    }
    config.update(extra)
    return config


def database_url_for(tmp_path) -> str:
    base = suite_database_url()
    if base is None:
        return f"sqlite:///{tmp_path / 'globe-test.sqlite3'}"
    return worker_database_url(base).render_as_string(hide_password=False)


def start_empty() -> None:
    """Give the current app a database with every table and no rows: the tables are created on
    SQLite (a new file), emptied on PostgreSQL (the schema was built once for this process)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            empty_all_tables(connection)
    else:
        db.create_all()
