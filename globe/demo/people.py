"""The demo's people: the accounts it creates, their profiles and their site roles."""

from __future__ import annotations

from ..services import accounts
from ..services.accounts import SYSTEM

DEMO_PASSWORD = "globe-demo-2026"

# (email, name, bio) — the first three are special roles, the rest are teachers.
PEOPLE = [
    ("admin@globe.example", "Amina Haddad", "Site admin and programme coordinator."),
    ("mentor.design@globe.example", "Daniel Okafor", "Course designer and author of ELT syllabi."),
    (
        "mentor.publishing@globe.example",
        "Sofia Marques",
        "Editor and publishing consultant for ELT materials.",
    ),
    (
        "facilitator@globe.example",
        "Leila Benali",
        "Teacher trainer; facilitates several communities.",
    ),
    ("editor@globe.example", "Tomás García", "Secondary teacher who curates our wiki pages."),
    ("teacher@globe.example", "Mei Chen", "Primary English teacher in a large public school."),
    ("newcomer@globe.example", "Yusuf Demir", "Newly qualified teacher in Izmir."),
]

# More mentors, so suggestions have something to rank and exclude:
# (email, name, expertise, capacity, taking assignments, named in the showcase)
MENTOR_POOL = [
    (
        "mentor.marketing@globe.example",
        "Grace Mensah",
        "marketing, business strategy",
        3,
        True,
        True,
    ),
    ("mentor.assessment@globe.example", "Ravi Iyer", "assessment, course design", 2, True, False),
    (
        "mentor.online@globe.example",
        "Hana Kim",
        "online courses, course design, learning technology",
        3,
        True,
        True,
    ),
    ("mentor.paused@globe.example", "Pedro Alves", "publishing, course design", 3, False, False),
    ("mentor.busy@globe.example", "Olga Petrova", "syllabus design, publishing", 1, True, False),
    (
        "mentor.conflicted@globe.example",
        "Kwame Boateng",
        "publishing, editing, marketing",
        3,
        True,
        False,
    ),
]


def demo_emails() -> set[str]:
    return {email for email, *_ in PEOPLE} | {email for email, *_ in MENTOR_POOL}


def load_people() -> dict:
    """The demo's main accounts by email, created when missing, with their site roles."""
    people = {email: person(email, name, bio) for email, name, bio in PEOPLE}
    accounts.set_site_roles(
        SYSTEM, people["admin@globe.example"], is_admin=True, is_mentor=False, is_curator=True
    )
    accounts.set_site_roles(
        SYSTEM,
        people["mentor.design@globe.example"],
        is_admin=False,
        is_mentor=True,
        is_curator=False,
        expertise="course design, business strategy, syllabus design",
    )
    accounts.set_site_roles(
        SYSTEM,
        people["mentor.publishing@globe.example"],
        is_admin=False,
        is_mentor=True,
        is_curator=False,
        expertise="publishing, marketing, editing",
    )
    return people


def person(email: str, name: str, bio: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.register_user(email=email, display_name=name, password=DEMO_PASSWORD, verified=True)
        accounts.update_profile(
            user, user, display_name=name, bio=bio, country="", languages="English"
        )
    return user
