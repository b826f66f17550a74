"""Every setting Globe reads, each with a working embedded default, and how they are loaded.

Order: DEFAULTS, then `GLOBE_*` environment variables, then the overrides given to create_app()."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

MB = 1024 * 1024

DEFAULTS: dict[str, object] = {
    # Storage locations. Relative paths are resolved against the checkout (the instance folder's parent).
    "DATABASE_URL": None,  # None -> sqlite file `globe.sqlite3` in the instance folder
    "SEARCH_INDEX_DIR": "search_index",
    "UPLOAD_DIR": "uploads",
    "SEARCH_BACKEND": "whoosh",  # whoosh | postgres
    "SEARCH_DATABASE_URL": None,  # postgres search: None -> DATABASE_URL (which must then be PostgreSQL)
    "STORAGE_BACKEND": "local",  # local | memory (tests)
    "REDIS_URL": None,  # shared rate limits across processes when set
    "REDIS_KEY_PREFIX": "globe",  # so several sites (or test runs) can share one Redis
    "PROXY_COUNT": 0,  # reverse proxies in front whose X-Forwarded-* headers are trusted (ProxyFix)
    "SECRET_KEY": None,  # None -> generated once into instance/secret_key
    "MAX_UPLOAD_BYTES": 100 * MB,
    "MAX_WIKI_PAGE_BYTES": MB // 2,  # 512 KB: ~80,000 words; see "Hostile Markdown" in docs/benchmarks.md
    "PASSWORD_HASH_METHOD": "scrypt",  # werkzeug method; tests use a cheap one for speed
    "LOGIN_RATE_LIMIT": "10 per minute",  # forgotten passwords, password changes, API tokens (failures only)
    # Login page: failed attempts per IP address (a school may share one), then per account from new browsers.
    "LOGIN_IP_RATE_LIMIT": "60 per minute",
    "LOGIN_FAILURES_BEFORE_BACKOFF": 5,  # wrong passwords from new browsers within the window before waits begin
    "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
    "LOGIN_BACKOFF_MAX_SECONDS": 15 * 60,  # the wait doubles after each further failure, up to this
    "LOGIN_DEVICE_COOKIE_DAYS": 365,  # a browser that signed in stays trusted this long after its last sign-in
    "LOGIN_LINK_MINUTES": 15,  # an emailed sign-in link works once, for this long
    "SESSION_COOKIE_SECURE": False,  # set true behind HTTPS
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    # "Keep me logged in": None -> the same attribute as the session cookie's.
    "REMEMBER_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_SAMESITE": None,
    "REMEMBER_COOKIE_HTTPONLY": None,
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,  # seconds; a login session unused this long ends too
    "INDEX_IN_BACKGROUND": True,  # False: apply the search queue right after each commit (tests)
    "EXTRACT_IN_BACKGROUND": True,  # False: extract text right after the upload's commit (tests)
    "EXTRACT_TIMEOUT_SECONDS": 60,
    "EXTRACT_MEMORY_MB": 512,
    "ALLOWED_EXTENSIONS": None,  # None -> the built-in list (globe/extract/filetypes.py); or a list
    "PAGE_CACHE_MB": 64,  # per server process: gzip-compressed wiki pages for anonymous readers
    # Flask-Compress: brotli first, it packs small pages tightest (it cannot gzip a stream, e.g. a static file).
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
    "SITE_NAME": "Globe",
    "SITE_TIMEZONE": "UTC",  # the IANA zone times are shown in for visitors and people who chose none
    "MEETING_MAX_OCCURRENCES": 52,  # a recurring meeting with no end (or a later one) stops after this many
    "API_MAX_PER_PAGE": 100,
    "TOKEN_DEFAULT_DAYS": 90,
    "PASSWORD_RESET_HOURS": 2,  # a "forgot your password?" link works once, for this long
    "REQUIRE_ADMIN_2FA": False,  # True: site admins and curators must turn on two-factor sign-in before anything else
    "INVITATION_DAYS": 14,  # an invitation to a community (and its emailed link) works for this long
    "REQUIRE_EMAIL_VERIFICATION": True,  # until they follow the emailed link, new accounts may read and join only
    "EMAIL_VERIFICATION_HOURS": 48,  # a link confirming an address (at sign-up or for a change) works for this long
    "OAI_ADMIN_EMAIL": "",  # the OAI-PMH contact harvesters see ("" -> webmaster@<host>)
    "INCUBATOR_SMALL_COP_SIZE": None,  # a mentor in a proposal's CoP of at most this many members is conflicted
    "SITE_URL": "",  # public address for every absolute link, e.g. https://globe.example.org ("" -> the request's Host)
    # Email: every message is a row in the outbox; sent through SMTP_HOST, or written to the log when it is empty.
    "SMTP_HOST": "",
    "SMTP_PORT": 587,
    "SMTP_SECURITY": "starttls",  # starttls | ssl (implicit TLS, usually port 465) | none
    "SMTP_USERNAME": "",  # "" -> no login
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "Globe <globe@localhost>",
    "SMTP_TIMEOUT_SECONDS": 10,
    "SMTP_ECHO": False,  # True: write each email to the log instead of sending it (development)
    "SEND_EMAIL_IN_BACKGROUND": True,  # False: send the outbox right after each commit (tests)
    "NOTIFY_IN_BACKGROUND": True,  # False: tell followers of a change right after its commit (tests)
    "DIGEST_TIME_ZONE": "UTC",  # daily digests go out after 06:00 here (the day before), weekly ones on Monday
    "EMAIL_MAX_ATTEMPTS": 8,  # tries before a temporarily refused email is marked failed
    "EMAIL_RETRY_SECONDS": 60,  # wait before the second try, doubled after each (at most 6 hours)
    # Conversations: discussions on each community's board, and comments on pages, resources and proposals.
    "POST_MAX_CHARS": 20000,  # a post's Markdown
    "POST_MAX_MENTIONS": 20,  # distinct @mentions in one post
    "POSTS_PER_PAGE": 50,  # a long thread is shown this many posts at a time
    "NEW_ACCOUNT_DAYS": 2,  # an account this young may write only NEW_ACCOUNT_POSTS_PER_HOUR posts an hour
    "NEW_ACCOUNT_POSTS_PER_HOUR": 10,
    "FLAGS_TO_HIDE": 3,  # a post flagged by this many people is hidden until a facilitator looks at it
}


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from DEFAULTS, the environment and overrides, then derive the rest."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("GLOBE")
    if overrides:
        app.config.from_mapping(overrides)
    base = Path(app.instance_path).parent
    for key in ("SEARCH_INDEX_DIR", "UPLOAD_DIR"):
        app.config[key] = str((base / str(app.config[key])).resolve())
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"] or _default_database_url(app)
    _check_secret_key(app)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _instance_secret(app)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_BYTES"]) + MB  # room for form fields
    app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    app.config["RATELIMIT_KEY_PREFIX"] = app.config["REDIS_KEY_PREFIX"]
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True  # Redis down: per-process limits, not 500s
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    for attribute in ("SECURE", "SAMESITE", "HTTPONLY"):
        if app.config[f"REMEMBER_COOKIE_{attribute}"] is None:
            app.config[f"REMEMBER_COOKIE_{attribute}"] = app.config[f"SESSION_COOKIE_{attribute}"]
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # tied to the session; a long-open edit form still saves


MIN_SECRET_KEY_CHARS = 32


def _check_secret_key(app: Flask) -> None:
    """A short key can be guessed, and with it every session forged: refuse one outside debug and tests."""
    key = app.config["SECRET_KEY"]
    if key and len(str(key)) < MIN_SECRET_KEY_CHARS and not (app.debug or app.testing):
        raise RuntimeError(f"GLOBE_SECRET_KEY is shorter than {MIN_SECRET_KEY_CHARS} characters: set a long random "
                           "one (e.g. python3 -c 'import secrets; print(secrets.token_hex(32))').")


def _default_database_url(app: Flask) -> str:
    return f"sqlite:///{Path(app.instance_path) / 'globe.sqlite3'}"


def _instance_secret(app: Flask) -> str:
    """Read the generated secret key, creating it (mode 0600) the first time."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
