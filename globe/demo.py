"""Demo data that makes a first run look alive, loaded through the services (idempotent)."""
from __future__ import annotations

import wiki

from .errors import Conflict, NotFound
from .services import accounts, communities
from .services.accounts import SYSTEM

DEMO_PASSWORD = "globe-demo-2026"

# (slug, name, domain, policy, visibility)
COMMUNITIES = [
    ("materials-development", "Materials & Resources Development",
     "Designing, adapting and sharing classroom materials for English learners.", "open", "public"),
    ("teaching-speaking", "Teaching Speaking",
     "Helping learners speak with fluency, accuracy and confidence.", "open", "public"),
    ("young-learners", "Young Learners",
     "Teaching English to children aged 5 to 12 through play, stories and songs.", "open", "public"),
    ("eap", "English for Academic Purposes",
     "Preparing students for study in English at university.", "request", "public"),
    ("assessment", "Assessment & Testing",
     "Fair, useful tests and feedback that help learners improve.", "request", "public"),
    ("teacher-education", "Teacher Education",
     "Training and mentoring pre-service and in-service English teachers.", "request", "members"),
    ("digital-tools", "Digital Tools for the Classroom",
     "Low-bandwidth technology that works for real classrooms.", "open", "public"),
    ("inclusive-practice", "Inclusive Practice",
     "Teaching learners with special educational needs and disabilities.", "open", "public"),
    ("reading-writing", "Reading & Writing",
     "Extensive reading, process writing and literacy across levels.", "open", "public"),
    ("pronunciation", "Pronunciation",
     "Intelligibility-focused pronunciation teaching for any accent.", "open", "public"),
    ("esp", "English for Specific Purposes",
     "English for work: tourism, health care, engineering and more.", "request", "public"),
    ("research-practice", "Classroom Research",
     "Action research and exploratory practice by teachers.", "invite", "members"),
    ("mena-teachers", "MENA English Teachers' Association",
     "A regional association of English teachers in the Middle East and North Africa.", "request", "members"),
    ("large-classes", "Teaching Large Classes",
     "Practical ideas for classes of 50, 80 or more learners with few resources.", "open", "public"),
]

# (email, name, bio) — the first three are special roles, the rest are teachers.
PEOPLE = [
    ("admin@globe.example", "Amina Haddad", "Site admin and programme coordinator."),
    ("mentor.design@globe.example", "Daniel Okafor", "Course designer and author of ELT syllabi."),
    ("mentor.publishing@globe.example", "Sofia Marques", "Editor and publishing consultant for ELT materials."),
    ("facilitator@globe.example", "Leila Benali", "Teacher trainer; facilitates several communities."),
    ("editor@globe.example", "Tomás García", "Secondary teacher who curates our wiki pages."),
    ("teacher@globe.example", "Mei Chen", "Primary English teacher in a large public school."),
    ("newcomer@globe.example", "Yusuf Demir", "Newly qualified teacher in Izmir."),
]

# More mentors, so suggestions have something to rank and exclude:
# (email, name, expertise, capacity, taking assignments, named in the showcase)
MENTOR_POOL = [
    ("mentor.marketing@globe.example", "Grace Mensah", "marketing, business strategy", 3, True, True),
    ("mentor.assessment@globe.example", "Ravi Iyer", "assessment, course design", 2, True, False),
    ("mentor.online@globe.example", "Hana Kim", "online courses, course design, learning technology", 3, True, True),
    ("mentor.paused@globe.example", "Pedro Alves", "publishing, course design", 3, False, False),
    ("mentor.busy@globe.example", "Olga Petrova", "syllabus design, publishing", 1, True, False),
    ("mentor.conflicted@globe.example", "Kwame Boateng", "publishing, editing, marketing", 3, True, False),
]

# (email, slug, role)
MEMBERSHIPS = [
    ("facilitator@globe.example", slug, "facilitator") for slug, *_ in COMMUNITIES
] + [
    ("editor@globe.example", "materials-development", "editor"),
    ("editor@globe.example", "teaching-speaking", "editor"),
    ("editor@globe.example", "teacher-education", "editor"),
    ("teacher@globe.example", "young-learners", "member"),
    ("teacher@globe.example", "materials-development", "member"),
    ("teacher@globe.example", "large-classes", "member"),
    ("teacher@globe.example", "mena-teachers", "member"),
    ("mentor.design@globe.example", "teacher-education", "member"),
    ("mentor.publishing@globe.example", "materials-development", "member"),
]


def load_demo() -> dict:
    """Create whatever part of the demo is missing and describe the logins."""
    _refuse_accounts_it_did_not_create()
    people = {email: _person(email, name, bio) for email, name, bio in PEOPLE}
    _roles(people)
    for slug, name, domain, policy, visibility in COMMUNITIES:
        _community(slug, name, domain, policy, visibility)
    for email, slug, role in MEMBERSHIPS:
        _member(people[email], slug, role)
    _pending_request(people["newcomer@globe.example"], "eap")
    _wiki_pages(people["editor@globe.example"], people["admin@globe.example"])
    _resources(people["teacher@globe.example"])
    _proposals(people)
    _mentor_pool(people)
    return {"password": DEMO_PASSWORD, "accounts": [
        ("admin@globe.example", "site admin"),
        ("mentor.design@globe.example", "mentor: course design, business strategy"),
        ("mentor.publishing@globe.example", "mentor: publishing, marketing"),
        ("facilitator@globe.example", "facilitator of every community"),
        ("editor@globe.example", "editor in three communities"),
        ("teacher@globe.example", "member of four communities"),
        ("newcomer@globe.example", "new teacher with a pending request"),
        ("mentor.*@globe.example", f"{len(MENTOR_POOL)} more mentors: paused, at capacity, conflicted, ..."),
    ]}


def _demo_emails() -> set[str]:
    return {email for email, *_ in PEOPLE} | {email for email, *_ in MENTOR_POOL}


def _refuse_accounts_it_did_not_create() -> None:
    """Raise Conflict, before anything is written, on a site with accounts the demo did not make.

    The demo gives its accounts admin and mentor roles; adopting an address someone registered
    first would hand those roles to that person. The demo's own accounts are those created with its
    published password (the marker), and it runs only where every account is one of them."""
    from .extensions import db
    from .models import User
    demo_emails = _demo_emails()
    for user in db.session.scalars(db.select(User)):
        if user.email not in demo_emails:
            raise Conflict("This site has accounts the demo did not create; the demo only runs on a new "
                           "site (or one holding nothing but the demo). Nothing was changed.")
        if accounts.authenticate(user.email, DEMO_PASSWORD) is None:
            raise Conflict(f"{user.email} was registered by someone else, not by the demo, so the demo "
                           "will not give it any role. Nothing was changed.")


def _person(email: str, name: str, bio: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.register_user(email=email, display_name=name, password=DEMO_PASSWORD)
        accounts.update_profile(user, user, display_name=name, bio=bio, country="", languages="English")
    return user


def _roles(people: dict) -> None:
    accounts.set_site_roles(SYSTEM, people["admin@globe.example"], is_admin=True, is_mentor=False,
                            is_curator=True)
    accounts.set_site_roles(SYSTEM, people["mentor.design@globe.example"], is_admin=False, is_mentor=True,
                            is_curator=False, expertise="course design, business strategy, syllabus design")
    accounts.set_site_roles(SYSTEM, people["mentor.publishing@globe.example"], is_admin=False, is_mentor=True,
                            is_curator=False, expertise="publishing, marketing, editing")


def _community(slug, name, domain, policy, visibility) -> None:
    try:
        communities.get_community(slug)
    except NotFound:
        communities.create_community(SYSTEM, slug=slug, name=name, domain=domain, policy=policy,
                                     visibility=visibility, description=f"{domain} Share what works, ask "
                                     "questions, and build resources together with teachers worldwide.")


def _member(user, slug: str, role: str) -> None:
    community = communities.get_community(slug)
    record = communities.membership(community, user.id)
    if record is not None and record.is_active:
        return
    if record is None or record.status != "pending":
        communities.invite(SYSTEM, community, email=user.email)
        if communities.membership(community, user.id).status == "invited":
            communities.accept_invitation(user, community)
    else:
        communities.decide_request(SYSTEM, community, user.id, approve=True)
    if role != "member":
        communities.set_role(SYSTEM, community, user.id, role)


def _pending_request(user, slug: str) -> None:
    community = communities.get_community(slug)
    if communities.membership(community, user.id) is None:
        communities.join(user, community, message="I teach first-year university students and would love to learn.")


WIKI_PAGES = [
    ("teaching-speaking", "Fluency activities",
     "Fluency activities give learners time to speak without stopping for correction.\n\n"
     "## Why they matter\n\nLearners need many chances to put words together in real time. Short, repeated "
     "tasks build confidence; see [[Accuracy and fluency]] for how to balance them, and "
     "[[young-learners:Songs and chants]] for ideas with children.\n\n"
     "## Three classics\n\n1. **4-3-2**: tell the same story to three partners in 4, 3 and 2 minutes.\n"
     "2. **Find someone who**: a mingle with questions on a card.\n3. **Picture differences** in pairs.\n\n"
     "| Activity | Level | Time |\n|---|---|---|\n| 4-3-2 | A2+ | 10 min |\n| Find someone who | A1+ | 15 min |\n",
     "fluency, speaking"),
    ("teaching-speaking", "Accuracy and fluency",
     "A short guide to balancing accuracy work and fluency work in a speaking lesson.\n\n"
     "Plan a fluency task first, note errors quietly, then give feedback on the two or three most useful ones.",
     "speaking, feedback"),
    ("young-learners", "Songs and chants",
     "Songs and chants help children remember chunks of language.\n\nUse actions, repeat often, and let "
     "children make new verses.", "young learners, songs"),
]


def _wiki_pages(editor, curator) -> None:
    from .services import knowledge_base, wiki_pages
    for slug, title, body, tags in WIKI_PAGES:
        community = communities.get_community(slug)
        if communities.membership(community, editor.id) is None:
            _member(editor, slug, "editor")
        if wiki_pages.find_page(community, wiki.slugify_title(title)) is None:
            wiki_pages.create_page(editor, community, title=title, body=body, tags=tags, summary="First version")
    page = wiki_pages.find_page(communities.get_community("teaching-speaking"), "fluency-activities")
    if page.kb_status == "":
        request = knowledge_base.propose(editor, page, message="Tried in many classes; a good starting point.")
        knowledge_base.decide(curator, request, accept=True, reason="")


RESOURCES = [
    ("young-learners", "Animal chant lesson plan", "lesson-plan", "young-learners", "pre-a1,a1", "speaking,pronunciation",
     "animal-chant.md", "# Animal chant\n\nWarm up with animal sounds, teach the chant line by line, "
     "then children make new verses with their favourite animals."),
    ("materials-development", "Adapting a coursebook reading text", "worksheet", "teens", "b1",
     "reading,teacher-development", "adapting-texts.txt",
     "How to adapt a coursebook reading text for mixed-ability classes: shorten, add a glossary, "
     "and write two sets of questions."),
    ("materials-development", "Speaking games for B1 classes", "lesson-plan", "teens", "b1", "speaking",
     "speaking-games.md", "# Speaking games for B1 classes\n\nFive speaking games that get every learner "
     "talking: Just a minute, Alibi, Desert island, Hot seat and Would you rather. Each game takes ten "
     "minutes and needs no materials."),
]


def _resources(teacher) -> None:
    import io
    from werkzeug.datastructures import FileStorage
    from .services import resources
    for slug, title, kind, ages, levels, skills, filename, text in RESOURCES:
        community = communities.get_community(slug)
        if any(r.title == title for r in resources.list_resources(teacher, community=community, per_page=100).items):
            continue
        resources.add_resource(teacher, community, upload=FileStorage(io.BytesIO(text.encode()), filename),
                               title=title, description=text.splitlines()[-1], resource_type=kind, age_groups=ages,
                               levels=levels, skills=skills, tags="demo", license="cc-by")


PROPOSALS = [
    # title, summary, needs, final state
    ("English for nurses: a 6-week online course", "Speaking and writing for hospital shifts, for B1 nurses.",
     "course design, publishing", "accepted"),
    ("A skills-based syllabus for large classes", "A term plan built around pair and group work for 60+ learners.",
     "course design", "in_review"),
    ("Graded readers by teachers, for teens", "Short stories written and illustrated by teachers.",
     "publishing, marketing", "submitted"),
    ("Pronunciation app idea", "A low-bandwidth app for minimal-pair practice.", "business strategy", "draft"),
]


def _proposals(people) -> None:
    from .models import Proposal
    from .extensions import db
    from .services import incubator, mentoring
    lead, admin = people["teacher@globe.example"], people["admin@globe.example"]
    design, publishing = people["mentor.design@globe.example"], people["mentor.publishing@globe.example"]
    existing = set(db.session.scalars(db.select(Proposal.title)))
    # One mentor agreed to be named in the showcase; the other did not (the default).
    mentoring.update_profile(design, capacity=4, available=True, show_in_showcase=True)
    for title, summary, needs, state in PROPOSALS:
        if title in existing:
            continue
        proposal = incubator.create_proposal(lead, title=title, summary=summary, needs=needs,
                                             description=f"{summary}\n\nWe have drafted the first unit and "
                                                         "tried it with two classes.", community="large-classes")
        if state == "draft":
            continue
        incubator.transition(lead, proposal, "submitted")
        if state == "submitted":
            continue
        mentor = design if "course design" in needs else publishing
        assignment = mentoring.assign(admin, proposal, mentor.id)
        mentoring.answer(mentor, assignment, accept=True)
        mentoring.write_review(mentor, proposal, recommendation="accept",
                               comments="Clear audience and a realistic plan. Pilot one unit first.")
        if state == "accepted":
            incubator.transition(admin, proposal, "accepted", message="Welcome to the incubator!")


def _mentor_pool(people) -> None:
    """Mentors in every situation the suggestions explain: a good match, paused, full, conflicted.
    "Graded readers" stays submitted without mentors, for the board's auto-assign."""
    from .extensions import db
    from .models import MentorConflict, Proposal
    from .services import mentoring
    admin, lead = people["admin@globe.example"], people["teacher@globe.example"]
    for email, name, expertise, capacity, available, named in MENTOR_POOL:
        mentor = _person(email, name, f"Mentor: {expertise}.")
        accounts.set_site_roles(SYSTEM, mentor, is_admin=False, is_mentor=True, is_curator=False,
                                expertise=expertise)
        mentoring.update_profile(mentor, capacity=capacity, available=available, show_in_showcase=named)
    busy = accounts.find_user_by_email("mentor.busy@globe.example")
    nurses = db.session.scalar(db.select(Proposal).where(Proposal.title.startswith("English for nurses")))
    if nurses is not None and all(a.mentor_id != busy.id for a in nurses.assignments):
        mentoring.answer(busy, mentoring.assign(admin, nurses, busy.id), accept=True)
    conflicted = accounts.find_user_by_email("mentor.conflicted@globe.example")
    if db.session.scalar(db.select(MentorConflict.id).where(MentorConflict.mentor_id == conflicted.id)) is None:
        mentoring.declare_conflict(conflicted, reason="We co-wrote a coursebook.", person_email=lead.email)
