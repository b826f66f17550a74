"""Caching headers: what a signed-in person sees never sits in a shared cache; anonymous public
pages keep their caching. And the front door tells feed readers where its Atom feeds are."""

from __future__ import annotations

import io
import re

import pytest
from factories import PASSWORD, add_member, make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.services import accounts, resources

PERSONAL = ("private", "no-store")


@pytest.fixture
def member(app):
    person = make_user("Mei", email="mei@example.org")
    cop = make_community("speaking", name="Speaking", facilitator=person)
    make_page(cop, "Warm-up games", author=person)
    resources.add_resource(
        person,
        cop,
        upload=FileStorage(io.BytesIO(b"A lesson."), filename="lesson.txt"),
        title="Lesson",
    )
    add_member(make_community("quiet"), person)
    return person


PAGES = [
    "/",
    "/about",
    "/c/speaking",
    "/c/speaking/wiki/warm-up-games",
    "/c/speaking/resources",
    "/resources/1",
    "/search?q=lesson",
    "/incubator",
    "/resources",
]


def _directives(response) -> set[str]:
    return {
        part.strip()
        for part in response.headers.get("Cache-Control", "").split(",")
        if part.strip()
    }


def test_every_page_for_a_signed_in_person_is_private_and_not_stored(web, member):
    web.login(member.email, PASSWORD)
    for url in PAGES + ["/profile", "/nowhere-at-all"]:
        response = web.get(url, follow_redirects=True)
        assert response.status_code < 500, url
        assert set(PERSONAL) <= _directives(response), (url, response.headers.get("Cache-Control"))


def test_anonymous_public_pages_keep_their_caching(app, member):
    """Pages that start no session (no form token, no message) are the same for every visitor."""
    shared = []
    for url in PAGES:
        for _ in range(2):  # the second wiki read comes from the page cache
            with app.app_context():
                response = app.test_client().get(url)
            assert response.status_code == 200, url
            starts_session = "Set-Cookie" in response.headers
            assert bool(set(PERSONAL) & _directives(response)) == starts_session, url
            if not starts_session:
                shared.append(url)
    assert {"/", "/about", "/c/speaking/wiki/warm-up-games", "/resources"} <= set(shared)


def test_a_page_that_starts_an_anonymous_session_is_private(web, member):
    """The login form holds a CSRF token bound to this visitor's new session."""
    response = web.get("/login")
    assert "Set-Cookie" in response.headers and set(PERSONAL) <= _directives(response)


def test_static_files_stay_publicly_cacheable_when_signed_in(web, member):
    web.login(member.email, PASSWORD)
    stylesheet = re.search(
        r'rel="stylesheet" href="([^"]+)"', web.get("/").get_data(as_text=True)
    ).group(1)
    directives = _directives(web.get(stylesheet))
    assert "public" in directives and "no-store" not in directives


def test_downloads_for_a_signed_in_person_are_private_and_revalidated(web, member):
    web.login(member.email, PASSWORD)
    response = web.get("/resources/1/download")
    assert (
        response.status_code == 200
        and "private" in _directives(response)
        and response.headers["ETag"]
    )


def test_api_answers_to_a_token_are_private_and_anonymous_ones_are_not(app, member):
    client = app.test_client()
    token = accounts.create_token(member, name="t", expires_in_days=None)[1]
    personal = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert personal.status_code == 200 and set(PERSONAL) <= _directives(personal)
    anonymous = client.get("/api/v1/communities")
    assert anonymous.status_code == 200 and not set(PERSONAL) & _directives(anonymous)


def test_the_home_page_head_links_its_atom_feeds(web, member):
    html = web.get("/").get_data(as_text=True)
    head = html.split("</head>")[0]
    links = re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">', head
    )
    assert {title for title, _ in links} >= {"New resources on Globe", "Recent changes on Globe"}
    for _, href in links:
        feed = web.get(href)
        assert feed.status_code == 200 and feed.mimetype == "application/atom+xml", href
