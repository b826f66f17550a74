"""The configuration every test app starts from: temporary paths, fast hashing."""


def app_config(tmp_path, **extra) -> dict:
    config = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'globe-test.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "EXTRACT_IN_BACKGROUND": False,
        "INDEX_IN_BACKGROUND": False,  # the search queue is applied right after each commit  # extraction runs right after the commit, so tests see its outcome
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # real hashing, fewer rounds: tests stay fast
    }
    config.update(extra)
    return config
