"""The JSON API under /api/v1: Bearer-token auth, problem+json errors, paginated lists.

It never reads the session cookie, so it needs no CSRF token; it calls the same services as the
pages. The blueprint and shared helpers live in common.py; importing the endpoint modules here adds
their routes."""

from . import (  # noqa: F401
    accounts,
    communities,
    conversations,
    incubator,
    invitations,
    invite_links,
    moderation,
    notifications,
    openapi,
    resources,
    search,
    wiki_pages,
)
from .common import bp

__all__ = ["bp"]
