"""Ids and page numbers no database can hold, or that are not numbers at all, answer 400 or 404 on
every page, never a 500. The table runs across the routes themselves, so a new page is covered too.
"""

from __future__ import annotations

import io
import re

import pytest
from bad_numbers import BAD_IDS, HUGE_NUMBERS
from factories import PASSWORD, make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.services import resources

BAD_NUMBERS = ["0", "-1", "abc", "1.5", "%C2%B2", "%D9%A1", "1e3"]
PAGED = ["/c/speaking/resources", "/resources", "/search?q=lesson"]
NUMBERED_ARGUMENTS = [
    "/c/speaking/wiki/warm-up-games/diff?from={}",
    "/c/speaking/wiki/warm-up-games/diff?to={}",
    "/resources/1/download?version={}",
    "/boards/new?add={}",
]


@pytest.fixture
def admin(app):
    person = make_user("Ada", admin=True, mentor=True, expertise="design")
    cop = make_community("speaking", facilitator=person)
    make_page(cop, "Warm-up games", author=person)
    resources.add_resource(
        person,
        cop,
        upload=FileStorage(io.BytesIO(b"A lesson."), filename="lesson.txt"),
        title="Zebra crossings",
    )
    return person


def _id_routes(app) -> list[tuple[str, str]]:
    return [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "<int" in rule.rule and not rule.rule.startswith("/api/")
        for method in sorted(rule.methods & {"GET", "POST"})
    ]


def _fill(rule: str, number: str) -> str:
    values = {"slug": "speaking", "page_slug": "warm-up-games", "answer": "accept"}
    return re.sub(r"<(?:int(?:\([^)]*\))?:)?(\w+)>", lambda m: values.get(m.group(1), number), rule)


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_with_an_id_answers_404_for_an_id_that_cannot_exist(app, web, admin, signed_in):
    if signed_in:
        web.login(admin.email, PASSWORD)
    routes = _id_routes(app)
    assert len(routes) > 20
    for method, rule in routes:
        for bad in BAD_IDS:
            if bad == "0" and "min=0" in rule:  # sitemap parts count from 0
                continue
            response = web.open(_fill(rule, bad), method=method)
            assert response.status_code == 404, (method, rule, bad[:30], response.status_code)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_page_number_that_is_not_a_whole_number_shows_the_first_page(web, admin, signed_in):
    if signed_in:
        web.login(admin.email, PASSWORD)
    for url in PAGED:
        for bad in BAD_NUMBERS:
            response = web.get(f"{url}{'&' if '?' in url else '?'}page={bad}")
            assert response.status_code == 200, (url, bad, response.status_code)
            assert "Zebra crossings" in response.get_data(as_text=True), (url, bad)


def test_a_page_number_beyond_64_bits_is_an_empty_page(web, admin):
    for url in PAGED:
        for huge in HUGE_NUMBERS:
            response = web.get(f"{url}{'&' if '?' in url else '?'}page={huge}")
            assert response.status_code == 200, (url, huge[:30])
            assert "Zebra crossings" in web.get(url).get_data(as_text=True), url
            assert "Zebra crossings" not in response.get_data(as_text=True).split("<main", 1)[1]


def test_numbers_in_query_arguments_never_fail_as_a_500(web, admin):
    web.login(admin.email, PASSWORD)
    for url in NUMBERED_ARGUMENTS:
        for bad in BAD_NUMBERS + HUGE_NUMBERS:
            response = web.get(url.format(bad))
            assert response.status_code in (400, 404, 422), (url, bad[:30], response.status_code)
