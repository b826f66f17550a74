"""Globe's metadata in other tools' vocabularies: Dublin Core (OAI-PMH) and LRMI/schema.org (JSON-LD).

Pure functions of a model and absolute URLs, so the OAI service and the resource page describe a
resource the same way."""
from __future__ import annotations

import re

from .models import Resource, WikiPage

# Globe stores a licence's family; its URL is the current (4.0) version of the Creative Commons licence.
LICENSE_URLS = {
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nc": "https://creativecommons.org/licenses/by-nc/4.0/",
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
LICENSE_NAMES = {"cc-by": "CC BY 4.0", "cc-by-sa": "CC BY-SA 4.0", "cc-by-nc": "CC BY-NC 4.0", "cc0": "CC0 1.0",
                 "all-rights-reserved": "All rights reserved"}
CEFR_URL = "https://www.coe.int/en/web/common-european-framework-reference-languages"
DCMI_TYPES = {"image": "StillImage", "audio": "Sound", "video": "MovingImage"}
SUMMARY_CHARS = 500


LICENSE_LABELS = {"cc-by": "CC BY", "cc-by-sa": "CC BY-SA", "cc-by-nc": "CC BY-NC", "cc0": "CC0",
                  "all-rights-reserved": "All rights reserved"}
# English names of the languages teachers on Globe share in most; any other code is shown as given.
LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "fa": "Persian", "fr": "French", "he": "Hebrew", "hi": "Hindi", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "pt-br": "Portuguese (Brazil)",
    "ru": "Russian", "sw": "Swahili", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "zh": "Chinese"}


def label(value: str) -> str:
    """How a vocabulary value reads: "B1", "Pre-A1", "Lesson plan", "CC BY-SA"."""
    if re.fullmatch(r"(pre-)?[abc][12]", value):
        return value.upper().replace("PRE-", "Pre-")
    return LICENSE_LABELS.get(value) or value.replace("-", " ").capitalize()


def language_name(code: str) -> str:
    """ "ar" -> "Arabic"; a code Globe has no name for is shown as it was given."""
    code = (code or "").lower()
    return LANGUAGE_NAMES.get(code) or LANGUAGE_NAMES.get(code.split("-")[0], code)


def facet_value_label(facet: str, value: str) -> str:
    """A search or list facet value as people read it (tags and names stay as typed)."""
    if facet == "language":
        return language_name(value)
    if facet in ("level", "type", "skill", "age_group", "license"):
        return label(value)
    return value


def _format(resource: Resource) -> str:
    return resource.latest.content_type if resource.latest else "text/html"


def resource_dublin_core(resource: Resource, *, url: str, publisher: str) -> list[tuple[str, str]]:
    """(element, value) pairs of oai_dc, in the order of the Dublin Core element set."""
    family = resource.latest.family if resource.latest else "other"
    elements = [("title", resource.title)]
    if resource.owner is not None:
        elements.append(("creator", resource.owner.display_name))
    elements += [("subject", value) for value in resource.values("tag")]
    elements += [("subject", label(value)) for value in resource.values("skill")]
    elements += [("subject", f"CEFR {label(value)}") for value in resource.values("level")]
    if resource.description:
        elements.append(("description", resource.description))
    elements += [("publisher", publisher), ("date", resource.created_at.date().isoformat()),
                 ("type", DCMI_TYPES.get(family, "Text"))]
    if resource.resource_type:
        elements.append(("type", label(resource.resource_type)))
    elements += [("format", _format(resource)), ("identifier", url), ("language", resource.language)]
    elements += [("rights", value)
                 for value in (LICENSE_URLS.get(resource.license), LICENSE_NAMES.get(resource.license))
                 if value]
    return elements


def page_summary(page: WikiPage) -> str:
    """The page's opening sentence(s): its first line that is not a heading."""
    body = page.current_revision.body if page.current_revision else ""
    lines = (line.strip() for line in body.splitlines())
    first = next((line for line in lines if line and not line.startswith("#")), "")
    return first[:SUMMARY_CHARS]


def kb_page_dublin_core(page: WikiPage, *, url: str, publisher: str) -> list[tuple[str, str]]:
    """A knowledge-base page: written together by its CoP, so the CoP is its creator."""
    elements = [("title", page.title), ("creator", page.community.name)]
    elements += [("subject", tag) for tag in page.tags or []]
    summary = page_summary(page)
    if summary:
        elements.append(("description", summary))
    return elements + [("publisher", publisher), ("date", page.created_at.date().isoformat()), ("type", "Text"),
                       ("format", "text/html"), ("identifier", url)]


def resource_linked_data(resource: Resource, *, url: str, publisher: str) -> dict:
    """An LRMI LearningResource for the resource's page (schema.org JSON-LD)."""
    data = {
        "@context": "https://schema.org", "@type": "LearningResource", "@id": url, "url": url,
        "name": resource.title, "inLanguage": resource.language, "encodingFormat": _format(resource),
        "dateCreated": resource.created_at.isoformat(), "dateModified": resource.updated_at.isoformat(),
        "publisher": {"@type": "Organization", "name": publisher},
        "educationalLevel": [{"@type": "DefinedTerm", "name": label(level), "termCode": label(level),
                              "inDefinedTermSet": CEFR_URL} for level in resource.values("level")],
        "teaches": [label(skill) for skill in resource.values("skill")],
        "keywords": resource.values("tag"),
        "isAccessibleForFree": True,
    }
    optional = {
        "description": resource.description or None,
        "learningResourceType": label(resource.resource_type) if resource.resource_type else None,
        "license": LICENSE_URLS.get(resource.license),
        "author": {"@type": "Person", "name": resource.owner.display_name} if resource.owner else None,
        "audience": [{"@type": "EducationalAudience", "audienceType": label(group)}
                     for group in resource.values("age_group")] or None,
    }
    data.update({key: value for key, value in optional.items() if value is not None})
    return {key: value for key, value in data.items() if value != []}
