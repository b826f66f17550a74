"""One owner of visibility: for every kind of content and every kind of person, the yes/no check, the
SQL list and a real search agree, and all three match the table a user relies on (a hidden thread and
comment threads are the documented exceptions: see LISTED)."""
import pytest
from factories import add_member, make_community, make_page, make_user
from sqlalchemy import select

from globe.db import transaction
from globe.errors import PermissionDenied, Unauthorized
from globe.extensions import db
from globe.models import Community, Proposal, Resource, Thread, WikiPage
from globe.models.base import utcnow
from globe.permissions import COMMUNITY_CONTENT, PROPOSAL, THREAD, WIKI_PAGE, Anonymous, can, visible_scope
from globe.services import (
    comment_sections,
    communities,
    conversations,
    incubator,
    invitations,
    knowledge_base,
    mentoring,
    resources,
    search,
)
from globe.services.accounts import SYSTEM
from globe.services.search import queue_for_indexing

PERSONS = ("anonymous", "outsider", "invited", "pending", "member", "editor", "facilitator", "mentor",
           "curator", "admin")
EVERYONE = set(PERSONS)
CO_MEMBERS = {"member", "editor", "facilitator", "admin"}
# The draft proposal's team is led by the member, has the invited person invited, and the mentor assigned.
DRAFT_READERS = {"member", "invited", "mentor", "admin"}

# kind of content -> (who sees it, the permission action, how lists select it in SQL)
TABLE = {
    "public resource": (EVERYONE, "resources.view", COMMUNITY_CONTENT),
    "members-only resource": (CO_MEMBERS, "resources.view", COMMUNITY_CONTENT),
    "public wiki page": (EVERYONE, "wiki.read_page", WIKI_PAGE),
    "members-only wiki page": (CO_MEMBERS, "wiki.read_page", WIKI_PAGE),
    "knowledge-base page from a members-only CoP": (EVERYONE, "wiki.read_page", WIKI_PAGE),
    "draft proposal": (DRAFT_READERS, "proposals.view", PROPOSAL),
    "showcased proposal": (EVERYONE, "proposals.view", PROPOSAL),
    "public board thread": (EVERYONE, "conversations.view", THREAD),
    "members-only board thread": (CO_MEMBERS, "conversations.view", THREAD),
    "hidden thread in a public CoP": ({"admin"}, "conversations.view", THREAD),
    "comments on a members-only wiki page": (CO_MEMBERS, "conversations.view", THREAD),
    "comments on a draft proposal": (DRAFT_READERS, "conversations.view", THREAD),
}
# Where lists and search differ from the check, on purpose: a hidden thread is opened by admins (and by its
# facilitators through "conversations.view_hidden"), listed on its board for its moderators only, and never
# in lists across communities or in search; comment threads are shown on what they are about, never listed
# with board threads nor searched.
LISTED = {
    "hidden thread in a public CoP": {"sql": set(), "list": {"facilitator", "admin"}, "search": set()},
    "comments on a members-only wiki page": {"sql": set(), "search": set()},
    "comments on a draft proposal": {"sql": set(), "search": set()},
}


def _people(cops):
    people = {"anonymous": Anonymous(), "outsider": make_user(), "mentor": make_user(mentor=True),
              "curator": make_user(curator=True), "admin": make_user(admin=True)}
    for role in ("member", "editor", "facilitator"):
        people[role] = make_user()
        for community in cops.values():
            add_member(community, people[role], role)
    people["invited"], people["pending"] = make_user(), make_user()
    for community in cops.values():
        invitations.invite(SYSTEM, community, emails=[people["invited"].email])
        communities.join(people["pending"], community, message="May I join?")
    return people


def _proposal(people, word: str, *, showcased: bool, **private_fields) -> Proposal:
    team, mentor, admin = people["member"], people["mentor"], people["admin"]
    staffroom = make_community()  # team invitations go to people who share a community
    add_member(staffroom, team), add_member(staffroom, people["invited"])
    proposal = incubator.create_proposal(team, title=f"Project {word}", summary=f"About {word}", description="d",
                                         needs="course design", team=[people["invited"].id], **private_fields)
    incubator.transition(team, proposal, "submitted")
    mentoring.answer(mentor, mentoring.assign(admin, proposal, mentor.id), accept=True)
    if showcased:
        mentoring.write_review(mentor, proposal, recommendation="accept", comments="Good.")
        incubator.transition(admin, proposal, "accepted")
    else:
        incubator.transition(admin, proposal, "revise", override_reason="Needs a plan.")
        incubator.transition(team, proposal, "draft")
    return proposal


def _build(kind: str, cops, people):
    """The one thing of this kind, titled with a word found nowhere else."""
    word = "zq" + "".join(chr(ord("a") + ord(c) % 26) for c in kind.replace(" ", ""))[:12]
    cop = cops["public" if kind.startswith("public") or "public CoP" in kind else "members"]
    if "thread" in kind:
        return _board_thread(people["member"], cop, word, hidden=kind.startswith("hidden")), word
    if kind == "comments on a members-only wiki page":
        page = make_page(cop, f"Talk {word}x", "A page to talk about.", author=people["editor"])
        return comment_sections.comment(people["member"], page, body=f"A comment on {word}.").thread, word
    if kind == "comments on a draft proposal":
        proposal = _proposal(people, "zqcommentedproposal", showcased=False)
        return comment_sections.comment(people["member"], proposal, body=f"A comment on {word}.").thread, word
    if kind.endswith("resource"):
        return resources.add_resource(people["member"], cop, url="https://example.org/lesson",
                                      title=f"Lesson {word}"), word
    if kind.endswith("wiki page"):
        return make_page(cop, f"Page {word}", f"Notes on {word}.", author=people["editor"]), word
    if kind.startswith("knowledge-base"):
        page = make_page(cop, f"Guide {word}", f"# Guide\n\nA full guide to {word}.", author=people["editor"],
                         tags=["guides"])
        request = knowledge_base.propose(people["facilitator"], page, message="For everyone.")
        knowledge_base.decide(people["curator"], request, accept=True, reason="")
        return page, word
    return _proposal(people, word, showcased=kind.startswith("showcased")), word


def _board_thread(author, cop, word: str, *, hidden: bool) -> Thread:
    thread = conversations.start_thread(author, cop, kind="question", title=f"Question {word}", body=f"On {word}.")
    if hidden:
        with transaction():  # as a facilitator hiding it through the moderation does
            thread.hidden_at = utcnow()
            queue_for_indexing("discussion", thread.id)
    return thread


def _sql_sees(visibility, actor, thing) -> bool:
    """The SQL list form of the rule: is the thing among the rows the actor's scope selects?"""
    scope = visible_scope(actor)
    model = type(thing)
    query = select(model.id).where(model.id == thing.id, visibility.sql_filter(scope))
    if model in (Resource, WikiPage):
        query = query.join(Community, Community.id == model.community_id)
    return db.session.scalar(query) is not None


def _service_list_sees(actor, thing) -> bool:
    """The lists people actually browse, where the kind has one."""
    if isinstance(thing, Resource):
        return thing.id in {r.id for r in resources.list_resources(actor, per_page=100).items}
    if isinstance(thing, Proposal):
        return thing.id in {p.id for p in incubator.visible_proposals(actor)}
    if isinstance(thing, Thread):
        return _thread_listed(actor, thing)
    return _sql_sees(WIKI_PAGE, actor, thing)


def _thread_listed(actor, thread: Thread) -> bool:
    """A board thread on its community's board; a comment thread where its subject's page shows it."""
    if not thread.is_board_thread:
        return conversations.may_see_thread(actor, thread)
    try:
        return thread.id in {t.id for t in conversations.board(actor, thread.community, per_page=100).items}
    except (PermissionDenied, Unauthorized):  # outsiders do not see a members-only board
        return False


@pytest.mark.parametrize("kind", list(TABLE))
def test_check_sql_list_and_search_agree(app, kind):
    cops = {"public": make_community(visibility="public", policy="request"),
            "members": make_community(visibility="members", policy="request")}
    people = _people(cops)
    thing, word = _build(kind, cops, people)
    expected, action, visibility = TABLE[kind]
    seen = {"check": {}, "sql": {}, "list": {}, "search": {}}
    for name, person in people.items():
        seen["check"][name] = can(person, action, thing)
        seen["sql"][name] = _sql_sees(visibility, person, thing)
        seen["list"][name] = _service_list_sees(person, thing)
        seen["search"][name] = search.search(person, text=word).total == 1
    wanted = {form: LISTED.get(kind, {}).get(form, expected) for form in seen}
    assert seen == {form: {name: name in wanted[form] for name in PERSONS} for form in seen}


def test_pending_and_invited_people_gain_access_once_they_are_members(app):
    """The scope follows membership: joining makes members-only content visible at once, everywhere."""
    cop = make_community(visibility="members", policy="request")
    facilitator, newcomer = make_user(), make_user()
    add_member(cop, facilitator, "facilitator")
    resource = resources.add_resource(facilitator, cop, url="https://example.org/x", title="Lesson zqwombat")
    communities.join(newcomer, cop, message="Hello")
    assert not can(newcomer, "resources.view", resource) and search.search(newcomer, text="zqwombat").total == 0
    communities.decide_request(facilitator, cop, newcomer.id, approve=True)
    assert can(newcomer, "resources.view", resource) and search.search(newcomer, text="zqwombat").total == 1


def test_a_showcased_proposal_is_found_only_by_what_its_public_page_shows(app):
    """The team's private fields (problem, audience, milestones, description, needs) never reach the
    public through search once the project is showcased; its title and summary do."""
    people = {"member": make_user(), "invited": make_user(), "mentor": make_user(mentor=True),
              "admin": make_user(admin=True)}
    _proposal(people, "zqshowcase", showcased=True, problem="zqproblemword", audience="zqaudienceword",
              milestones="zqmilestoneword")
    visitor = Anonymous()
    assert search.search(people["member"], text="zqshowcase").total == 1
    assert search.search(visitor, text="zqshowcase").total == 1
    assert search.search(visitor, text="zqproblem*").total == 0
    assert search.search(visitor, text="zqaudienceword").total == 0
    assert search.search(visitor, text="zqmilestoneword").total == 0


def test_a_renamed_members_only_page_tells_outsiders_nothing(web):
    """An outsider gets the same answer for a renamed page's old address, a live page and no page at all."""
    from globe.services import wiki_pages
    cop = make_community(visibility="members")
    editor = make_user()
    add_member(cop, editor, "editor")
    page = make_page(cop, "Secret plan", author=editor)
    wiki_pages.rename_page(editor, page, new_title="Renamed secret plan")
    web.login(make_user().email)
    answers = [web.get(f"/c/{cop.slug}/wiki/{slug}") for slug in ("secret-plan", "renamed-secret-plan", "no-such")]
    assert {(r.status_code, r.headers.get("Location")) for r in answers} == {(answers[0].status_code, None)}
    assert answers[0].status_code in (403, 404) and b"Renamed secret plan" not in answers[0].data


@pytest.mark.parametrize("address", ["/c/{slug}/settings", "/resources/{resource}/edit"])
def test_refused_forms_show_nothing_of_what_they_edit(web, address):
    """A non-member posting a settings or resource form is refused before any field is read back."""
    cop = make_community(visibility="members", description="zqhiddendescription")
    owner = make_user()
    add_member(cop, owner, "facilitator")
    resource = resources.add_resource(owner, cop, url="https://example.org/x", title="zqhiddentitle")
    web.login(make_user().email)
    url = address.format(slug=cop.slug, resource=resource.id)
    for response in (web.get(url), web.post(url, data={"title": ""})):
        assert response.status_code in (403, 404)
        assert b"zqhidden" not in response.data
