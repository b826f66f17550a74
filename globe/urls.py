"""Permanent paths of things, for what is stored or sent away from a request (cached HTML, search, feeds).

Views use url_for(); these builders exist because services must not depend on a request."""
from urllib.parse import quote


def community_path(community_slug: str) -> str:
    return f"/c/{community_slug}"


def wiki_page_path(community_slug: str, page_slug: str) -> str:
    return f"/c/{community_slug}/wiki/{quote(page_slug)}"


def wiki_new_page_path(community_slug: str, title: str) -> str:
    return f"/c/{community_slug}/wiki/-/new?title={quote(title)}"


def wiki_attachment_path(community_slug: str, page_slug: str, name: str) -> str:
    return f"/c/{community_slug}/wiki/{quote(page_slug)}/attachments/{quote(name)}"


def resource_path(resource_id: int) -> str:
    return f"/resources/{resource_id}"


def project_path(proposal_id: int) -> str:
    return f"/incubator/{proposal_id}"
