"""A refused form shows again with everything the person typed (a file must be chosen again, and it says so)."""
import io
import re

from factories import add_member, make_community, make_user

TYPED = {"title": "Verb games", "description": "Play in **pairs**", "alt_text": "Two dice", "tags": "verbs, dice",
         "levels": ["a2", "b1"], "age_groups": ["teens"], "skills": ["grammar"], "resource_type": "worksheet",
         "language": "es", "license": "cc-by-sa"}


def _member(make_web, role: str = "member"):
    community = make_community("speaking")
    add_member(community, make_user(email="mei@example.org"), role)
    browser = make_web()
    browser.login("mei@example.org")
    return browser


def _share(browser, content: bytes, **typed):
    data = {**TYPED, **typed, "files": [(io.BytesIO(content), "verbs.txt")]}
    return browser.post("/c/speaking/resources/new", data, token_from="/c/speaking/resources/new",
                        content_type="multipart/form-data")


def _checked(html: str, name: str) -> set[str]:
    return {m.group(1) for m in re.finditer(rf'<input[^>]*checked[^>]*name="{name}"[^>]*value="([^"]+)"', html)} | \
        {m.group(1) for m in re.finditer(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"[^>]*checked', html)}


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.DOTALL).group(0)
    return re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select).group(0)


def test_refused_upload_keeps_every_metadata_field_and_asks_for_the_file_again(make_web, app):
    browser = _member(make_web)
    assert _share(browser, b"same bytes").status_code == 302
    response = _share(browser, b"same bytes", title="Verb games again")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "already shared" in html
    assert 'value="Verb games again"' in html and "Play in **pairs**</textarea>" in html
    assert 'value="Two dice"' in html and 'value="verbs, dice"' in html and 'value="es"' in html
    assert _checked(html, "levels") == {"a2", "b1"} and _checked(html, "age_groups") == {"teens"}
    assert _checked(html, "skills") == {"grammar"}
    assert "worksheet" in _selected(html, "resource_type") and "cc-by-sa" in _selected(html, "license")
    assert "choose the file again" in html


def test_a_form_shown_for_the_first_time_does_not_ask_for_a_file_again(make_web, app):
    html = _member(make_web).get("/c/speaking/resources/new").get_data(as_text=True)
    assert "choose the file again" not in html


def test_refused_wiki_edit_keeps_the_text(make_web, app):
    browser = _member(make_web, "editor")
    response = browser.post("/c/speaking/wiki/-/new", {"title": "", "body": "My long careful text", "summary": "first",
                                                       "tags": "games", "base_revision": "0"},
                            token_from="/c/speaking/wiki/-/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "My long careful text</textarea>" in html and 'value="first"' in html and 'value="games"' in html


def test_refused_community_create_keeps_what_was_typed(make_web, app):
    make_community("taken")
    make_user(email="admin@example.org", admin=True)
    browser = make_web()
    browser.login("admin@example.org")
    response = browser.post("/communities/new", {"slug": "taken", "name": "Second CoP", "domain": "Phonics",
                                                 "description": "About *phonics*", "policy": "request",
                                                 "visibility": "members", "default_license": "cc-by"},
                            token_from="/communities/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Second CoP"' in html and 'value="Phonics"' in html and "About *phonics*</textarea>" in html


def test_refused_proposal_keeps_what_was_typed(make_web, app):
    make_user(email="lead@example.org")
    browser = make_web()
    browser.login("lead@example.org")
    response = browser.post("/incubator/new", {"title": "", "summary": "Six weeks online", "problem": "Nurses",
                                               "needs": "course design", "community": ""},
                            token_from="/incubator/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Six weeks online"' in html and "Nurses</textarea>" in html and 'value="course design"' in html


def test_refused_file_kind_keeps_the_form_filled_in(make_web, app):
    browser = _member(make_web)
    data = {**TYPED, "files": [(io.BytesIO(b"MZ\x90\x00binary"), "tool.exe")]}
    response = browser.post("/c/speaking/resources/new", data, token_from="/c/speaking/resources/new",
                            content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 415 and "not accepted here" in html
    assert 'value="Verb games"' in html and _checked(html, "levels") == {"a2", "b1"}
    assert "choose the file again" in html
