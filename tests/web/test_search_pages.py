"""The search box in the browser: results with highlights, facets, paging, suggestions and hints."""
import io

import pytest
from documents import pdf_bytes
from factories import add_member, make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.services import knowledge_base, resources


@pytest.fixture
def corpus(app):
    cop = make_community("speaking", name="Teaching Speaking")
    member = make_user()
    add_member(cop, member, "editor")
    for n in range(25):  # links: no file to extract, so the fixture stays fast
        resources.add_resource(member, cop, url=f"https://example.org/drill/{n}", title=f"Drill {n}",
                               description=f"Pronunciation drill number {n}", levels="b1" if n % 2 else "a2",
                               resource_type="worksheet")
    make_page(cop, "Pronunciation planning", "Planning pronunciation lessons", author=member)
    return cop


def test_results_highlights_facets_and_paging(web, corpus):
    html = web.get("/search?q=pronunciation").get_data(as_text=True)
    assert "26 results" in html and "<mark>" in html
    assert '>Teaching Speaking</a>' in html and '>B1</a>' in html and '>Wiki page</a>' in html  # facet labels
    assert 'href="/search?q=pronunciation&amp;level=b1"' in html or "level=b1" in html
    filtered = web.get("/search?q=pronunciation&level=b1").get_data(as_text=True)
    assert "12 results" in filtered
    second = web.get("/search?q=pronunciation&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_stemming_and_kind_filter(web, corpus):
    assert "Pronunciation planning" in web.get("/search?q=plans&kind=wiki").get_data(as_text=True)


def test_suggestion_and_hints(web, corpus):
    html = web.get("/search?q=pronunciatoin").get_data(as_text=True)
    assert "Did you mean" in html
    empty = web.get("/search?q=nothingmatcheszzz").get_data(as_text=True)
    assert "0 results" in empty and "Try:" in empty


@pytest.mark.parametrize("query", ['"unbalanced', "(((", "OR", "- AND", "level:", "foo:bar", "*", "x" * 10_000,
                                   "\x07\x1b", "page"])
def test_bad_queries_never_fail(web, corpus, query):
    response = web.get("/search", query_string={"q": query, "page": "-3"})
    assert response.status_code == 200


def test_a_nul_character_gets_a_clear_message_on_every_kind_of_request(web, corpus):
    # PostgreSQL cannot store or compare text holding NUL: refused at the door, never a 500.
    for response in (web.get("/search", query_string={"q": "drill\x00"}),
                     web.get("/communities", query_string={"level": "\x00"}),
                     web.post("/login", {"email": "a\x00@example.org", "password": "password123"})):
        assert response.status_code == 422
        assert "must not contain NUL characters" in response.get_data(as_text=True)
    assert web.get("/communities/speaking%00").status_code == 404


def test_search_box_is_on_every_page_and_scoped_in_a_community(web, corpus):
    assert 'role="search"' in web.get("/").get_data(as_text=True)
    assert 'name="community" value="speaking"' in web.get("/c/speaking").get_data(as_text=True)


def test_an_overlong_search_says_it_was_cut(web, corpus):
    response = web.get("/search", query_string={"q": "pronunciation " + "x" * 10_000})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your search was too long" in html and "at most 500 characters" in html
    many = web.get("/search", query_string={"q": " ".join(f"drill{n}" for n in range(40))})
    assert many.status_code == 200 and "at most 32 words" in many.get_data(as_text=True)


def test_facet_values_and_result_details_read_as_words(web, app):
    cop = make_community("arabic", name="Arabic Teachers")
    member = make_user()
    add_member(cop, member, "editor")
    resources.add_resource(member, cop, url="https://example.org/alphabet", title="Alphabet song",
                           levels="pre-a1", resource_type="lesson-plan", license="cc-by-sa", language="ar")
    html = web.get("/search?q=alphabet").get_data(as_text=True)
    for written in (">CC BY-SA</a>", ">Arabic</a>", ">Lesson plan</a>", ">Pre-A1</a>", ">Link</a>"):
        assert written in html
    assert "Cc by" not in html and ">ar</a>" not in html
    assert "· Pre-A1 · Lesson plan · Link · Arabic" in " ".join(html.split())


def test_a_knowledge_base_page_is_counted_once_in_the_kind_facet(web, app):
    cop = make_community("kb-cop")
    page = make_page(cop, "Zeugma unit", "The zeugma unit plan")
    make_page(cop, "Zeugma notes", "More about zeugma")
    facilitator = make_user()
    add_member(cop, facilitator, "facilitator")
    proposal = knowledge_base.propose(facilitator, page, message="")
    knowledge_base.decide(make_user(curator=True), proposal, accept=True, reason="")
    html = " ".join(web.get("/search?q=zeugma").get_data(as_text=True).split())
    assert "2 results" in html
    assert ">Knowledge base</a> <span class=\"meta\">(1)" in html
    assert ">Wiki page</a> <span class=\"meta\">(1)" in html
    assert "Zeugma notes" in web.get("/search?q=zeugma&kind=wiki").get_data(as_text=True)
    only_kb = web.get("/search?q=zeugma&kind=knowledge_base").get_data(as_text=True)
    assert "1 result" in only_kb and "Zeugma unit" in only_kb


def test_a_snippet_shows_the_file_text_not_the_description_again(web, app):
    cop = make_community("files")
    member = make_user()
    add_member(cop, member, "editor")
    upload = FileStorage(io.BytesIO(pdf_bytes(["Inside the file: albatross vocabulary drills for pairs"])), "a.pdf")
    resources.add_resource(member, cop, upload=upload, title="Seabirds",
                           description="An albatross worksheet described by its author")

    def snippet(query):
        html = web.get("/search", query_string={"q": query}).get_data(as_text=True)
        return html.split('class="snippet"', 1)[1].split("</p>", 1)[0]
    assert "<mark>vocabulary</mark> drills" in snippet("vocabulary")
    assert "described by its author" not in snippet("vocabulary")
    assert "<mark>author</mark>" in snippet("author") and "Inside the file" not in snippet("author")
