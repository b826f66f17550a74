"""GLOBE_SITE_URL: with it set, no absolute link echoes the Host (or X-Forwarded-Host) a client sent."""
from __future__ import annotations

import pytest
from interop_data import build_catalogue
from testapp import app_config, start_empty

from globe import create_app
from globe.extensions import db

SITE = "https://globe.example.org"
HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


@pytest.fixture(params=[0, 1], ids=["direct", "behind-one-proxy"])
def pinned(tmp_path, request):
    app = create_app(app_config(tmp_path, SITE_URL=SITE + "/", PROXY_COUNT=request.param))
    with app.app_context():
        start_empty()
        build_catalogue()
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("path", [
    "/sitemap.xml", "/robots.txt", "/opensearch.xml", "/recent-changes.atom", "/resources.atom",
    "/knowledge-base.atom", "/incubator/launched.atom", "/oai?verb=Identify",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc", "/api/v1/communities", "/api/v1/search?q=worksheet",
])
def test_absolute_links_use_the_configured_site_url(pinned, path):
    response = pinned.get(path, headers=HOSTILE)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    assert SITE in body
    assert "evil.example" not in body and "http://localhost" not in body


def test_api_link_headers_use_the_configured_site_url(pinned):
    response = pinned.get("/api/v1/communities?per_page=1", headers=HOSTILE)
    assert response.status_code == 200
    assert response.headers["Link"].startswith(f"<{SITE}/api/v1/communities?")


def test_a_site_url_that_is_not_an_http_address_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="GLOBE_SITE_URL"):
        create_app(app_config(tmp_path, SITE_URL="globe.example.org"))
