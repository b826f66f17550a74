"""The demo's communities of practice and who belongs to which, with what role."""

from __future__ import annotations

from ..errors import NotFound
from ..services import communities
from ..services.accounts import SYSTEM

# (slug, name, domain, policy, visibility)
COMMUNITIES = [
    (
        "materials-development",
        "Materials & Resources Development",
        "Designing, adapting and sharing classroom materials for English learners.",
        "open",
        "public",
    ),
    (
        "teaching-speaking",
        "Teaching Speaking",
        "Helping learners speak with fluency, accuracy and confidence.",
        "open",
        "public",
    ),
    (
        "young-learners",
        "Young Learners",
        "Teaching English to children aged 5 to 12 through play, stories and songs.",
        "open",
        "public",
    ),
    (
        "eap",
        "English for Academic Purposes",
        "Preparing students for study in English at university.",
        "request",
        "public",
    ),
    (
        "assessment",
        "Assessment & Testing",
        "Fair, useful tests and feedback that help learners improve.",
        "request",
        "public",
    ),
    (
        "teacher-education",
        "Teacher Education",
        "Training and mentoring pre-service and in-service English teachers.",
        "request",
        "members",
    ),
    (
        "digital-tools",
        "Digital Tools for the Classroom",
        "Low-bandwidth technology that works for real classrooms.",
        "open",
        "public",
    ),
    (
        "inclusive-practice",
        "Inclusive Practice",
        "Teaching learners with special educational needs and disabilities.",
        "open",
        "public",
    ),
    (
        "reading-writing",
        "Reading & Writing",
        "Extensive reading, process writing and literacy across levels.",
        "open",
        "public",
    ),
    (
        "pronunciation",
        "Pronunciation",
        "Intelligibility-focused pronunciation teaching for any accent.",
        "open",
        "public",
    ),
    (
        "esp",
        "English for Specific Purposes",
        "English for work: tourism, health care, engineering and more.",
        "request",
        "public",
    ),
    (
        "research-practice",
        "Classroom Research",
        "Action research and exploratory practice by teachers.",
        "invite",
        "members",
    ),
    (
        "mena-teachers",
        "MENA English Teachers' Association",
        "A regional association of English teachers in the Middle East and North Africa.",
        "request",
        "members",
    ),
    (
        "large-classes",
        "Teaching Large Classes",
        "Practical ideas for classes of 50, 80 or more learners with few resources.",
        "open",
        "public",
    ),
]

# Where every member may edit the wiki (elsewhere only editors do), so teachers' edits show in
# the page histories.
WIKI_OPEN_TO_MEMBERS = {"young-learners", "large-classes", "mena-teachers"}
EDITOR_COMMUNITIES = [
    "materials-development",
    "teaching-speaking",
    "teacher-education",
    "young-learners",
    "reading-writing",
]
TEACHER_COMMUNITIES = ["young-learners", "materials-development", "large-classes", "mena-teachers"]

# (email, slug, role)
MEMBERSHIPS = (
    [("facilitator@globe.example", slug, "facilitator") for slug, *_ in COMMUNITIES]
    + [("editor@globe.example", slug, "editor") for slug in EDITOR_COMMUNITIES]
    + [("teacher@globe.example", slug, "member") for slug in TEACHER_COMMUNITIES]
    + [
        ("mentor.design@globe.example", "teacher-education", "member"),
        ("mentor.publishing@globe.example", "materials-development", "member"),
    ]
)


def load_communities(people: dict) -> None:
    for slug, name, domain, policy, visibility in COMMUNITIES:
        _community(slug, name, domain, policy, visibility)
    for email, slug, role in MEMBERSHIPS:
        _member(people[email], slug, role)
    _pending_request(people["newcomer@globe.example"], "eap")


def _community(slug, name, domain, policy, visibility) -> None:
    open_wiki = slug in WIKI_OPEN_TO_MEMBERS
    try:
        community = communities.get_community(slug)
    except NotFound:
        communities.create_community(
            SYSTEM,
            slug=slug,
            name=name,
            domain=domain,
            policy=policy,
            visibility=visibility,
            members_can_edit_wiki=open_wiki,
            description=f"{domain} Share what works, ask questions, and build "
            "resources together with teachers worldwide.",
        )
        return
    if open_wiki and not community.members_can_edit_wiki:  # a site loaded by an older demo
        settings = ("name", "domain", "description", "policy", "visibility", "default_license")
        communities.update_community(
            SYSTEM,
            community,
            members_can_edit_wiki=True,
            **{key: getattr(community, key) for key in settings},
        )


def _member(user, slug: str, role: str) -> None:
    community = communities.get_community(slug)
    record = communities.membership(community, user.id)
    if record is None or not record.is_active:
        communities.add_member(SYSTEM, community, user, role=role)


def _pending_request(user, slug: str) -> None:
    community = communities.get_community(slug)
    if communities.membership(community, user.id) is None:
        communities.join(
            user,
            community,
            message="I teach first-year university students and would love to learn.",
        )
