"""Globe served on a loopback port and driven by Debian's Chromium through Playwright.

One server and one browser per pytest process (so each xdist worker has its own port); each test
opens fresh browser contexts, so cookies never leak between tests. Tests create their own users and
communities with unique names, which is what makes sharing one server safe."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from browsing import CHROMIUM, WAIT_MS, Site, expect, log_in_behind_the_scenes, sync_playwright
from sample import build_sample, main_page
from services_required import skip_unless_available
from testapp import app_config
from werkzeug.serving import make_server

from globe import create_app
from globe.extensions import db

BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A real Globe server in a thread, with a fresh instance folder and SQLite database."""
    folder = tmp_path_factory.mktemp("globe-site")
    # Always SQLite: a shared PostgreSQL test database is emptied by other tests between requests.
    # TESTING off, as in production: an unexpected error shows the 500 page instead of escaping.
    config = app_config(folder, DATABASE_URL=f"sqlite:///{folder / 'globe.sqlite3'}", TESTING=False)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="globe-test-server", daemon=True)
    thread.start()
    yield Site(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    skip_unless_available(sync_playwright is not None,
                          "Playwright for Python is not installed (pip install -e '.[test]')")
    skip_unless_available(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        # Debian's Chromium, never a browser downloaded by Playwright.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        expect.set_options(timeout=WAIT_MS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, site):
    """open_page(as_user=email, **context_options) -> a page in a new browser context, closed after the test."""
    contexts = []

    def open_page(*, as_user: str | None = None, **options):
        context = browser.new_context(base_url=site.base_url, **options)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        if as_user:
            log_in_behind_the_scenes(context, as_user)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def sample(site):
    return site.build(build_sample)


@pytest.fixture(scope="session")
def admin_cookies(browser, site, sample):
    """The admin's logged-in browser state, made once, so page-by-page checks need not log in each time."""
    context = browser.new_context(base_url=site.base_url)
    log_in_behind_the_scenes(context, sample.admin_email)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def main_page_for(open_page, sample, admin_cookies):
    """main_page_for(kind, **context_options) -> (a page in a new context, so with an empty cache; the
    address of that page type's example)."""
    def main_page_for(kind: str, **options):
        address, logged_in = main_page(kind, sample)
        return open_page(storage_state=admin_cookies if logged_in else None, **options), address
    return main_page_for


@pytest.fixture(scope="session")
def reading_page_for(browser, site, sample, admin_cookies):
    """reading_page_for(kind, bypass_csp=False) -> (a page kept open for the whole run, the address of
    that page type's example). Only for checks that read pages: it saves a new browser context a test."""
    pages = {}

    def reading_page_for(kind: str, *, bypass_csp: bool = False):
        address, logged_in = main_page(kind, sample)
        if (logged_in, bypass_csp) not in pages:
            context = browser.new_context(base_url=site.base_url, bypass_csp=bypass_csp,
                                          storage_state=admin_cookies if logged_in else None)
            context.set_default_timeout(WAIT_MS)
            pages[logged_in, bypass_csp] = context.new_page()
        return pages[logged_in, bypass_csp], address

    yield reading_page_for
    for page in pages.values():
        page.context.close()
