"""The wiki in the browser: create with preview, edit, conflicts, history, diff, rename, delete, feeds."""
import html as html_lib
import re

from factories import add_member, make_community, make_page, make_user

from globe.services import wiki_pages


def editor_browser(make_web, community, email="ed@example.org"):
    user = make_user(email=email)
    add_member(community, user, "editor")
    browser = make_web()
    browser.login(email)
    return user, browser


def edit_form(browser, url):
    html = browser.get(url).get_data(as_text=True)
    base = re.search(r'name="base_revision" type="hidden" value="(\d+)"', html).group(1)
    return html, base


def test_create_page_with_preview_then_save(make_web, app):
    cop = make_community("speaking")
    _, browser = editor_browser(make_web, cop)
    data = {"title": "Teaching Speaking", "body": "## Warmers\n\nSee [[Fluency]].", "tags": "speaking",
            "summary": "first draft", "base_revision": "0"}
    preview = browser.post("/c/speaking/wiki/-/new", {**data, "preview": "Preview"},
                           token_from="/c/speaking/wiki/-/new")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview (not saved yet)" in html and 'class="wikilink redlink"' in html
    assert wiki_pages.find_page(cop, "teaching-speaking") is None
    saved = browser.post("/c/speaking/wiki/-/new", {**data, "save": "Save page"}, token_from="/c/speaking/wiki/-/new")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/c/speaking/wiki/teaching-speaking")
    page_html = browser.get("/c/speaking/wiki/teaching-speaking").get_data(as_text=True)
    assert 'id="warmers"' in page_html and "Revision 1" in page_html and "speaking" in page_html


def test_two_editors_at_once_lose_nothing(make_web, app):
    cop = make_community("speaking")
    page = make_page(cop, "Fluency", "Line one.\n\nLine two.\n\nLine three.\n")
    _, alice = editor_browser(make_web, cop, "alice@example.org")
    _, bob = editor_browser(make_web, cop, "bob@example.org")
    _, alice_base = edit_form(alice, "/c/speaking/wiki/fluency/edit")
    _, bob_base = edit_form(bob, "/c/speaking/wiki/fluency/edit")
    alice.post("/c/speaking/wiki/fluency/edit", {"title": "Fluency",
                                                 "body": "Line one by Alice.\n\nLine two.\n\nLine three.\n",
                                                 "base_revision": alice_base, "save": "Save"},
               token_from="/c/speaking/wiki/fluency/edit")
    response = bob.post("/c/speaking/wiki/fluency/edit", {"title": "Fluency",
                                                          "body": "Line one by Bob.\n\nLine two.\n\nLine three.\n",
                                                          "base_revision": bob_base, "save": "Save"},
                        token_from="/c/speaking/wiki/fluency/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Edit conflict" in html
    assert "Line one by Bob." in html and "Line one by Alice." in html and "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" in html
    assert 'name="base_revision" type="hidden" value="2"' in html
    resolved = bob.post("/c/speaking/wiki/fluency/edit", {"title": "Fluency",
                                                          "body": "Line one by Alice and Bob.\n\n"
                                                                  "Line two.\n\nLine three.\n",
                                                          "base_revision": "2", "save": "Save"},
                        token_from="/c/speaking/wiki/fluency/edit")
    assert resolved.status_code == 302
    assert page.revision_count == 3 and "Alice and Bob" in page.current_revision.body


def _conflict_for_bob(make_web):
    """Alice and Bob change the same line; Bob's save comes back with the conflict markers."""
    cop = make_community("speaking")
    page = make_page(cop, "Fluency", "Line one.\n\nLine two.\n")
    _, alice = editor_browser(make_web, cop, "alice@example.org")
    _, bob = editor_browser(make_web, cop, "bob@example.org")
    url = "/c/speaking/wiki/fluency/edit"
    _, base = edit_form(bob, url)
    wiki_pages.save_page(wiki_pages.find_page(cop, "fluency").current_revision.author, cop, page_slug="fluency",
                         body="Line one by Alice.\n\nLine two.\n", base_revision=1)
    response = bob.post(url, {"title": "Fluency", "body": "Line one by Bob.\n\nLine two.\n", "base_revision": base,
                              "save": "Save"}, token_from=url)
    marked = re.search(r'<textarea[^>]*name="body"[^>]*>\r?\n?(.*?)</textarea>', response.get_data(as_text=True),
                       re.S).group(1)
    return page, bob, url, html_lib.unescape(marked)


def test_text_with_conflict_markers_left_in_is_never_published(make_web, app):
    page, bob, url, marked = _conflict_for_bob(make_web)
    assert "<<<<<<< your edit" in marked
    refused = bob.post(url, {"title": "Fluency", "body": marked, "base_revision": "2", "save": "Save"}, token_from=url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "still holds an edit conflict" in html and "starting on line 1" in html
    assert "Keep my side of every conflict" in html
    assert page.revision_count == 2 and "<<<<<<<" not in page.current_revision.body


def test_keeping_one_side_of_every_conflict_fills_the_editor_for_review(make_web, app):
    page, bob, url, marked = _conflict_for_bob(make_web)
    kept = bob.post(url, {"title": "Fluency", "body": marked, "base_revision": "2", "keep": "ours"}, token_from=url)
    html = kept.get_data(as_text=True)
    assert kept.status_code == 200 and "Preview (not saved yet)" in html
    assert "Line one by Bob." in html and "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" not in html and page.revision_count == 2
    bob.post(url, {"title": "Fluency", "body": "Line one by Bob.\n\nLine two.\n", "base_revision": "2", "save": "Save"},
             token_from=url)
    assert page.revision_count == 3 and page.current_revision.body.startswith("Line one by Bob.")


def test_history_diff_old_revision_and_revert(make_web, app):
    cop = make_community("speaking")
    page = make_page(cop, "Fluency", "First <version>.\n")
    user, browser = editor_browser(make_web, cop)
    wiki_pages.save_page(user, cop, page_slug="fluency", body="Second version.\n", base_revision=1, summary="rewrite")
    history = browser.get("/c/speaking/wiki/fluency/history").get_data(as_text=True)
    assert "rewrite" in history and "Compare selected revisions" in history
    for view in ("inline", "side"):
        diff = browser.get(f"/c/speaking/wiki/fluency/diff?from=1&to=2&view={view}")
        html = diff.get_data(as_text=True)
        assert diff.status_code == 200 and "&lt;" in html and "<version>" not in html
    old = browser.get("/c/speaking/wiki/fluency/revisions/1").get_data(as_text=True)
    assert "revision 1 of 2" in old
    browser.post("/c/speaking/wiki/fluency/revert/1", token_from="/c/speaking/wiki/fluency/revisions/1")
    assert page.current_revision.body == "First <version>.\n" and page.revision_count == 3
    assert browser.get("/c/speaking/wiki/fluency/revisions/99").status_code == 404
    assert browser.get("/c/speaking/wiki/fluency/diff?from=x&to=2").status_code == 400


def test_rename_redirects_the_old_address(make_web, app):
    cop = make_community("speaking")
    make_page(cop, "Old name")
    _, browser = editor_browser(make_web, cop)
    browser.post("/c/speaking/wiki/old-name/rename", {"new_title": "New name"},
                 token_from="/c/speaking/wiki/old-name/rename")
    response = browser.get("/c/speaking/wiki/old-name")
    assert response.status_code == 301 and "/c/speaking/wiki/new-name" in response.headers["Location"]


def test_delete_and_restore_through_the_pages(make_web, app):
    cop = make_community("speaking")
    page = make_page(cop, "Temporary")
    _, browser = editor_browser(make_web, cop)
    asked = browser.post("/c/speaking/wiki/temporary/delete", {"reason": "duplicate"},
                         token_from="/c/speaking/wiki/temporary")
    assert not page.is_deleted and "Delete the page" in asked.get_data(as_text=True)
    browser.post("/c/speaking/wiki/temporary/delete", {"reason": "duplicate", "confirmed": "1"},
                 token_from="/c/speaking/wiki/temporary/delete")
    assert page.is_deleted
    assert "This page was deleted" in browser.get("/c/speaking/wiki/temporary").get_data(as_text=True)
    assert browser.post("/c/speaking/wiki/temporary/restore", token_from="/c/speaking/wiki").status_code == 403
    add_member(cop, make_user(email="fac@example.org"), "facilitator")
    facilitator = make_web()
    facilitator.login("fac@example.org")
    assert "Temporary" in facilitator.get("/c/speaking/wiki/-/deleted").get_data(as_text=True)
    facilitator.post("/c/speaking/wiki/temporary/restore", token_from="/c/speaking/wiki/-/deleted")
    assert not page.is_deleted


def test_missing_page_offers_creation_to_editors(make_web, app):
    cop = make_community("speaking")
    _, browser = editor_browser(make_web, cop)
    response = browser.get("/c/speaking/wiki/not-yet")
    assert response.status_code == 404 and "Create it" in response.get_data(as_text=True)


def test_readers_cannot_edit(web, app):
    cop = make_community("speaking")
    make_page(cop, "Fluency")
    make_user(email="reader@example.org")
    assert web.get("/c/speaking/wiki/fluency").status_code == 200
    assert web.get("/c/speaking/wiki/fluency/edit").status_code == 302  # log in first
    web.login("reader@example.org")
    assert web.get("/c/speaking/wiki/fluency/edit").status_code == 403


def test_members_only_wiki_and_feeds_stay_private(web, app):
    cop = make_community("secret", visibility="members")
    make_page(cop, "Hidden plans", "distinctive-secret-word")
    assert web.get("/c/secret/wiki/hidden-plans").status_code == 302
    assert web.get("/c/secret/wiki/-/recent.atom").status_code in (302, 401, 403)
    assert "Hidden plans" not in web.get("/recent-changes.atom").get_data(as_text=True)
    assert "Hidden plans" not in web.get("/recent-changes").get_data(as_text=True)


def test_atom_feed_lists_public_changes(web, app):
    cop = make_community("speaking")
    make_page(cop, "Fluency")
    response = web.get("/c/speaking/wiki/-/recent.atom")
    assert response.mimetype == "application/atom+xml"
    xml = response.get_data(as_text=True)
    assert "<feed xmlns=\"http://www.w3.org/2005/Atom\">" in xml and "Fluency" in xml


def test_knowledge_base_flow_in_the_browser(make_web, app):
    cop = make_community("speaking", name="Teaching Speaking")
    user, browser = editor_browser(make_web, cop)
    make_page(cop, "Circles", "A summary sentence that is long enough to count.\n\n" + "word " * 130,
              author=user, tags="speaking")
    page = browser.get("/c/speaking/wiki/circles/propose").get_data(as_text=True)
    assert "Pre-checks" in page
    response = browser.post("/c/speaking/wiki/circles/propose", {"message": "Works well"},
                            token_from="/c/speaking/wiki/circles/propose")
    request_url = response.headers["Location"]
    make_user(email="curator@example.org", curator=True)
    curator = make_web()
    curator.login("curator@example.org")
    token = curator.csrf_token(request_url)
    curator.post(request_url, {"comment-body": "Nice page", "comment-csrf_token": token})
    curator.post(request_url, {"decision-accept": "Accept", "decision-reason": "", "decision-csrf_token": token})
    kb = make_web().get("/knowledge-base").get_data(as_text=True)
    assert "Circles" in kb and "Teaching Speaking" in kb


def test_an_old_revision_is_shown_as_saved_without_parsing_it_again(make_web, app, monkeypatch):
    cop = make_community("speaking")
    page = make_page(cop, "Fluency", "## First *version*\n")
    user, browser = editor_browser(make_web, cop)
    wiki_pages.save_page(user, cop, page_slug="fluency", body="Second version.\n", base_revision=1)

    def no_parsing(*args, **kwargs):
        raise AssertionError("an old revision was parsed again")

    monkeypatch.setattr("wiki.render", no_parsing)
    response = browser.get("/c/speaking/wiki/fluency/revisions/1")
    assert response.status_code == 200 and "First <em>version</em>" in response.get_data(as_text=True)
    assert page.revision_count == 2
