"""The search box in the browser: results with highlights, facets, paging, suggestions and hints."""
import pytest

from factories import add_member, make_community, make_page, make_user
from globe.services import resources


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
