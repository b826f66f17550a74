"""The six OAI-PMH 2.0 verbs over Globe's public records, with the protocol's own errors (always HTTP 200).

Only public content is ever listed: resources of public CoPs and knowledge-base pages, chosen in SQL
with an anonymous viewer's scope (see records.py); what left the public is reported as deleted."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from ...crosswalks import kb_page_dublin_core, resource_dublin_core
from ...models.base import utcnow
from ...urls import resource_path, wiki_page_path
from . import records, tokens, xml
from .records import Header, Position
from .tombstones import COMMUNITY_SETS, KNOWLEDGE_BASE_SET

PAGE_SIZE = 100
METADATA_PREFIX = "oai_dc"
LIST_ARGUMENTS = {"required": ("metadataPrefix",), "optional": ("from", "until", "set"),
                  "exclusive": "resumptionToken"}
VERBS = {
    "Identify": {},
    "ListMetadataFormats": {"optional": ("identifier",)},
    "ListSets": {"exclusive": "resumptionToken"},
    "GetRecord": {"required": ("identifier", "metadataPrefix")},
    "ListIdentifiers": LIST_ARGUMENTS,
    "ListRecords": LIST_ARGUMENTS,
}
SET_SPEC_RE = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
IDENTIFIER_RE = re.compile(r"^oai:(?P<repository>[^:]+):(?P<kind>resource|kb)/(?P<item_id>[1-9][0-9]{0,17})$")
DATE_FORMATS = ((re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d", timedelta(days=1)),
                (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"), "%Y-%m-%dT%H:%M:%SZ", timedelta(seconds=1)))


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message

    @property
    def echoes_request(self) -> bool:
        """The protocol forbids echoing the arguments of a request with a bad verb or arguments."""
        return self.code not in ("badVerb", "badArgument")


@dataclass(frozen=True)
class Repository:
    """Where this repository answers, taken from the request by the view."""

    base_url: str  # the /oai endpoint
    site_url: str  # the site's root, without the trailing slash
    repository_id: str  # the host name, part of every identifier

    def identifier(self, kind: str, item_id: int) -> str:
        return f"oai:{self.repository_id}:{kind}/{item_id}"


def respond(repository: Repository, arguments: dict[str, list[str]]) -> bytes:
    """The XML answer to one request; `arguments` maps each name to every value given for it."""
    now = utcnow()
    try:
        verb, given = _checked_arguments(arguments)
        root = xml.envelope(repository.base_url, now, {"verb": verb, **given})
        HANDLERS[verb](repository, given, xml.add(root, verb))
    except OaiError as err:
        echoed = {name: values[0] for name, values in arguments.items()} if err.echoes_request else None
        root = xml.envelope(repository.base_url, now, echoed)
        xml.add(root, "error", err.message, code=err.code)
    return xml.serialize(root)


def _checked_arguments(arguments: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb, rules = verbs[0], VERBS[verbs[0]]
    given = {name: values for name, values in arguments.items() if name != "verb"}
    allowed = {*rules.get("required", ()), *rules.get("optional", ()), rules.get("exclusive")}
    for name, values in given.items():
        if name not in allowed:
            raise OaiError("badArgument", f"{verb} does not take the argument {name!r}.")
        if len(values) != 1:
            raise OaiError("badArgument", f"The argument {name!r} is repeated.")
    single = {name: values[0] for name, values in given.items()}
    if rules.get("exclusive") in single:
        if len(single) > 1:
            raise OaiError("badArgument", f"{rules['exclusive']} must be the only argument besides the verb.")
        return verb, single
    missing = [name for name in rules.get("required", ()) if name not in single]
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument(s): {', '.join(missing)}.")
    return verb, single


# --- the verbs -------------------------------------------------------------------------------

def identify(repository: Repository, arguments: dict[str, str], parent) -> None:
    config = current_app.config
    xml.add(parent, "repositoryName", config["SITE_NAME"])
    xml.add(parent, "baseURL", repository.base_url)
    xml.add(parent, "protocolVersion", "2.0")
    xml.add(parent, "adminEmail", config["OAI_ADMIN_EMAIL"] or f"webmaster@{repository.repository_id}")
    xml.add(parent, "earliestDatestamp", xml.utc(records.earliest_datestamp() or utcnow()))
    xml.add(parent, "deletedRecord", "persistent")  # tombstones are never removed
    xml.add(parent, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def list_metadata_formats(repository: Repository, arguments: dict[str, str], parent) -> None:
    if "identifier" in arguments:
        _find(repository, arguments["identifier"])
    entry = xml.add(parent, "metadataFormat")
    xml.add(entry, "metadataPrefix", METADATA_PREFIX)
    xml.add(entry, "schema", xml.OAI_DC_SCHEMA)
    xml.add(entry, "metadataNamespace", xml.OAI_DC)


def list_sets(repository: Repository, arguments: dict[str, str], parent) -> None:
    if "resumptionToken" in arguments:
        raise OaiError("badResumptionToken", "The list of sets is never split, so it takes no resumption token.")
    _set(parent, KNOWLEDGE_BASE_SET, "Knowledge base", "Pages the curators published Globe-wide.")
    _set(parent, COMMUNITY_SETS, "Communities", "Resources shared in public communities of practice.")
    for spec, name, domain in records.public_sets():
        _set(parent, spec, name, domain)


def _set(parent, spec: str, name: str, description: str) -> None:
    entry = xml.add(parent, "set")
    xml.add(entry, "setSpec", spec)
    xml.add(entry, "setName", name)
    xml.dublin_core(xml.add(entry, "setDescription"), [("description", description)])


def get_record(repository: Repository, arguments: dict[str, str], parent) -> None:
    _check_prefix(arguments["metadataPrefix"])
    header = _find(repository, arguments["identifier"])
    _records(repository, [header], parent, with_metadata=True)


def list_identifiers(repository: Repository, arguments: dict[str, str], parent) -> None:
    _list(repository, arguments, parent, verb="ListIdentifiers")


def list_records(repository: Repository, arguments: dict[str, str], parent) -> None:
    _list(repository, arguments, parent, verb="ListRecords")


HANDLERS = {"Identify": identify, "ListMetadataFormats": list_metadata_formats, "ListSets": list_sets,
            "GetRecord": get_record, "ListIdentifiers": list_identifiers, "ListRecords": list_records}


# --- lists and records -----------------------------------------------------------------------

def _list(repository: Repository, arguments: dict[str, str], parent, *, verb: str) -> None:
    state = _state(arguments, verb)
    page = records.list_headers(since=state.since, before=state.before, set_spec=state.set_spec,
                                after=state.position, limit=PAGE_SIZE + 1)
    if not page:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    shown = page[:PAGE_SIZE]
    _records(repository, shown, parent, with_metadata=verb == "ListRecords")
    if len(page) > PAGE_SIZE:
        last = shown[-1]
        token, expires = tokens.issue(state.advanced(len(shown), Position(last.datestamp, last.kind, last.item_id)))
        _token(parent, token, state, len(shown), expirationDate=xml.utc(expires))
    elif state.position is not None:
        _token(parent, "", state, len(shown))  # the last page of a split list: an empty token


def _token(parent, token: str, state: tokens.ListState, shown: int, **attributes) -> None:
    total = max(state.total, state.cursor + shown)  # records added since the count stay countable
    xml.add(parent, "resumptionToken", token, completeListSize=total, cursor=state.cursor, **attributes)


def _state(arguments: dict[str, str], verb: str) -> tokens.ListState:
    if "resumptionToken" in arguments:
        try:
            return tokens.read(arguments["resumptionToken"], verb)
        except tokens.BadToken:
            raise OaiError("badResumptionToken", "The resumption token is invalid or has expired.") from None
    _check_prefix(arguments["metadataPrefix"])
    since, before = _date_range(arguments.get("from"), arguments.get("until"))
    set_spec = arguments.get("set")
    if set_spec is not None and not SET_SPEC_RE.match(set_spec):
        raise OaiError("badArgument", f"{set_spec!r} is not a set specification.")
    total = records.count(since=since, before=before, set_spec=set_spec)
    return tokens.ListState(verb=verb, since=since, before=before, set_spec=set_spec, total=total)


def _records(repository: Repository, headers: list[Header], parent, *, with_metadata: bool) -> None:
    items = records.load_items(headers) if with_metadata else {}
    for header in headers:
        identifier = repository.identifier(header.kind, header.item_id)
        if not with_metadata:
            xml.header(parent, identifier, header.datestamp, header.set_spec, header.is_deleted)
            continue
        record = xml.add(parent, "record")
        xml.header(record, identifier, header.datestamp, header.set_spec, header.is_deleted)
        item = items.get((header.kind, header.item_id))
        if item is not None:
            xml.dublin_core(xml.add(record, "metadata"), _metadata(repository, header.kind, item))


def _metadata(repository: Repository, kind: str, item) -> list[tuple[str, str]]:
    publisher = current_app.config["SITE_NAME"]
    if kind == "resource":
        return resource_dublin_core(item, url=repository.site_url + resource_path(item.id), publisher=publisher)
    url = repository.site_url + wiki_page_path(item.community.slug, item.slug)
    return kb_page_dublin_core(item, url=url, publisher=publisher)


def _find(repository: Repository, identifier: str) -> Header:
    match = IDENTIFIER_RE.match(identifier)
    header = None
    if match and match["repository"] == repository.repository_id:
        header = records.find(match["kind"], int(match["item_id"]))
    if header is None:
        raise OaiError("idDoesNotExist", f"No record has the identifier {identifier!r}.")
    return header


def _check_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OaiError("cannotDisseminateFormat", f"Records are available as {METADATA_PREFIX} only.")


def _date_range(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """`from` and `until` as an inclusive start and an exclusive end, checked against each other."""
    start, start_step = _parse_date("from", since)
    last, last_step = _parse_date("until", until)
    if start_step and last_step and start_step != last_step:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    if start and last and start > last:
        raise OaiError("badArgument", "from must not be later than until.")
    try:
        end = last + last_step if last else None
    except OverflowError:  # until the end of time
        end = None
    return start, end


def _parse_date(name: str, text: str | None) -> tuple[datetime | None, timedelta | None]:
    if text is None:
        return None, None
    for shape, pattern, step in DATE_FORMATS:
        if shape.match(text):
            try:
                return datetime.strptime(text, pattern).replace(tzinfo=UTC), step
            except ValueError:
                break
    raise OaiError("badArgument", f"{name} must be a UTC date (YYYY-MM-DD) or time (YYYY-MM-DDThh:mm:ssZ).")
