"""Test data built through the services, so every test exercises the real rules."""
from __future__ import annotations

import itertools

from globe.services import accounts, communities
from globe.services.accounts import SYSTEM
from globe.services.names import imitated_name

PASSWORD = "password123"
_counter = itertools.count(1)


def make_user(name: str | None = None, *, email: str | None = None, admin: bool = False, mentor: bool = False,
              curator: bool = False, expertise: str = ""):
    n = next(_counter)
    wanted = name = name or f"User {n}"
    while imitated_name(name):  # suites sharing one site (the browser tests) meet a protected name again
        name = f"{wanted} {next(_counter)}"
    user = accounts.register_user(email=email or f"user{n}@example.org", display_name=name, password=PASSWORD,
                                  verified=True)
    if admin or mentor or curator or expertise:
        accounts.set_site_roles(SYSTEM, user, is_admin=admin, is_mentor=mentor, is_curator=curator,
                                expertise=expertise)
    return user


def make_community(slug: str | None = None, *, policy: str = "open", visibility: str = "public",
                   facilitator=None, **settings):
    n = next(_counter)
    community = communities.create_community(SYSTEM, slug=slug or f"cop-{n}", name=settings.pop("name", f"CoP {n}"),
                                             domain=settings.pop("domain", "Teaching English"), policy=policy,
                                             visibility=visibility, **settings)
    if facilitator is not None:
        add_member(community, facilitator, "facilitator")
    return community


def add_member(community, user, role: str = "member"):
    """Make the user an active member with the given role, whatever the CoP's policy."""
    return communities.add_member(SYSTEM, community, user, role=role)


def make_page(community, title: str, body: str = "Some text.", *, author=None, tags=None):
    """A wiki page created by an editor of the CoP (made editor if needed)."""
    from globe.services import wiki_pages
    if author is None:
        author = make_user()
        add_member(community, author, "editor")
    return wiki_pages.create_page(author, community, title=title, body=body, tags=tags).page


def make_club(first_name: str = "Ana Lima"):
    """A members-only community "club" with two members and a facilitator: (community, first, bo, fay)."""
    community = make_community("club", name="Speaking club", visibility="members")
    first, bo, fay = make_user(first_name), make_user("Bo"), make_user("Fay")
    add_member(community, first)
    add_member(community, bo)
    add_member(community, fay, "facilitator")
    return community, first, bo, fay


def plan_meeting(community, organiser=None, *, title: str = "Speaking club meeting", start: str = "2027-03-16T18:00",
                 minutes: int = 60, timezone: str = "Europe/London", repeat: str | None = None,
                 count: int | None = None, **fields):
    """A meeting scheduled by an organiser of the CoP (made organiser if needed): the services' Scheduled."""
    from globe.services import meetings
    if organiser is None:
        organiser = make_user()
        add_member(community, organiser, "organiser")
    plan = meetings.check_plan(title=title, start=start, minutes=minutes, timezone=timezone, **fields)
    return meetings.schedule(organiser, community, plan, repeat=repeat, count=count)
