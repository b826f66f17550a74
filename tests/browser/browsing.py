"""What the browser tests share: the site under test, logging in, moving about with the keyboard alone."""
from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import docx
from factories import PASSWORD
from flask import Flask

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the `browser` fixture then skips (or fails in CI) and says why
    expect = sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = Path(__file__).parent / "out"  # git-ignored: screenshots and the page-weight report
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
WAIT_MS = 15_000  # the longest wait for a page or an element: generous, for a busy 2-core machine


@dataclass(frozen=True)
class Site:
    app: Flask
    base_url: str

    def build(self, make):
        """Run make() in an app context (factories and services need one); return plain values from it,
        since database rows are detached once the context ends."""
        with self.app.app_context():
            return make()


def unique(prefix: str) -> str:
    """A name no other test uses, so tests can share one server."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_in_behind_the_scenes(context, email: str, password: str = PASSWORD) -> None:
    """Log a browser context in by posting the login form over HTTP (its cookies are the context's):
    for tests whose subject is not logging in, this saves rendering the login page each time."""
    html = context.request.get("/login").text()
    token = CSRF_RE.search(html).group(1)
    # Following the redirect shows (and so clears) the "Logged in" message, as the browser would.
    response = context.request.post("/login", form={"csrf_token": token, "email": email, "password": password})
    assert response.ok and "/login" not in response.url, f"could not log in as {email}"


def tab_to(page, target, *, limit: int = 60) -> None:
    """Press Tab until `target` has the focus, as someone using only a keyboard would."""
    expect(target).to_be_visible()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {limit} presses of Tab")


def docx_with(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# A 1x1 GIF: the smallest real image the upload's content check accepts.
GIF_BYTES = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
             b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
