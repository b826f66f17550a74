"""OAI-PMH at /oai: a real harvester (Sickle) over a live server, deleted records, selective harvesting, errors."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from factories import add_member, make_community, make_user
from interop_data import build_catalogue, share_link
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch
from werkzeug.serving import make_server

from globe.extensions import db
from globe.models.base import utcnow
from globe.services import communities, knowledge_base, resources, wiki_pages
from globe.services.accounts import SYSTEM
from globe.services.oai import protocol, tokens, tombstones

OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture
def catalogue(app):
    return build_catalogue()


@pytest.fixture
def harvester(app):
    """Sickle pointed at Globe served on a loopback port."""
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Sickle(f"http://127.0.0.1:{server.server_port}/oai", max_retries=0, timeout=30)
    server.shutdown()
    thread.join()


def identifier(kind: str, item) -> str:
    return f"oai:127.0.0.1:{kind}/{item.id}"


def harvest(harvester, verb: str = "ListRecords", **arguments) -> dict:
    """identifier -> record (or header), across every resumption token."""
    try:
        items = getattr(harvester, verb)(metadataPrefix="oai_dc", **arguments)
        return {(item.header if verb == "ListRecords" else item).identifier: item for item in items}
    except NoRecordsMatch:
        return {}


def oai(web, query: str):
    """A raw request: (HTTP status, parsed XML root)."""
    response = web.get(f"/oai?{query}")
    return response.status_code, etree.fromstring(response.get_data())


def test_a_harvester_gets_every_public_record_and_nothing_private_across_resumption_tokens(
        catalogue, harvester, monkeypatch):
    monkeypatch.setattr(protocol, "PAGE_SIZE", 2)
    records = harvest(harvester)
    assert set(records) == {identifier("resource", catalogue.worksheet), identifier("resource", catalogue.slides),
                            identifier("resource", catalogue.podcast), identifier("kb", catalogue.kb_page)}
    worksheet = records[identifier("resource", catalogue.worksheet)].metadata
    assert worksheet["title"] == ["Past tense worksheet"] and worksheet["creator"] == ["Ana Author"]
    assert {"past simple", "games", "Grammar", "Speaking", "CEFR A2", "CEFR B1"} <= set(worksheet["subject"])
    site = harvester.endpoint.removesuffix("/oai")
    assert worksheet["identifier"] == [f"{site}/resources/{catalogue.worksheet.id}"]
    assert worksheet["rights"] == ["https://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA 4.0"]
    assert worksheet["publisher"] == ["Globe"] and worksheet["language"] == ["en"]
    assert worksheet["type"] == ["Text", "Worksheet"] and worksheet["format"] == ["text/html"]
    assert records[identifier("resource", catalogue.podcast)].metadata["rights"] == ["All rights reserved"]
    page = records[identifier("kb", catalogue.kb_page)]
    assert page.header.setSpecs == ["knowledge-base"] and page.metadata["creator"] == ["Staff Room"]
    assert page.metadata["identifier"][0].endswith("/c/staff-room/wiki/feedback-that-works")
    assert set(harvest(harvester, "ListIdentifiers")) == set(records)


def test_split_lists_carry_signed_tokens_with_size_and_cursor(catalogue, web, monkeypatch):
    monkeypatch.setattr(protocol, "PAGE_SIZE", 3)
    _, first = oai(web, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    token = first.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert len(first.findall(f".//{OAI}header")) == 3
    assert (token.get("completeListSize"), token.get("cursor")) == ("4", "0") and token.get("expirationDate")
    _, last = oai(web, f"verb=ListIdentifiers&resumptionToken={token.text}")
    end = last.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert len(last.findall(f".//{OAI}header")) == 1
    assert (end.text, end.get("completeListSize"), end.get("cursor")) == (None, "4", "3")
    _, wrong_verb = oai(web, f"verb=ListRecords&resumptionToken={token.text}")
    assert wrong_verb.find(f"{OAI}error").get("code") == "badResumptionToken"
    monkeypatch.setattr(tokens, "LIFETIME", timedelta(seconds=-1))
    _, expired = oai(web, f"verb=ListIdentifiers&resumptionToken={token.text}")
    assert expired.find(f"{OAI}error").get("code") == "badResumptionToken"


def test_identify_formats_and_sets_name_only_public_communities(catalogue, harvester):
    identify = harvester.Identify()
    assert identify.repositoryName == "Globe" and identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent" and identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert [f.metadataPrefix for f in harvester.ListMetadataFormats()] == ["oai_dc"]
    sets = {s.setSpec: s.setName for s in harvester.ListSets()}
    assert sets == {"knowledge-base": "Knowledge base", "cop": "Communities", "cop:open-teachers": "Open Teachers"}


def test_selective_harvesting_by_set_and_date(catalogue, harvester):
    in_cop = harvest(harvester, set="cop:open-teachers")
    assert len(in_cop) == 3 and all(r.header.setSpecs == ["cop:open-teachers"] for r in in_cop.values())
    assert set(harvest(harvester, set="cop")) == set(in_cop)
    assert set(harvest(harvester, set="knowledge-base")) == {identifier("kb", catalogue.kb_page)}
    assert harvest(harvester, set="cop:staff-room") == {}
    day = catalogue.worksheet.created_at.date()
    next_day, later = day + timedelta(days=1), day + timedelta(days=2)
    assert len(harvest(harvester, **{"from": day.isoformat(), "until": next_day.isoformat()})) == 4
    assert harvest(harvester, **{"from": later.isoformat()}) == {}
    assert harvest(harvester, until=(day - timedelta(days=1)).isoformat()) == {}
    future = (utcnow() + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert harvest(harvester, until="2000-01-01T00:00:00Z") == {} and harvest(harvester, **{"from": future}) == {}


def test_records_that_leave_the_public_are_reported_deleted(catalogue, harvester, monkeypatch):
    # Record the deletions an hour on: `from` has one-second granularity, and the catalogue may
    # have been built within the same second.
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(tombstones, "utcnow", lambda: later)
    resources.delete_resource(catalogue.author, catalogue.podcast)
    wiki_pages.delete_page(catalogue.author, catalogue.kb_page)
    headers = harvest(harvester, "ListIdentifiers", **{"from": later.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert set(headers) == {identifier("resource", catalogue.podcast), identifier("kb", catalogue.kb_page)}
    assert all(header.deleted for header in headers.values())
    gone = harvester.GetRecord(identifier=identifier("resource", catalogue.podcast), metadataPrefix="oai_dc")
    assert gone.deleted and gone.header.setSpecs == ["cop:open-teachers"] and gone.xml.find(f".//{OAI}metadata") is None


def test_a_community_going_members_only_and_back_is_harvested_both_times(catalogue, harvester):
    settings = {"name": "Open Teachers", "domain": "Teaching English", "visibility": "members"}
    communities.update_community(SYSTEM, catalogue.public, **settings)
    in_cop = harvest(harvester, "ListIdentifiers", set="cop:open-teachers")
    assert len(in_cop) == 3 and all(header.deleted for header in in_cop.values())
    assert "cop:open-teachers" not in {s.setSpec for s in harvester.ListSets()}
    returned = utcnow().replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    communities.update_community(SYSTEM, catalogue.public, **{**settings, "visibility": "public"})
    again = harvest(harvester, **{"from": returned, "set": "cop:open-teachers"})
    assert len(again) == 3 and all(not record.deleted and record.metadata for record in again.values())


def test_knowledge_base_withdrawal_and_a_resource_never_public_leave_no_trace(catalogue, harvester):
    accepted = knowledge_base.open_request(catalogue.kb_page)
    knowledge_base.withdraw(catalogue.admin, accepted, reason="Out of date")
    resources.delete_resource(catalogue.author, catalogue.secret)
    headers = harvest(harvester, "ListIdentifiers")
    assert headers[identifier("kb", catalogue.kb_page)].deleted
    assert identifier("resource", catalogue.secret) not in headers
    new = share_link(catalogue.author, catalogue.private, "Another staff sheet")
    assert identifier("resource", new) not in harvest(harvester, "ListIdentifiers")


@pytest.mark.parametrize("query, code", [
    ("", "badVerb"),
    ("verb=Harvest", "badVerb"),
    ("verb=Identify&verb=Identify", "badVerb"),
    ("verb=Identify&set=x", "badArgument"),
    ("verb=ListRecords", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-01", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-1-5", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-01-02T00:00:00Z", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=not%20a%20set", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc", "badArgument"),
    ("verb=GetRecord&identifier=oai:localhost:resource/1", "badArgument"),
    ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
    ("verb=GetRecord&identifier=oai:localhost:resource/1&metadataPrefix=lom", "cannotDisseminateFormat"),
    ("verb=GetRecord&identifier=oai:localhost:resource/999&metadataPrefix=oai_dc", "idDoesNotExist"),
    ("verb=GetRecord&identifier=oai:elsewhere.org:resource/1&metadataPrefix=oai_dc", "idDoesNotExist"),
    ("verb=ListMetadataFormats&identifier=nonsense", "idDoesNotExist"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01", "noRecordsMatch"),
    ("verb=ListRecords&metadataPrefix=oai_dc&until=9999-12-31T23:59:59Z&from=9999-12-31T23:59:59Z", "noRecordsMatch"),
    ("verb=ListRecords&resumptionToken=forged", "badResumptionToken"),
    ("verb=ListSets&resumptionToken=anything", "badResumptionToken"),
])
def test_bad_requests_get_the_protocol_error_with_http_200(web, query, code):
    status, root = oai(web, query)
    error = root.find(f"{OAI}error")
    assert status == 200 and error.get("code") == code and error.text
    request = root.find(f"{OAI}request")
    assert request.text == "http://localhost/oai"
    assert (request.attrib == {}) == (code in ("badVerb", "badArgument"))


def test_a_private_resource_does_not_exist_for_harvesters(catalogue, web):
    _, root = oai(web, f"verb=GetRecord&identifier=oai:localhost:resource/{catalogue.secret.id}&metadataPrefix=oai_dc")
    assert root.find(f"{OAI}error").get("code") == "idDoesNotExist"
    _, found = oai(web, f"verb=GetRecord&identifier=oai:localhost:resource/{catalogue.slides.id}&metadataPrefix=oai_dc")
    assert found.find(f".//{OAI}identifier").text == f"oai:localhost:resource/{catalogue.slides.id}"


def test_post_needs_no_csrf_token_and_answers_the_same(catalogue, web):
    response = web.post("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, csrf=False)
    root = etree.fromstring(response.get_data())
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert len(root.findall(f".//{OAI}header")) == 4


def test_text_xml_cannot_carry_is_dropped_not_a_server_error(app, web):
    author, community = make_user(), make_community()
    add_member(community, author)
    resource = share_link(author, community, "Clean title")
    resource.description = "Bell \x07 and form feed \x0c"  # e.g. from an older import: never stored by the forms
    db.session.commit()
    _, root = oai(web, f"verb=GetRecord&identifier=oai:localhost:resource/{resource.id}&metadataPrefix=oai_dc")
    assert root.find(".//{http://purl.org/dc/elements/1.1/}description").text == "Bell  and form feed "
