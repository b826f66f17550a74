"""What a new user reads: Markdown shown formatted, no text twice, states as sentences, ages as ages."""
import io

from factories import add_member, make_community, make_user

CHANT = b"# Animal chant\n\nThe *cow* says moo.\n"


def _share(browser, filename: str, content: bytes, description: str):
    data = {"title": "Animal chant", "description": description, "license": "cc-by", "language": "en",
            "files": [(io.BytesIO(content), filename)]}
    response = browser.post("/c/speaking/resources/new", data, token_from="/c/speaking/resources/new",
                            content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _member(make_web):
    community = make_community("speaking", description="We share **speaking** games.\n\n- pairs\n- groups")
    add_member(community, make_user(email="mei@example.org"))
    browser = make_web()
    browser.login("mei@example.org")
    return browser


def test_community_description_is_rendered_markdown(make_web, app):
    html = _member(make_web).get("/c/speaking").get_data(as_text=True)
    assert "<strong>speaking</strong>" in html and "<li>pairs</li>" in html and "**speaking**" not in html


def test_community_description_markdown_is_sanitized(web, app):
    make_community("tricky", description="<script>alert(1)</script> [x](javascript:alert(2))")
    html = web.get("/c/tricky").get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'href="javascript' not in html


def test_markdown_resource_preview_is_formatted_not_raw(make_web, app):
    browser = _member(make_web)
    page = browser.get(_share(browser, "chant.md", CHANT, "A chant for young learners.")).get_data(as_text=True)
    assert "# Animal chant" not in page and "<em>cow</em>" in page
    assert "<h3>Animal chant</h3>" in page  # under the "Preview" heading, not a second page title
    listing = browser.get("/c/speaking/resources").get_data(as_text=True)
    assert "# Animal chant" not in listing and "The cow says moo." in listing


def test_description_already_in_the_preview_is_printed_once(make_web, app):
    browser = _member(make_web)
    text = b"Stand in a circle.\nClap the rhythm of each animal name.\n"
    shared = _share(browser, "circle.txt", text, "Clap the rhythm of each animal name.")
    page = browser.get(shared).get_data(as_text=True)
    main = page[page.index("<main"):]
    assert main.count("Clap the rhythm of each animal name.") == 1


def test_a_different_description_is_still_shown(make_web, app):
    browser = _member(make_web)
    page = browser.get(_share(browser, "chant.md", CHANT, "Best with **puppets**.")).get_data(as_text=True)
    assert "<strong>puppets</strong>" in page


def _draft(browser) -> str:
    response = browser.post("/incubator/new", {"title": "Nursing English course", "summary": "Six weeks online",
                                              "description": "Weekly tasks", "needs": "course design",
                                              "community": ""}, token_from="/incubator/new")
    return response.headers["Location"]


def test_a_state_change_is_told_as_a_sentence(make_web, app):
    make_user(email="lead@example.org")
    lead = make_web()
    lead.login("lead@example.org")
    url = _draft(lead)
    lead.post(f"{url}/transition", {"to": "submitted"}, token_from=url)
    html = lead.get(url).get_data(as_text=True)
    assert "The proposal was submitted: the incubator admins will assign mentors" in html
    assert "is now submitted" not in html


def test_every_incubator_state_has_its_sentence():
    from globe.models.incubator import STATES
    from globe.services.incubator import STATE_PHRASES, TRANSITION_DONE
    assert set(TRANSITION_DONE) == set(STATES) == set(STATE_PHRASES)
    assert all(sentence.endswith(".") and "_" not in sentence for sentence in TRANSITION_DONE.values())


def test_incubator_board_shows_how_long_each_proposal_has_waited(make_web, app):
    make_user(email="lead@example.org")
    make_user(email="admin@example.org", admin=True)
    lead, admin = make_web(), make_web()
    lead.login("lead@example.org")
    url = _draft(lead)
    lead.post(f"{url}/transition", {"to": "submitted"}, token_from=url)
    admin.login("admin@example.org")
    html = admin.get("/incubator/board").get_data(as_text=True)
    assert "less than a minute</time>" in html


def test_a_new_role_is_told_as_a_sentence(make_web, app):
    facilitator = make_user(email="fac@example.org")
    community = make_community("eap", facilitator=facilitator)
    member = make_user("Mei", email="mei@example.org")
    add_member(community, member)
    browser = make_web()
    browser.login("fac@example.org")
    browser.post("/c/eap/members/role", {"user_id": str(member.id), "role": "editor"}, token_from="/c/eap/members")
    assert "Mei is now an editor here." in browser.get("/c/eap/members").get_data(as_text=True)
