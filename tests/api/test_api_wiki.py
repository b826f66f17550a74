"""The wiki over the API: read, create/edit with base_revision, merges and 409 conflicts, history."""
import pytest
from factories import add_member, make_community, make_page, make_user

from globe.services import accounts


@pytest.fixture
def editor_token(app):
    cop = make_community("speaking")
    editor = make_user()
    add_member(cop, editor, "editor")
    return accounts.create_token(editor, name="t", expires_in_days=None)[1]


def test_create_edit_and_read_a_page(api, editor_token):
    created = api("PUT", "/api/v1/communities/speaking/wiki/fluency-games", token=editor_token,
                  json={"title": "Fluency games", "body": "Play [[Word chain]].", "tags": ["speaking"]})
    assert created.status_code == 201 and created.get_json()["revision"] == 1
    edited = api("PUT", "/api/v1/communities/speaking/wiki/fluency-games", token=editor_token,
                 json={"body": "Play [[Word chain]] daily.", "base_revision": 1, "summary": "daily"})
    assert edited.status_code == 200 and edited.get_json()["revision"] == 2
    page = api("GET", "/api/v1/communities/speaking/wiki/fluency-games").get_json()
    assert set(page) >= {"slug", "title", "body", "html", "revision", "updated", "tags", "links", "backlinks"}
    assert page["links"] == [{"community": "speaking", "slug": "word-chain", "title": "Word chain"}]
    revisions = api("GET", "/api/v1/communities/speaking/wiki/fluency-games/revisions").get_json()
    assert [item["revision"] for item in revisions["items"]] == [2, 1]
    listing = api("GET", "/api/v1/communities/speaking/wiki").get_json()
    assert listing["items"][0]["slug"] == "fluency-games"


def test_merge_and_conflict_over_the_api(api, editor_token):
    url = "/api/v1/communities/speaking/wiki/plan"
    api("PUT", url, token=editor_token, json={"title": "Plan", "body": "a\n\nb\n\nc\n"})
    api("PUT", url, token=editor_token, json={"body": "A\n\nb\n\nc\n", "base_revision": 1})
    merged = api("PUT", url, token=editor_token, json={"body": "a\n\nb\n\nC\n", "base_revision": 1})
    assert merged.status_code == 200 and merged.get_json()["merged"] is True
    assert merged.get_json()["body"] == "A\n\nb\n\nC\n"
    conflict = api("PUT", url, token=editor_token, json={"body": "X\n\nb\n\nC\n", "base_revision": 1})
    assert conflict.status_code == 409
    body = conflict.get_json()["conflict"]
    assert body["current_revision"] == 3 and "<<<<<<<" in body["merged_text_with_markers"]


@pytest.mark.parametrize("payload, field", [
    ({"body": "x"}, "base_revision"),
    ({"body": "x", "base_revision": "one"}, "base_revision"),
    ({"base_revision": 1}, "body"),
])
def test_bad_edits_are_422(api, editor_token, payload, field):
    api("PUT", "/api/v1/communities/speaking/wiki/plan", token=editor_token, json={"title": "Plan", "body": "a"})
    response = api("PUT", "/api/v1/communities/speaking/wiki/plan", token=editor_token, json=payload)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_anonymous_cannot_edit_and_private_wikis_are_hidden(api, app):
    assert api("PUT", "/api/v1/communities/nope/wiki/x", json={"body": "x"}).status_code == 404
    cop = make_community("secret", visibility="members")
    make_page(cop, "Plans")
    saved = api("PUT", "/api/v1/communities/secret/wiki/plans", json={"body": "x", "base_revision": 1})
    assert saved.status_code == 401
    assert api("GET", "/api/v1/communities/secret/wiki/plans").status_code == 401
    outsider = accounts.create_token(make_user(), name="t", expires_in_days=None)[1]
    assert api("GET", "/api/v1/communities/secret/wiki", token=outsider).status_code == 403


def test_knowledge_base_list(api, app):
    assert api("GET", "/api/v1/knowledge-base").get_json()["total"] == 0
