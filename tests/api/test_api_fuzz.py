"""Schemathesis drives every /api/v1 operation from the OpenAPI document against the app (in process, no network).

One Globe holds a community, a wiki page, resources, a submitted proposal with an assigned mentor, other
members, a declared conflict and discussions with replies; the path parameters point at them, so requests
reach real code.
The checks: no server error, and every response's status code, content type, headers and body match the
document. Bounded and derandomized, so a run is quick and repeatable."""
import io
import random

import pytest
import schemathesis
from factories import add_member, make_community, make_page, make_user
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from testapp import app_config, start_empty
from werkzeug.datastructures import FileStorage

from globe import create_app
from globe.api.openapi import document
from globe.extensions import db
from globe.services import accounts, conversations, incubator, mentoring, resources

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]

schema = schemathesis.openapi.from_dict(document())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
schema.config.phases.coverage.unexpected_methods = set()  # undocumented methods: only `unsupported_method` reads them


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One Globe for the whole module, on the suite's database: seeding one per operation would cost more
    than the fuzzing."""
    app = create_app(app_config(tmp_path_factory.mktemp("fuzz")))
    with app.app_context():
        start_empty()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def seeded(app) -> dict:
    """Data for every path parameter, and a token for an admin and mentor who facilitates the community and
    owns it all. DELETE operations get objects of their own, so deleting does not starve the others."""
    caller = make_user("Fuzz Admin", admin=True, mentor=True, expertise="publishing")
    cop = make_community("fuzz-cop", policy="request", facilitator=caller)
    member, leaving = make_user("Member"), make_user("Leaving")
    add_member(cop, member)
    add_member(cop, leaving)
    page = make_page(cop, "Warm-up games", "Start with [[Past simple]].", author=caller, tags=["speaking"])
    kept, deleted = (resources.add_resource(caller, cop, upload=FileStorage(io.BytesIO(text), filename="lesson.txt"),
                                            title="Past simple lesson", levels="a2")
                     for text in (b"A lesson about the past simple.", b"A lesson to delete."))
    mentor = make_user("Mentor", mentor=True, expertise="course design")
    proposal = incubator.create_proposal(caller, title="Course for nurses", summary="Six weeks of tasks",
                                         description="Tasks", needs=["course design"], community=cop.slug)
    incubator.transition(caller, proposal, "submitted")
    assignment = mentoring.assign(caller, proposal, mentor.id)
    conflict = mentoring.declare_conflict(caller, reason="We work together.", person_email=member.email)
    kept_thread, deleted_thread = (conversations.start_thread(caller, cop, kind="question", title=title, body="How?")
                                   for title in ("Warm-ups for B1?", "A thread to delete"))
    kept_post, deleted_post = (conversations.reply(member, thread, body="Try a song.")
                               for thread in (kept_thread, deleted_thread))
    return {"token": accounts.create_token(caller, name="fuzz", expires_in_days=None)[1],
            "path": {"slug": cop.slug, "page_slug": page.slug, "resource_id": kept.id, "user_id": member.id,
                     "proposal_id": proposal.id, "assignment_id": assignment.id, "conflict_id": conflict.id,
                     "thread_id": kept_thread.id, "post_id": kept_post.id},
            "delete": {"resource_id": deleted.id, "user_id": leaving.id, "thread_id": deleted_thread.id,
                       "post_id": deleted_post.id}}


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_every_operation_conforms_to_the_document(case, app, seeded):
    if case.path_parameters:
        pins = {**seeded["path"], **(seeded["delete"] if case.method == "DELETE" else {})}
        case.path_parameters = {name: pins.get(name, value) for name, value in case.path_parameters.items()}
    headers = {"Authorization": f"Bearer {seeded['token']}",
               "Accept-Encoding": "identity"}  # the WSGI transport does not decompress gzip or brotli
    random.seed()  # Hypothesis seeds the global `random` alike for every example; Whoosh names segments with it
    with app.app_context():  # each request its own context, as in production
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)


# What the fuzzer found, kept as plain tests: each was a 500 before (the NUL characters on PostgreSQL).

@pytest.mark.parametrize("method, url, body, field", [
    ("POST", "/api/v1/communities", {"slug": "new-cop", "name": "New", "domain": "x", "description": [None]},
     "description"),
    ("POST", "/api/v1/communities/fuzz-cop/resources", {"url": "https://example.org", "title": 5}, "title"),
    ("POST", "/api/v1/communities/fuzz-cop/resources", {"url": "https://example.org", "title": "T", "levels": 3},
     "levels"),
    ("PATCH", "/api/v1/resources/{resource_id}", {"tags": [1, 2]}, "tags"),
])
def test_fields_of_the_wrong_json_type_are_invalid_input(api, seeded, method, url, body, field):
    response = api(method, url.format(**seeded["path"]), token=seeded["token"], json=body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize("method, url, body, status", [
    ("GET", "/api/v1/resources?community=a%00b", None, 422),
    ("GET", "/api/v1/search?q=speaking%00", None, 422),
    ("GET", "/api/v1/communities/fuzz%00cop", None, 404),
    ("POST", "/api/v1/tokens", {"email": "a\x00@example.org", "password": "x"}, 422),
    ("PUT", "/api/v1/communities/fuzz-cop/wiki/warm-up-games", {"body": "x", "summary": "a\x00"}, 422),
])
def test_nul_characters_are_refused_up_front(api, seeded, method, url, body, status):
    """PostgreSQL cannot store NUL characters: without this check they failed deep inside a query."""
    response = api(method, url, token=seeded["token"], json=body)
    assert response.status_code == status and response.mimetype == "application/problem+json"


# What the fuzzer found next, and its neighbours: ids beyond 64 bits reached SQLite (OverflowError, a 500);
# "²" passed str.isdigit() and failed int(); a body nested 100,000 deep overflowed the JSON parser.

@pytest.mark.parametrize("method, url, body, status", [
    ("GET", f"/api/v1/resources/{2**63}", None, 404),
    ("GET", f"/api/v1/resources/{2**64}", None, 404),
    ("GET", "/api/v1/resources/99999999999999999999/download", None, 404),
    ("GET", "/api/v1/resources/0", None, 404),
    ("GET", f"/api/v1/proposals/{2**64}/mentor-suggestions", None, 404),
    ("GET", "/api/v1/resources/{resource_id}/download?version=%C2%B2", None, 422),
    ("GET", "/api/v1/resources?page=%C2%B2", None, 400),
    ("GET", "/api/v1/search?q=x&per_page=" + "9" * 5000, None, 200),
    ("PUT", "/api/v1/communities/fuzz-cop/wiki/warm-up-games", "[" * 100_000, 400),
    ("PUT", "/api/v1/communities/fuzz-cop/wiki/warm-up-games", '{"body": "x", "base_revision": 1' + "0" * 30 + "}",
     400),
    ("POST", "/api/v1/tokens", b'{"email": "\xff"}', 400),
    ("PUT", "/api/v1/mentors/me", '{"capacity": NaN}', 400),
])
def test_numbers_and_bodies_beyond_what_the_database_holds_are_refused(api, seeded, method, url, body, status):
    response = api(method, url.format(**seeded["path"]), token=seeded["token"], data=body,
                   content_type="application/json" if body is not None else None)
    assert response.status_code == status
    assert status == 200 or response.mimetype == "application/problem+json"
