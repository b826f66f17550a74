"""Resources over the API: multipart upload or JSON link, filters, one resource, patch, versions, download."""
import io

import pytest
from documents import pdf_bytes
from factories import add_member, make_community, make_user

from globe.services import accounts


@pytest.fixture
def token(app):
    cop = make_community("speaking")
    member = make_user()
    add_member(cop, member)
    return accounts.create_token(member, name="t", expires_in_days=None)[1]


def upload(api, token, data=b"Lesson text", name="lesson.txt", **fields):
    form = {"file": (io.BytesIO(data), name), "title": "Lesson", "levels": "a2,b1", "skills": "speaking",
            "resource_type": "lesson-plan", **fields}
    return api("POST", "/api/v1/communities/speaking/resources", token=token, data=form,
               content_type="multipart/form-data")


def test_upload_then_read_filter_and_download(api, token):
    created = upload(api, token, pdf_bytes(["Conversation starters"]), "talk.pdf", tags="warmers")
    assert created.status_code == 201
    body = created.get_json()
    assert body["levels"] == ["a2", "b1"] and body["versions"][0]["extraction"]["status"] == "done"
    assert set(body) >= {"id", "community", "title", "description", "tags", "levels", "skills", "age_groups",
                         "resource_type", "language", "license", "owner", "created", "updated", "versions",
                         "download_url", "downloads"}
    listing = api("GET", "/api/v1/communities/speaking/resources?level=b1&type=lesson-plan").get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == body["id"]
    assert api("GET", "/api/v1/communities/speaking/resources?level=c2").get_json()["total"] == 0
    download = api("GET", f"/api/v1/resources/{body['id']}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert api("GET", f"/api/v1/resources/{body['id']}").get_json()["downloads"] == 1


def test_link_resource_and_bad_schemes(api, token):
    ok = api("POST", "/api/v1/communities/speaking/resources", token=token,
             json={"url": "https://example.org/video", "title": "A talk"})
    assert ok.status_code == 201 and ok.get_json()["url"] == "https://example.org/video"
    for bad in ("javascript:alert(1)", "data:text/html,hi"):
        response = api("POST", "/api/v1/communities/speaking/resources", token=token, json={"url": bad, "title": "x"})
        assert response.status_code == 422 and "url" in response.get_json()["errors"]


def test_errors_are_problems(api, token, app):
    assert upload(api, None).status_code == 401
    lying = upload(api, token, pdf_bytes(["x"]), "notes.docx")
    assert lying.status_code == 422 and lying.mimetype == "application/problem+json"
    assert upload(api, token, b"\x7fELF" + b"\0" * 64, "x.txt").status_code == 415
    upload(api, token, b"same", "a.txt")
    duplicate = upload(api, token, b"same", "b.txt")
    assert duplicate.status_code == 409 and duplicate.get_json()["existing"]["id"]
    app.config["MAX_UPLOAD_BYTES"] = 10
    assert upload(api, token, b"x" * 20, "big.txt").status_code == 413
    assert api("GET", "/api/v1/resources/999999").status_code == 404
    assert api("GET", "/api/v1/resources/1/download?version=x").status_code in (404, 422)


def test_patch_versions_and_delete(api, token):
    resource_id = upload(api, token).get_json()["id"]
    patched = api("PATCH", f"/api/v1/resources/{resource_id}", token=token, json={"title": "Renamed", "levels": ["c1"]})
    assert patched.status_code == 200 and patched.get_json()["levels"] == ["c1"]
    bad = api("PATCH", f"/api/v1/resources/{resource_id}", token=token, json={"license": "mine"})
    assert bad.status_code == 422
    version = api("POST", f"/api/v1/resources/{resource_id}/versions", token=token,
                  data={"file": (io.BytesIO(b"second"), "lesson.txt")}, content_type="multipart/form-data")
    assert version.status_code == 201 and len(version.get_json()["versions"]) == 2
    other = accounts.create_token(make_user(), name="t", expires_in_days=None)[1]
    assert api("DELETE", f"/api/v1/resources/{resource_id}", token=other).status_code == 403
    assert api("DELETE", f"/api/v1/resources/{resource_id}", token=token).status_code == 204
    assert api("GET", f"/api/v1/resources/{resource_id}").status_code == 404


def test_private_resources_stay_private(api, app):
    cop = make_community("secret", visibility="members")
    member = make_user()
    add_member(cop, member)
    token = accounts.create_token(member, name="t", expires_in_days=None)[1]
    created = api("POST", "/api/v1/communities/secret/resources", token=token,
                  data={"file": (io.BytesIO(b"private words"), "p.txt"), "title": "Private"},
                  content_type="multipart/form-data").get_json()
    assert api("GET", f"/api/v1/resources/{created['id']}").status_code == 404
    assert api("GET", f"/api/v1/resources/{created['id']}/download").status_code == 404
    assert api("GET", "/api/v1/resources").get_json()["total"] == 0
    assert api("GET", "/api/v1/communities/secret/resources").status_code == 401
