"""Attachments: an image shown inline in a page, files served safely, private ones stay private."""
import io

import pytest
from factories import add_member, make_community, make_page, make_user

from globe.backends import get_storage
from globe.services import wiki_pages

GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def upload(browser, url, data: bytes, name: str):
    return browser.post(url, {"file": (io.BytesIO(data), name)}, token_from=url,
                        content_type="multipart/form-data")


@pytest.fixture
def editor_browser(make_web, app):
    """An editor of CoP 'speaking', logged in, with a page called 'Page'."""
    cop = make_community("speaking")
    editor = make_user(email="ed@example.org")
    add_member(cop, editor, "editor")
    make_page(cop, "Page", author=editor)
    browser = make_web()
    browser.login("ed@example.org")
    return browser


def test_attached_image_appears_inline(make_web, app):
    cop = make_community("speaking")
    editor = make_user(email="ed@example.org")
    add_member(cop, editor, "editor")
    page = make_page(cop, "Diagram", "![The vowel chart](attachment:chart.gif)", author=editor)
    assert "missing-attachment" in page.current_revision.html
    browser = make_web()
    browser.login("ed@example.org")
    response = upload(browser, "/c/speaking/wiki/diagram/attachments", GIF, "chart.gif")
    assert response.status_code == 302
    html = browser.get("/c/speaking/wiki/diagram").get_data(as_text=True)
    assert 'src="/c/speaking/wiki/diagram/attachments/chart.gif"' in html and 'alt="The vowel chart"' in html
    image = browser.get("/c/speaking/wiki/diagram/attachments/chart.gif")
    assert image.status_code == 200 and image.mimetype == "image/gif" and image.data == GIF
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in image.headers.get("Content-Disposition", "")


def test_lying_or_unsafe_files_are_refused_and_nothing_is_stored(editor_browser):
    browser = editor_browser
    url = "/c/speaking/wiki/page/attachments"
    lying = upload(browser, url, GIF, "notes.pdf")
    assert lying.status_code == 400 and "its content is" in lying.get_data(as_text=True)
    svg = upload(browser, url, b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.svg")
    assert svg.status_code == 415
    empty = upload(browser, url, b"", "empty.txt")
    assert empty.status_code == 400
    assert list(get_storage().iter_keys()) == []


def test_html_attachment_is_downloaded_not_rendered(editor_browser):
    browser = editor_browser
    upload(browser, "/c/speaking/wiki/page/attachments", b"<html><script>alert(1)</script></html>", "evil.html")
    response = browser.get("/c/speaking/wiki/page/attachments/evil.html")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_members_only_attachments_are_private(web, app):
    cop = make_community("secret", visibility="members")
    editor = make_user()
    add_member(cop, editor, "editor")
    page = make_page(cop, "Plans", author=editor)
    from werkzeug.datastructures import FileStorage

    from globe.services import wiki_attachments
    wiki_attachments.attach(editor, page, FileStorage(io.BytesIO(GIF), "chart.gif"))
    assert web.get("/c/secret/wiki/plans/attachments/chart.gif").status_code in (302, 401)
    make_user(email="out@example.org")
    web.login("out@example.org")
    assert web.get("/c/secret/wiki/plans/attachments/chart.gif").status_code == 403
    assert wiki_pages.find_page(cop, "plans") is not None
