"""Building OAI-PMH responses with lxml: the envelope, headers, oai_dc records, errors."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
# Characters XML 1.0 cannot carry at all (lxml refuses them): dropped from user text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def utc(moment: datetime) -> str:
    """A datestamp at the repository's granularity (seconds, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add(parent: etree._Element, name: str, text: str | None = None, namespace: str = OAI, **attributes):
    element = etree.SubElement(parent, f"{{{namespace}}}{name}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def envelope(base_url: str, now: datetime, request_arguments: dict[str, str] | None) -> etree._Element:
    """The OAI-PMH root with responseDate and request (arguments echoed only for a valid request)."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} {OAI_SCHEMA}")
    add(root, "responseDate", utc(now))
    add(root, "request", base_url, **(request_arguments or {}))
    return root


def header(parent: etree._Element, identifier: str, datestamp: datetime, set_spec: str, deleted: bool):
    element = add(parent, "header", **({"status": "deleted"} if deleted else {}))
    add(element, "identifier", identifier)
    add(element, "datestamp", utc(datestamp))
    add(element, "setSpec", set_spec)
    return element


def dublin_core(parent: etree._Element, elements: list[tuple[str, str]]) -> etree._Element:
    """An oai_dc:dc element with its own namespaces and schema location."""
    dc = etree.SubElement(parent, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {OAI_DC_SCHEMA}")
    for name, value in elements:
        add(dc, name, value, namespace=DC)
    return dc


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
