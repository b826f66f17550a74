"""GET /api/v1/search: the contract's shape, filters, paging limits, and anonymous scope."""
import io

from documents import pdf_bytes
from factories import add_member, make_community, make_user
from werkzeug.datastructures import FileStorage

from globe.services import accounts, resources


def test_search_api_shape_and_privacy(api, app):
    public, private = make_community("open-cop"), make_community("closed-cop", visibility="members")
    member = make_user()
    add_member(public, member)
    add_member(private, member)
    for cop, word in ((public, "Albatross"), (private, "Albatross secret")):
        resources.add_resource(member, cop, upload=FileStorage(io.BytesIO(pdf_bytes([word])), "a.pdf"), title=word,
                               levels="b1")
    body = api("GET", "/api/v1/search?q=albatross").get_json()
    assert body["total"] == 1 and set(body) >= {"total", "page", "results", "facets", "suggestion"}
    assert set(body["results"][0]) >= {"kind", "id", "title", "community", "url", "snippet", "updated"}
    assert body["facets"]["community"] == {"open-cop": 1}
    token = accounts.create_token(member, name="t", expires_in_days=None)[1]
    assert api("GET", "/api/v1/search?q=albatross", token=token).get_json()["total"] == 2
    assert api("GET", "/api/v1/search?q=albatross&community=closed-cop", token=token).get_json()["total"] == 1
    assert api("GET", "/api/v1/search?q=secret").get_json()["total"] == 0


def test_search_api_bad_input(api, app):
    assert api("GET", "/api/v1/search?per_page=10000").get_json()["per_page"] == 100
    assert api("GET", "/api/v1/search?page=-1").status_code == 400
    assert api("GET", "/api/v1/search?sort=random").status_code == 422
    assert api("GET", "/api/v1/search", query_string={"q": '"(( OR -'}).status_code == 200


def test_an_overlong_search_is_refused_with_a_problem(api, app):
    for query, limit in (("x" * 600, "at most 500 characters"),
                         (" ".join(f"word{n}" for n in range(40)), "at most 32 words")):
        response = api("GET", "/api/v1/search", query_string={"q": query})
        assert response.status_code == 400 and response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["status"] == 400 and limit in problem["detail"] and limit in problem["errors"]["q"][0]
    assert api("GET", "/api/v1/search", query_string={"q": "x" * 500}).status_code == 200
