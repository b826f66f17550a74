"""Deleting a resource in the browser: asked first, kept in the bin, restored by its owner or a facilitator."""
import io
import re

import pytest
from factories import add_member, make_community, make_user

from globe.services import resources

META = {"description": "Play in pairs", "tags": "verbs", "levels": ["a2"], "skills": ["grammar"],
        "resource_type": "worksheet", "language": "en", "license": "cc-by"}


@pytest.fixture
def cop(app):
    community = make_community("speaking", name="Teaching Speaking")
    for email, role in (("mei@example.org", "member"), ("ola@example.org", "member"),
                        ("fran@example.org", "facilitator")):
        add_member(community, make_user(email=email), role)
    return community


def browser_for(make_web, email):
    browser = make_web()
    browser.login(email)
    return browser


def shared_by(browser, title):
    response = browser.post("/c/speaking/resources/new",
                            {**META, "title": title, "files": [(io.BytesIO(f"{title} text".encode()), "game.txt")]},
                            token_from="/c/speaking/resources/new", content_type="multipart/form-data")
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_deleting_asks_first_then_the_owner_restores_from_the_bin(make_web, cop):
    mei = browser_for(make_web, "mei@example.org")
    resource_id = shared_by(mei, "Verb games")
    question = mei.get(f"/resources/{resource_id}/delete").get_data(as_text=True)
    assert "restore it for 30 days" in question and resources.get_resource(make_user(), resource_id)
    deleted = mei.post(f"/resources/{resource_id}/delete", {}, token_from=f"/resources/{resource_id}/delete",
                       follow_redirects=True)
    assert "Moved “Verb games” to the bin" in deleted.get_data(as_text=True)
    assert "Verb games" not in mei.get("/c/speaking/resources").get_data(as_text=True)
    assert mei.get(f"/resources/{resource_id}").status_code == 404
    bin_page = mei.get("/c/speaking/bin").get_data(as_text=True)
    assert "Verb games" in bin_page and f"/resources/{resource_id}/restore" in bin_page
    restored = mei.post(f"/resources/{resource_id}/restore", {}, token_from="/c/speaking/bin")
    assert restored.status_code == 302 and restored.headers["Location"].endswith(f"/resources/{resource_id}")
    assert "Verb games" in mei.get("/c/speaking/resources").get_data(as_text=True)
    assert "The bin is empty." in mei.get("/c/speaking/bin").get_data(as_text=True)


def test_the_bin_shows_members_their_own_and_facilitators_everything(make_web, cop):
    mei, ola = browser_for(make_web, "mei@example.org"), browser_for(make_web, "ola@example.org")
    fran = browser_for(make_web, "fran@example.org")
    for browser, title in ((mei, "Mei's chant"), (ola, "Ola's quiz")):
        resource_id = shared_by(browser, title)
        browser.post(f"/resources/{resource_id}/delete", {}, token_from=f"/resources/{resource_id}/delete")
    ola_bin = ola.get("/c/speaking/bin").get_data(as_text=True)
    assert "Ola&#39;s quiz" in ola_bin and "Mei&#39;s chant" not in ola_bin
    fran_bin = fran.get("/c/speaking/bin").get_data(as_text=True)
    assert "Ola&#39;s quiz" in fran_bin and "Mei&#39;s chant" in fran_bin
    meis_id = re.search(r"/resources/(\d+)/restore", mei.get("/c/speaking/bin").get_data(as_text=True)).group(1)
    assert ola.post(f"/resources/{meis_id}/restore", {}, token_from="/c/speaking/bin").status_code == 404
    assert mei.post(f"/resources/{meis_id}/restore", {}, csrf=False).status_code == 400
    assert "Mei&#39;s chant" in fran.get("/c/speaking/bin").get_data(as_text=True)
