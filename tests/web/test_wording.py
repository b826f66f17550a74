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
    listing = browser.get("/c/speaking/resources").get_data(as_text=True)
    assert "# Animal chant" not in listing and "The cow says moo." in listing


def test_description_already_in_the_preview_is_printed_once(make_web, app):
    browser = _member(make_web)
    text = b"Stand in a circle.\nClap the rhythm of each animal name.\n"
    page = browser.get(_share(browser, "circle.txt", text, "Clap the rhythm of each animal name.")).get_data(as_text=True)
    main = page[page.index("<main"):]
    assert main.count("Clap the rhythm of each animal name.") == 1


def test_a_different_description_is_still_shown(make_web, app):
    browser = _member(make_web)
    page = browser.get(_share(browser, "chant.md", CHANT, "Best with **puppets**.")).get_data(as_text=True)
    assert "<strong>puppets</strong>" in page
