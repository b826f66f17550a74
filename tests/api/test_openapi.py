"""The OpenAPI document: served with caching, valid OpenAPI 3.1, and describing exactly the routes under /api/v1."""
import re

from openapi_spec_validator import validate

HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


def served(api):
    response = api("GET", "/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response


def test_the_document_is_valid_openapi_3_1(api):
    document = served(api).get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema or a dangling $ref


def test_the_document_is_cacheable(app, api):
    response = served(api)
    assert response.cache_control.public and response.cache_control.max_age >= 60
    again = app.test_client().get("/api/v1/openapi.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def _routes(app) -> set[tuple[str, str]]:
    """(method, path) of every /api/v1 rule, written as OpenAPI writes it: <int:id> -> {id}, prefix removed."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            found |= {(method.lower(), path) for method in rule.methods if method.lower() in HTTP_METHODS}
    return found


def _documented(document) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items() for method in item if method in HTTP_METHODS}


def test_every_route_is_documented_and_every_documented_operation_exists(app, api):
    document = served(api).get_json()
    assert document["servers"] == [{"url": "/api/v1"}]
    routes, documented = _routes(app), _documented(document)
    assert routes - documented == set(), "routes missing from globe/api/openapi.py"
    assert documented - routes == set(), "operations in globe/api/openapi.py with no route"


def test_path_parameters_match_the_routes(api):
    """Each operation declares exactly the parameters its path names (a client generator relies on it)."""
    document = served(api).get_json()
    shared = document["components"]["parameters"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            params = [shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in operation["parameters"]]
            in_path = {p["name"] for p in params if p["in"] == "path"}
            assert in_path == set(re.findall(r"{(\w+)}", path)), f"{method.upper()} {path}"


def test_every_operation_documents_its_errors_as_problems(api):
    document = served(api).get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert "401" in operation["responses"], f"{method.upper()} {path}: a bad token is always possible"
            assert any(code.startswith("2") for code in operation["responses"]), f"{method.upper()} {path}"
