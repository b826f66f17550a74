"""The JSON API under /api/v1: Bearer-token auth, problem+json errors, paginated lists.

It never reads the session cookie, so it needs no CSRF token; it calls the same services as the
pages. The blueprint and shared helpers live in common.py; importing the endpoint modules here adds
their routes."""

from . import accounts, communities, incubator, invitations, invite_links, openapi, resources, search, wiki_pages  # noqa: F401
from .common import bp

__all__ = ["bp"]
