"""Idempotency-Key on POST /communities/{slug}/resources: a retry returns the first result and stores nothing."""
import io
import threading
from datetime import timedelta

import pytest
from factories import add_member, make_community, make_user
from sqlalchemy import func, select

from globe.extensions import db
from globe.models import IdempotencyKey, Resource
from globe.models.base import utcnow
from globe.services import accounts, idempotency

URL = "/api/v1/communities/speaking/resources"


@pytest.fixture
def tokens(app):
    cop = make_community("speaking")
    users = [make_user(), make_user()]
    for user in users:
        add_member(cop, user)
    return [accounts.create_token(user, name="t", expires_in_days=None)[1] for user in users]


def post(app, token, key=None, *, data=b"Lesson text", title="Lesson", headers=(), json=None):
    sent = [("Authorization", f"Bearer {token}"), *headers]
    if key is not None:
        sent.append(("Idempotency-Key", key))
    if json is not None:
        return app.test_client().post(URL, headers=sent, json=json)
    return app.test_client().post(URL, headers=sent, content_type="multipart/form-data",
                                  data={"file": (io.BytesIO(data), "lesson.txt"), "title": title})


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Resource))


def test_a_retry_returns_the_first_resource_and_stores_nothing(app, tokens):
    first = post(app, tokens[0], "5f0c7a3e-retry")
    again = post(app, tokens[0], "5f0c7a3e-retry")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert stored() == 1


def test_the_drafts_quoted_form_is_the_same_key(app, tokens):
    first = post(app, tokens[0], '"quoted-key"')
    assert post(app, tokens[0], "quoted-key").get_json()["id"] == first.get_json()["id"] and stored() == 1


def test_a_link_retried_with_its_key_is_stored_once(app, tokens):
    link = {"url": "https://example.org/talk", "title": "A talk"}
    ids = {post(app, tokens[0], "link-key", json=link).get_json()["id"] for _ in range(3)}
    assert len(ids) == 1 and stored() == 1
    assert post(app, tokens[0], json=link).status_code == 201 and stored() == 2  # no key: as before, a second one


@pytest.mark.parametrize("change", [{"title": "Another title"}, {"data": b"Other text"}])
def test_the_same_key_for_a_different_request_is_refused(app, tokens, change):
    assert post(app, tokens[0], "key-1").status_code == 201
    reused = post(app, tokens[0], "key-1", **change)
    assert reused.status_code == 422 and reused.mimetype == "application/problem+json"
    assert reused.get_json()["title"] == "Idempotency-Key is already used" and stored() == 1


@pytest.mark.parametrize("headers", [
    [("Idempotency-Key", "")], [("Idempotency-Key", '""')], [("Idempotency-Key", "k" * 256)],
    [("Idempotency-Key", "caf\xe9")], [("Idempotency-Key", "tab\there")], [("Idempotency-Key", '"unterminated')],
    [("Idempotency-Key", '"one"'), ("Idempotency-Key", '"two"')],
])
def test_a_malformed_key_is_a_400_problem(app, tokens, headers):
    response = post(app, tokens[0], headers=headers)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "Idempotency-Key" in response.get_json()["detail"] and stored() == 0


def test_the_longest_key_is_accepted(app, tokens):
    assert post(app, tokens[0], "k" * 255).status_code == 201


def test_keys_belong_to_their_user(app, tokens):
    mine = post(app, tokens[0], "shared-key", data=b"Mine")
    theirs = post(app, tokens[1], "shared-key", data=b"Theirs", title="Theirs")
    assert mine.status_code == theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert mine.get_json()["id"] != theirs.get_json()["id"] and stored() == 2


def test_without_a_key_nothing_changes(app, tokens):
    assert post(app, tokens[0], data=b"One").status_code == post(app, tokens[0], data=b"Two").status_code == 201
    duplicate = post(app, tokens[0], data=b"One")
    assert duplicate.status_code == 409 and duplicate.get_json()["existing"]["id"] and stored() == 2


def test_a_failed_request_leaves_no_key_behind(app, tokens):
    assert post(app, tokens[0], "try-again", title="").status_code == 422
    assert post(app, tokens[0], "try-again").status_code == 201 and stored() == 1


def test_an_expired_key_is_forgotten(app, tokens):
    first = post(app, tokens[0], "old-key").get_json()
    expired = utcnow() - idempotency.KEY_LIFETIME - timedelta(minutes=1)
    db.session.execute(db.update(IdempotencyKey).values(created_at=expired))
    db.session.commit()
    second = post(app, tokens[0], "old-key", data=b"Another file", title="Another")
    assert second.status_code == 201 and second.get_json()["id"] != first["id"]
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_the_loser_of_a_race_answers_with_the_winners_result(app, tokens, monkeypatch):
    """The winner committed after the loser looked for the key: the unique constraint stops the loser."""
    first = post(app, tokens[0], "raced").get_json()
    real_find, lookups = idempotency._find, []

    def find_too_early(scope):
        lookups.append(scope)
        return None if len(lookups) == 1 else real_find(scope)
    monkeypatch.setattr(idempotency, "_find", find_too_early)
    loser = post(app, tokens[0], "raced")
    assert loser.status_code == 201 and loser.get_json()["id"] == first["id"] and stored() == 1

    monkeypatch.setattr(idempotency, "_find", lambda scope: None)  # the winner's row cannot be read back
    outstanding = post(app, tokens[0], "raced")
    assert outstanding.status_code == 409 and "outstanding" in outstanding.get_json()["title"] and stored() == 1


def test_concurrent_copies_store_one_resource(app, tokens):
    barrier, answers = threading.Barrier(4), []

    def send():
        barrier.wait()
        answers.append(post(app, tokens[0], "concurrent"))
    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status_code for answer in answers] == [201] * 4
    assert len({answer.get_json()["id"] for answer in answers}) == 1 and stored() == 1
    assert sum("Idempotent-Replayed" in answer.headers for answer in answers) == 3
