"""What crawlers and browsers find: /sitemap.xml (and its index), /robots.txt, /opensearch.xml, and JSON-LD."""
from __future__ import annotations

import json
import re
from urllib.robotparser import RobotFileParser

import pytest
from interop_data import build_catalogue, share_link
from lxml import etree

from globe.services import sitemap

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def catalogue(app):
    return build_catalogue()


def sitemap_urls(web, url: str = "/sitemap.xml") -> dict[str, str | None]:
    response = web.get(url)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = etree.fromstring(response.get_data())
    assert root.tag == f"{SITEMAP}urlset"
    return {entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod") for entry in root}


def test_the_sitemap_lists_public_pages_with_lastmod_and_nothing_private(catalogue, web):
    urls = sitemap_urls(web)
    site = "http://localhost"
    expected = {f"{site}/", f"{site}/c/open-teachers", f"{site}/c/open-teachers/wiki/warm-up-games",
                f"{site}/c/staff-room/wiki/feedback-that-works", f"{site}/incubator/{catalogue.project.id}",
                *(f"{site}/resources/{r.id}" for r in (catalogue.worksheet, catalogue.slides, catalogue.podcast))}
    assert expected <= set(urls)
    assert not {f"{site}/c/staff-room", f"{site}/c/staff-room/wiki/staff-notes",
                f"{site}/resources/{catalogue.secret.id}", f"{site}/incubator/{catalogue.draft.id}"} & set(urls)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", urls[f"{site}/resources/{catalogue.worksheet.id}"])


def test_a_large_sitemap_becomes_an_index_of_numbered_files(catalogue, web, monkeypatch):
    monkeypatch.setattr(sitemap, "MAX_URLS", 4)
    root = etree.fromstring(web.get("/sitemap.xml").get_data())
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [entry.findtext(f"{SITEMAP}loc") for entry in root]
    total = sitemap.count_urls()
    assert len(parts) == -(-total // 4) and parts[0] == "http://localhost/sitemap-0.xml"
    merged = {}
    for part in parts:
        found = sitemap_urls(web, part.removeprefix("http://localhost"))
        assert 1 <= len(found) <= 4
        merged.update(found)
    assert len(merged) == total
    assert web.get(f"/sitemap-{len(parts)}.xml").status_code == 404


def test_robots_txt_keeps_crawlers_on_public_pages_and_points_to_the_sitemap(web):
    response = web.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    robots = RobotFileParser()
    robots.parse(response.get_data(as_text=True).splitlines())
    for path in ("/api/v1/resources/1", "/login", "/search?q=verbs", "/oai?verb=Identify", "/profile"):
        assert not robots.can_fetch("AnyBot", f"http://localhost{path}"), path
    for path in ("/", "/c/open-teachers", "/c/open-teachers/wiki/warm-up-games", "/resources/3", "/knowledge-base"):
        assert robots.can_fetch("AnyBot", f"http://localhost{path}"), path
    assert robots.site_maps() == ["http://localhost/sitemap.xml"]
    assert "Disallow: /*/edit" in response.get_data(as_text=True)  # wildcards, for crawlers that read them


def test_opensearch_description_is_linked_from_every_page(web):
    response = web.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = etree.fromstring(response.get_data())
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription" and root.findtext(f"{OPENSEARCH}ShortName") == "Globe"
    templates = {url.get("type"): url.get("template") for url in root.iter(f"{OPENSEARCH}Url")}
    assert templates["text/html"].startswith("http://localhost/search?q={searchTerms}")
    assert templates["application/json"].startswith("http://localhost/api/v1/search?q={searchTerms}")
    for page in ("/", "/about", "/login"):
        assert ('<link rel="search" type="application/opensearchdescription+xml" title="Globe" '
                'href="/opensearch.xml">') in web.get(page).get_data(as_text=True)


def test_public_resource_pages_carry_lrmi_json_ld(catalogue, web):
    html = web.get(f"/resources/{catalogue.worksheet.id}").get_data(as_text=True)
    data = json.loads(JSON_LD_RE.search(html).group(1))
    assert data["@type"] == "LearningResource" and data["name"] == "Past tense worksheet"
    assert [level["termCode"] for level in data["educationalLevel"]] == ["A2", "B1"]
    assert data["learningResourceType"] == "Worksheet" and data["teaches"] == ["Speaking", "Grammar"]
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/" and data["inLanguage"] == "en"
    assert data["keywords"] == ["games", "past simple"] and data["author"]["name"] == "Ana Author"
    assert data["url"] == f"http://localhost/resources/{catalogue.worksheet.id}"


def test_json_ld_is_escaped_and_absent_from_private_resources(catalogue, web, make_web):
    tricky = share_link(catalogue.author, catalogue.public, "</script><script>alert(1)</script>")
    html = web.get(f"/resources/{tricky.id}").get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    assert json.loads(JSON_LD_RE.search(html).group(1))["name"] == "</script><script>alert(1)</script>"
    member = make_web()
    member.login(catalogue.author.email)
    private_page = member.get(f"/resources/{catalogue.secret.id}").get_data(as_text=True)
    assert "Secret staff worksheet" in private_page and "application/ld+json" not in private_page
