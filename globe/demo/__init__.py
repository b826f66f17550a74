"""Demo data that makes a first run look alive, loaded through the services (idempotent).

Run by `flask --app wsgi globe demo`. It refuses a site holding accounts it did not create."""

from __future__ import annotations

from flask import current_app

from ..errors import Conflict
from ..extensions import db
from ..models import User
from ..services import accounts, extraction, search
from .communities import load_communities
from .discussions import load_discussions
from .incubator import load_incubator
from .people import DEMO_PASSWORD, MENTOR_POOL, demo_emails, load_people
from .resources import load_resources
from .wiki_pages import load_wiki_pages

__all__ = ["DEMO_PASSWORD", "load_demo"]


def load_demo() -> dict:
    """Create whatever part of the demo is missing and describe the logins."""
    _refuse_accounts_it_did_not_create()
    with search.indexing_deferred():  # one pass over the search queue at the end, not one per save
        people = load_people()
        load_communities(people)
        load_wiki_pages(people)
        load_resources(people)
        load_incubator(people)
        load_discussions(people)
        _finish_background_work()
    return {
        "password": DEMO_PASSWORD,
        "accounts": [
            ("admin@globe.example", "site admin and knowledge-base curator"),
            ("mentor.design@globe.example", "mentor: course design, business strategy"),
            ("mentor.publishing@globe.example", "mentor: publishing, marketing"),
            ("facilitator@globe.example", "facilitator of every community"),
            ("editor@globe.example", "editor in five communities"),
            ("teacher@globe.example", "member of four communities"),
            ("newcomer@globe.example", "new teacher with a pending request"),
            (
                "mentor.*@globe.example",
                f"{len(MENTOR_POOL)} more mentors: paused, at capacity, conflicted, ...",
            ),
        ],
    }


def _finish_background_work() -> None:
    """Wait for the background extractor, then the search indexer, so that everything the demo says
    is ready can be found. Each has one worker taking tasks in order: a task given now runs last."""
    for key in (extraction.EXECUTOR_KEY, search.EXECUTOR_KEY):
        executor = current_app.extensions.get(key)
        if executor is not None:
            executor.submit(lambda: None).result()


def _refuse_accounts_it_did_not_create() -> None:
    """Raise Conflict, before anything is written, on a site with accounts the demo did not make.

    The demo gives its accounts admin and mentor roles; adopting an address someone registered
    first would hand those roles to that person. The demo's own accounts are those created with its
    published password (the marker), and it runs only where every account is one of them."""
    own_emails = demo_emails()
    for user in db.session.scalars(db.select(User)):
        if user.email not in own_emails:
            raise Conflict(
                "This site has accounts the demo did not create; the demo only runs on a new "
                "site (or one holding nothing but the demo). Nothing was changed."
            )
        if accounts.authenticate(user.email, DEMO_PASSWORD) is None:
            raise Conflict(
                f"{user.email} was registered by someone else, not by the demo, so the demo "
                "will not give it any role. Nothing was changed."
            )
