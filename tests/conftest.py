"""Shared fixtures: a fresh Globe per test (temporary database and folders) and a CSRF-aware client."""
from __future__ import annotations

import re

import pytest

from globe import create_app
from globe.extensions import db
from testapp import app_config

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app(tmp_path):
    app = create_app(app_config(tmp_path))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


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
