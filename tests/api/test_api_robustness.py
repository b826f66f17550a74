"""Bad numbers and bad bodies on every API route answer a 4xx problem, never a 500.

Ids beyond what a column holds (64 bits on SQLite, 32 on PostgreSQL) once reached the database and
failed there (schemathesis found it on GET /resources/{id}); bodies nested 100,000 deep overflowed
the parser. The tables run across the routes
themselves, so a new endpoint is covered the day it is added."""

from __future__ import annotations

import io
import re

import pytest
from bad_numbers import BAD_IDS
from bad_numbers import HUGE_NUMBERS as HUGE_PAGES
from factories import make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.extensions import db
from globe.services import accounts, resources

BAD_PAGES = ["0", "-1", "abc", "1.5", "%C2%B2", "%D9%A1", "1e3", "+1"]
MALFORMED_JSON = {
    "nested 100,000 deep": "[" * 100_000,
    "objects nested 5,000 deep": '{"a":' * 5_000,
    "nested 65 deep": "[" * 65 + "]" * 65,
    "invalid UTF-8": b'{"title": "\xff\xfe"}',
    "not JSON at all": "title=x",
    "integer beyond 64 bits": '{"title": "x", "base_revision": 1' + "0" * 30 + "}",
    "id beyond a database integer": '{"title": "x", "team": [2147483648]}',
    "integer of 5,000 digits": '{"title": "x", "mentor_id": ' + "9" * 5_000 + "}",
    "number beyond a double": '{"capacity": 1e999}',
    "NaN": '{"capacity": NaN}',
    "truncated": '{"title": "x"',
}
NOT_AN_OBJECT = {"a list": "[1, 2]", "a string": '"title"', "a number": "7", "null": "null"}


@pytest.fixture
def seeded(app):
    admin = make_user("Admin", admin=True, mentor=True, expertise="design")
    cop = make_community("cop", facilitator=admin)
    make_page(cop, "Home", author=admin)
    upload = FileStorage(io.BytesIO(b"A lesson."), filename="lesson.txt")
    resource = resources.add_resource(admin, cop, upload=upload, title="Lesson")
    return {
        "token": accounts.create_token(admin, name="t", expires_in_days=None)[1],
        "slug": cop.slug,
        "resource_id": resource.id,
        "admin": admin,
        "cop": cop,
    }


def _routes(app, methods: set[str]) -> list[tuple[str, str]]:
    return [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in sorted(rule.methods & methods)
    ]


def _fill(rule: str, seeded: dict, number: str = "1") -> str:
    """The route with its slugs pointing at real things and each id set to `number`."""
    values = {"slug": seeded["slug"], "page_slug": "home", "resource_id": number}
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: values.get(m.group(1), number), rule)


def _is_problem(response, *statuses) -> bool:
    return response.status_code in statuses and response.mimetype == "application/problem+json"


def test_every_route_with_an_id_answers_404_for_an_id_that_cannot_exist(api, app, seeded):
    routes = [
        (method, rule)
        for method, rule in _routes(app, {"GET", "POST", "PUT", "PATCH", "DELETE"})
        if "<int:" in rule
    ]
    assert routes
    for method, rule in routes:
        for bad in BAD_IDS:
            response = api(method, _fill(rule, seeded, bad), token=seeded["token"], json={})
            assert _is_problem(response, 404, 405), (method, rule, bad[:30], response.status_code)


@pytest.mark.parametrize("name", ["page", "per_page"])
def test_every_list_answers_400_for_a_page_that_is_not_a_whole_number(api, app, seeded, name):
    lists = [rule for method, rule in _routes(app, {"GET"}) if "openapi" not in rule]
    for rule in lists:
        for bad in BAD_PAGES:
            response = api("GET", f"{_fill(rule, seeded)}?{name}={bad}", token=seeded["token"])
            assert response.status_code < 500, (rule, name, bad[:30], response.status_code)
            if _is_list(rule):
                assert _is_problem(response, 400) and name in response.get_json()["errors"], (
                    rule,
                    bad[:30],
                )


def _is_list(rule: str) -> bool:
    """Whether the route answers with a page of a list (it documents ?page)."""
    return rule.endswith(
        (
            "/communities",
            "/resources",
            "/members",
            "/wiki",
            "/revisions",
            "/proposals",
            "/mentors",
            "/knowledge-base",
            "/search",
            "/threads",
            "/posts",
            "/comments",
        )
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/communities",
        "/api/v1/resources",
        "/api/v1/search?q=lesson",
        "/api/v1/communities/cop/members",
        "/api/v1/proposals",
    ],
)
def test_a_page_beyond_64_bits_is_an_empty_page_not_an_error(api, seeded, url):
    for huge in HUGE_PAGES:
        response = api(
            "GET", f"{url}{'&' if '?' in url else '?'}page={huge}", token=seeded["token"]
        )
        assert response.status_code == 200, (url, huge)
        body = response.get_json()
        assert body.get("items", body.get("results")) == []


def test_every_body_taking_route_answers_400_for_malformed_json(api, app, seeded):
    for method, rule in _routes(app, {"POST", "PUT", "PATCH"}):
        for what, body in MALFORMED_JSON.items():
            response = api(
                method,
                _fill(rule, seeded),
                token=seeded["token"],
                data=body,
                content_type="application/json",
            )
            assert _is_problem(response, 400), (method, rule, what, response.status_code)
            assert "not valid JSON" in response.get_json()["detail"]


JSON_OBJECT_ROUTES = [
    ("POST", "/api/v1/tokens"),
    ("POST", "/api/v1/communities"),
    ("POST", "/api/v1/communities/cop/join"),
    ("POST", "/api/v1/communities/cop/resources"),
    ("PATCH", "/api/v1/resources/{resource_id}"),
    ("PUT", "/api/v1/communities/cop/wiki/home"),
    ("POST", "/api/v1/proposals"),
    ("PUT", "/api/v1/mentors/me"),
    ("POST", "/api/v1/mentors/me/conflicts"),
]


def test_a_json_body_that_is_not_an_object_is_a_400(api, seeded):
    for method, url in JSON_OBJECT_ROUTES:
        for what, body in NOT_AN_OBJECT.items():
            response = api(
                method,
                url.format(**seeded),
                token=seeded["token"],
                data=body,
                content_type="application/json",
            )
            assert _is_problem(response, 400), (method, url, what, response.status_code)
            assert "JSON object" in response.get_json()["detail"]


def test_a_body_of_the_wrong_content_type_is_a_415_saying_what_to_send(api, seeded):
    wrong_types = ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
    for method, url in JSON_OBJECT_ROUTES:
        for content_type in wrong_types:
            response = api(
                method,
                url.format(**seeded),
                token=seeded["token"],
                data='{"title": "x"}',
                content_type=content_type,
            )
            assert _is_problem(response, 415), (method, url, content_type, response.status_code)
            assert re.search("application/json|multipart/form-data", response.get_json()["detail"])
    upload = api(
        "POST",
        f"/api/v1/resources/{seeded['resource_id']}/versions",
        token=seeded["token"],
        json={"file": "x"},
    )
    assert _is_problem(upload, 415) and "multipart/form-data" in upload.get_json()["detail"]


def test_a_join_without_a_body_still_works(api, seeded):
    joiner = make_user()
    token = accounts.create_token(joiner, name="t", expires_in_days=None)[1]
    assert api("POST", "/api/v1/communities/cop/join", token=token).status_code == 201


@pytest.mark.parametrize(
    "state", ["binned", "extraction failed", "extraction running", "link without versions"]
)
def test_get_resource_answers_every_state_without_a_500(api, seeded, state):
    admin, cop = seeded["admin"], seeded["cop"]
    if state == "link without versions":
        resource = resources.add_resource(
            admin, cop, url="https://example.org/lesson", title="A link"
        )
    else:
        upload = FileStorage(io.BytesIO(f"A lesson: {state}.".encode()), filename="state.txt")
        resource = resources.add_resource(admin, cop, upload=upload, title=state)
    if state == "binned":
        resources.delete_resource(admin, resource)
    elif state.startswith("extraction"):
        resource.versions[0].extraction_status = state.split()[1]
        resource.versions[0].extraction_error = "Unreadable." if state.endswith("failed") else None
        db.session.commit()
    response = api("GET", f"/api/v1/resources/{resource.id}", token=seeded["token"])
    if state == "binned":
        assert _is_problem(response, 404)
        return
    assert response.status_code == 200
    body = response.get_json()
    if state == "link without versions":
        assert body["versions"] == [] and body["download_url"] is None
    else:
        expected = {"failed": "failed", "running": "pending"}[state.split()[1]]
        assert body["versions"][0]["extraction"]["status"] == expected
