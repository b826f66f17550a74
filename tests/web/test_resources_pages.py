"""Resources in the browser: sharing, the resource page with preview and versions, downloads, lists, boards."""
import io

import pytest
from documents import pdf_bytes
from factories import add_member, make_community, make_user

from globe.services import resources


@pytest.fixture
def member_browser(make_web, app):
    cop = make_community("speaking", name="Teaching Speaking")
    add_member(cop, make_user(email="mei@example.org"))
    browser = make_web()
    browser.login("mei@example.org")
    return browser


FORM = {"title": "Verb games", "description": "Play in pairs", "tags": "verbs", "levels": ["a2"],
        "skills": ["grammar"], "resource_type": "worksheet", "language": "en", "license": "cc-by"}


def share(browser, files, **extra):
    data = {**FORM, **extra, "files": files}
    return browser.post("/c/speaking/resources/new", data, token_from="/c/speaking/resources/new",
                        content_type="multipart/form-data")


def test_share_view_and_download(member_browser):
    response = share(member_browser, [(io.BytesIO(pdf_bytes(["Irregular verbs list"])), "verbs.pdf")])
    assert response.status_code == 302
    page = member_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Verb games" in page and "Irregular verbs list" in page and "A2" in page and "Download verbs.pdf" in page
    resource_id = int(response.headers["Location"].rsplit("/", 1)[1])
    download = member_browser.get(f"/resources/{resource_id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert resources.get_resource(make_user(), resource_id).download_count == 1


def test_several_files_make_several_resources(member_browser):
    response = share(member_browser, [(io.BytesIO(b"first file"), "one.txt"), (io.BytesIO(b"second file"), "two.txt")])
    assert response.status_code == 302
    listing = member_browser.get("/c/speaking/resources").get_data(as_text=True)
    assert "Verb games – one.txt" in listing and "Verb games – two.txt" in listing and "2 resources" in listing


def test_duplicate_upload_links_to_the_existing_resource(member_browser):
    share(member_browser, [(io.BytesIO(b"same bytes"), "a.txt")])
    response = share(member_browser, [(io.BytesIO(b"same bytes"), "b.txt")])
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "already shared" in html and "See it" in html


def test_hostile_filename_and_description_are_shown_escaped(member_browser):
    response = share(member_browser, [(io.BytesIO(b"text"), "<img src=x onerror=alert(1)>.txt")],
                     description="<script>alert(2)</script> **bold**")
    html = member_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html and "<strong>bold</strong>" in html


def test_filters_in_the_list(member_browser):
    share(member_browser, [(io.BytesIO(b"a2 file"), "a.txt")])
    share(member_browser, [(io.BytesIO(b"c1 file"), "c.txt")], title="Debate club", levels=["c1"])
    listing = member_browser.get("/c/speaking/resources?level=c1").get_data(as_text=True)
    assert "Debate club" in listing and "Verb games" not in listing
    everywhere = member_browser.get("/resources?sort=title").get_data(as_text=True)
    assert everywhere.index("Debate club") < everywhere.index("Verb games")


def test_new_version_and_older_one_still_downloadable(member_browser):
    response = share(member_browser, [(io.BytesIO(b"first version"), "a.txt")])
    url = response.headers["Location"]
    member_browser.post(f"{url}/versions", {"file": (io.BytesIO(b"second version"), "a.txt")}, token_from=url,
                        content_type="multipart/form-data")
    assert member_browser.get(f"{url}/download").data == b"second version"
    assert member_browser.get(f"{url}/download?version=1").data == b"first version"
    assert member_browser.get(f"{url}/download?version=9").status_code == 404


def test_private_resources_are_unreachable_by_direct_url(make_web, app):
    cop = make_community("secret", visibility="members")
    member = make_user()
    add_member(cop, member)
    from werkzeug.datastructures import FileStorage
    resource = resources.add_resource(member, cop, upload=FileStorage(io.BytesIO(b"secret"), "s.txt"), title="Secret")
    outsider = make_web()
    make_user(email="out@example.org")
    outsider.login("out@example.org")
    for url in (f"/resources/{resource.id}", f"/resources/{resource.id}/download", f"/resources/{resource.id}/preview"):
        assert outsider.get(url).status_code == 404
    assert "Secret" not in outsider.get("/resources").get_data(as_text=True)


def test_boards_collect_resources(member_browser):
    response = share(member_browser, [(io.BytesIO(b"board me"), "a.txt")])
    resource_id = int(response.headers["Location"].rsplit("/", 1)[1])
    created = member_browser.post(f"/boards?add={resource_id}", {"name": "Term 1", "description": ""},
                                  token_from="/boards")
    board_url = created.headers["Location"]
    assert "Verb games" in member_browser.get(board_url).get_data(as_text=True)


def test_boards_are_private_to_their_owner(member_browser, make_web):
    board_url = member_browser.post("/boards", {"name": "Mine"}, token_from="/boards").headers["Location"]
    make_user(email="other@example.org")
    stranger = make_web()
    stranger.login("other@example.org")
    assert stranger.get(board_url).status_code == 404


def test_upload_over_the_limit_gets_a_clear_413(member_browser, app):
    app.config["MAX_CONTENT_LENGTH"] = 5000
    response = share(member_browser, [(io.BytesIO(b"x" * 6000), "big.txt")])
    assert response.status_code == 413 and "limit" in response.get_data(as_text=True)
