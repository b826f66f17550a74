"""Shared fixtures: a fresh Globe per test (temporary database and folders) and a CSRF-aware client."""
from __future__ import annotations

import re

import pytest
from databases import (
    create_database,
    drop_database,
    is_reachable,
    postgres_server_url,
    suite_database_url,
    throwaway_database,
    worker_database_url,
)
from mail_server import SITE, Inbox, free_port, mail_settings, mailing_app, smtp_server
from services_required import skip_unless_available
from sqlalchemy import create_engine
from testapp import app_config, start_empty

from globe import create_app, models  # noqa: F401  (models: registers the tables for create_all)
from globe.extensions import db

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session", autouse=True)
def _postgres_suite_database():
    """With GLOBE_TEST_DATABASE_URL: this process's database, with the schema built once."""
    base = suite_database_url()
    if base is None:
        yield
        return
    url = worker_database_url(base)
    create_database(base, url.database)
    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()
    yield
    drop_database(base, url.database)


def _running(app):
    """The app, in its context, with an empty database; cleaned up after the test."""
    with app.app_context():
        start_empty()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    yield from _running(create_app(app_config(tmp_path)))


@pytest.fixture
def public_site(tmp_path):
    """A fresh Globe at mail_server.SITE (so emailed links are absolute), with no mail server: its email stays
    in the outbox (and the log). A test module whose tests need that takes it as its `app` fixture."""
    yield from _running(create_app(app_config(tmp_path, SITE_URL=SITE)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def race_app(request, tmp_path):
    """A Globe whose database threads racing each other share (tests/races.py): a SQLite file, then a fresh
    PostgreSQL database, one test for each."""
    url = (f"sqlite:///{tmp_path / 'race.sqlite3'}" if request.param == "sqlite"
           else request.getfixturevalue("fresh_postgres_database"))
    app = create_app(app_config(tmp_path, DATABASE_URL=url))
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def inbox():
    """A real SMTP server (aiosmtpd) on a free loopback port for the length of one test."""
    handler = Inbox()
    handler.port = free_port()
    handler.server = smtp_server(handler, handler.port)
    yield handler
    handler.server.stop()


@pytest.fixture
def mail_app(app, inbox):
    """The test's Globe sending through the test server, right after each commit."""
    app.config.update(mail_settings(inbox))
    return app


@pytest.fixture
def mailing_site(tmp_path, inbox):
    """A fresh Globe at mail_server.SITE (the address its emailed links start with), mailing `inbox`.
    A test module whose every test mails takes it as its `app` fixture."""
    yield from _running(mailing_app(tmp_path, inbox))


@pytest.fixture
def postgres_server():
    """The URL of a reachable PostgreSQL server (and database to connect to), for `postgres` tests."""
    url = postgres_server_url()
    skip_unless_available(is_reachable(url), f"PostgreSQL is not reachable at {url!r}")
    return url


@pytest.fixture
def fresh_postgres_database(postgres_server):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with throwaway_database(postgres_server) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture
def empty_database_url(tmp_path):
    """A database without any table, on the backend the suite runs on."""
    base = suite_database_url()
    if base is None:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with throwaway_database(base) as url:
        yield url.render_as_string(hide_password=False)


class WebClient:
    """Flask's test client plus what a browser does: carry the CSRF token, log in through the form.

    Each request runs in its own app context (its own `g` and database session), as in production;
    afterwards the test's own session is expired so it reads what the request committed."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def open(self, url, **kwargs):
        with self.app.app_context():
            response = self.client.open(url, **kwargs)
        db.session.expire_all()
        return response

    def get(self, url, **kwargs):
        return self.open(url, method="GET", **kwargs)

    def csrf_token(self, url: str = "/login") -> str:
        html = self.get(url).get_data(as_text=True)
        match = CSRF_RE.search(html)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def post(self, url, data=None, *, csrf: bool = True, token_from: str = "/login", **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token(token_from))
        return self.open(url, method="POST", data=data, **kwargs)

    def login(self, email: str, password: str = "password123"):
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.post("/logout", token_from="/about")


@pytest.fixture
def web(app):
    return WebClient(app)


@pytest.fixture
def make_web(app):
    """More than one browser at once (e.g. a member and a facilitator)."""
    return lambda: WebClient(app)


@pytest.fixture
def stopped_login_clock(monkeypatch):
    """Password-guessing waits counted on a clock that does not move, so the wait a page shows cannot shrink
    while a slow machine runs the guesses before it."""
    from globe.models.base import utcnow
    from globe.services import login_throttle

    now = utcnow()
    monkeypatch.setattr(login_throttle, "utcnow", lambda: now)
    return now
