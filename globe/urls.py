"""Permanent paths of things, for what is stored or sent away from a request (cached HTML, search, feeds).

Views use url_for(); these builders exist because services must not depend on a request."""
import unicodedata
from urllib.parse import quote, unquote, urlsplit

from flask import current_app, has_request_context, request


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


def thread_path(thread_id: int) -> str:
    return f"/discussions/{thread_id}"


def board_path(community_slug: str) -> str:
    return f"/c/{community_slug}/discussions"


def meeting_path(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}"


def community_meetings_path(community_slug: str) -> str:
    return f"/c/{community_slug}/meetings"


def project_path(proposal_id: int) -> str:
    return f"/incubator/{proposal_id}"


def community_members_path(community_slug: str) -> str:
    return f"/c/{community_slug}/members"


def knowledge_base_request_path(request_id: int) -> str:
    return f"/knowledge-base/requests/{request_id}"


def site_address() -> str:
    """The site's public address, for links that leave a request (emails): GLOBE_SITE_URL, else the
    address of the request being served (development only: a client can forge its Host header)."""
    configured = str(current_app.config.get("SITE_URL") or "").rstrip("/")
    if configured or not has_request_context():
        return configured
    return request.host_url.rstrip("/")


def secret_link_address() -> str:
    """The site address for links carrying a secret (password resets, invitations, sign-in and confirmation
    links): GLOBE_SITE_URL only.

    Unset, such a link is a bare path: site_address() would fall back on the Host header, which a client
    can forge to have the secret sent to another site."""
    return site_address() if current_app.config.get("SITE_URL") else ""


def password_reset_path(token: str) -> str:
    return f"/password-reset/{token}"


def sign_in_link_path(token: str) -> str:
    return f"/sign-in/{token}"


def invitation_path(token: str) -> str:
    return f"/invitations/{token}"


def invite_link_path(token: str) -> str:
    return f"/join/{token}"


def email_verification_path(token: str) -> str:
    return f"/confirm-email/{token}"


def unsubscribe_path(token: str) -> str:
    return f"/unsubscribe/{token}"


def same_site_path(target: object) -> str | None:
    r"""`target` when it is a path on this site, else None: the one check before following a `next=`.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so `/<tab>/evil.example`
    or `/\evil.example` would leave the site; the value is judged both as given and once more decoded."""
    if not isinstance(target, str) or not target:
        return None
    if all(_is_plain_local_path(form) for form in (target, unquote(target))):
        return target
    return None


def _is_plain_local_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//") or "\\" in text or text != text.strip():
        return False
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


class PinnedSiteUrl:
    """WSGI middleware: every request is served as if addressed to SITE_URL, whatever `Host` it carried.

    url_for(_external=True), request.host_url and request.url_root then build every absolute link (sitemap,
    feeds, OAI-PMH, API links, OpenSearch, cached pages) from the configured address, so a forged Host
    header can never put another site's address into a page, a cache or an email."""

    def __init__(self, wsgi_app, site_url: str):
        parts = urlsplit(site_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"GLOBE_SITE_URL must be an http(s) address such as https://globe.example.org, "
                             f"not {site_url!r}.")
        self.wsgi_app = wsgi_app
        self.scheme, self.host, self.prefix = parts.scheme, parts.netloc, parts.path
        self.port = str(parts.port or (443 if parts.scheme == "https" else 80))
        self.server_name = parts.hostname

    def __call__(self, environ, start_response):
        environ.update({"wsgi.url_scheme": self.scheme, "HTTP_HOST": self.host,
                        "SERVER_NAME": self.server_name, "SERVER_PORT": self.port})
        if self.prefix:
            environ["SCRIPT_NAME"] = self.prefix
        return self.wsgi_app(environ, start_response)
