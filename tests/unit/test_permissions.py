"""The permission tables: every kind of person x public / members-only CoP x action, and every kind of
person x draft / showcased proposal x incubator action."""
import itertools

import pytest
from factories import add_member, make_community, make_user

from globe.errors import PermissionDenied, Unauthorized
from globe.permissions import Anonymous, can, require, visible_scope
from globe.services import accounts, incubator, mentoring

UNVERIFIED = itertools.count(1)

PERSONS = ("anonymous", "outsider", "member", "editor", "facilitator", "mentor", "admin",
           "unverified_outsider", "unverified_member")  # unverified: has not followed the emailed link yet


@pytest.fixture
def world(app):
    """One public and one members-only CoP, and a person of each kind in both."""
    people = {"anonymous": Anonymous(), "outsider": make_user(), "mentor": make_user(mentor=True),
              "admin": make_user(admin=True)}
    cops = {"public": make_community(visibility="public", policy="request"),
            "members": make_community(visibility="members", policy="request")}
    for role in ("member", "editor", "facilitator"):
        people[role] = make_user()
        for community in cops.values():
            add_member(community, people[role], role)
    people["unverified_outsider"], people["unverified_member"] = make_unverified(), make_unverified()
    for community in cops.values():
        add_member(community, people["unverified_member"])
    return people, cops


def make_unverified():
    n = next(UNVERIFIED)
    return accounts.register_user(email=f"unverified{n}@example.org", display_name=f"Unverified {n}",
                                  password="password123")


def expect(allowed_by: set[str]):
    return {person: person in allowed_by for person in PERSONS}


EVERYONE = set(PERSONS)
MEMBERS = {"member", "editor", "facilitator", "admin"}
READERS = MEMBERS | {"unverified_member"}  # reading and joining need no confirmed address; posting does
JOINERS = {"outsider", "unverified_outsider", "mentor", "admin"}
EDITORS = {"editor", "facilitator", "admin"}
FACILITATORS = {"facilitator", "admin"}
ADMINS = {"admin"}

TABLE = [
    # action, public CoP, members-only CoP
    ("communities.view_content", EVERYONE, READERS),
    ("communities.view_members", EVERYONE, READERS),
    ("communities.join", JOINERS, JOINERS),
    ("communities.manage_members", FACILITATORS, FACILITATORS),
    ("communities.edit", ADMINS, ADMINS),
    ("communities.archive", ADMINS, ADMINS),
    ("wiki.read", EVERYONE, READERS),
    ("wiki.edit", EDITORS, EDITORS),
    ("wiki.delete", EDITORS, EDITORS),
    ("wiki.restore", FACILITATORS, FACILITATORS),
    ("wiki.propose_public", EDITORS, FACILITATORS),
    ("resources.view", EVERYONE, READERS),
    ("resources.add", MEMBERS, MEMBERS),
    ("resources.edit", FACILITATORS, FACILITATORS),  # the CoP itself: nobody owns it
    ("resources.moderate", FACILITATORS, FACILITATORS),
]
CASES = [(action, visibility, person, person in allowed)
         for action, public, members in TABLE
         for visibility, allowed in (("public", public), ("members", members))
         for person in PERSONS]


@pytest.mark.parametrize("action, visibility, person, allowed", CASES)
def test_permission_table(world, action, visibility, person, allowed):
    people, cops = world
    assert can(people[person], action, cops[visibility]) is allowed


@pytest.mark.parametrize("person, allowed", list(expect(ADMINS).items()))
def test_site_wide_actions(world, person, allowed):
    people, _ = world
    for action in ("communities.create", "accounts.grant_roles", "site.admin"):
        assert can(people[person], action) is allowed


def test_members_can_edit_wiki_setting_opens_editing_to_members(world):
    people, cops = world
    community = cops["public"]
    assert not can(people["member"], "wiki.edit", community)
    community.members_can_edit_wiki = True
    assert can(people["member"], "wiki.edit", community)
    assert not can(people["outsider"], "wiki.edit", community)


def test_archived_community_is_read_only(world):
    people, cops = world
    community = cops["public"]
    community.is_archived = True
    assert can(people["member"], "communities.view_content", community)
    for action in ("wiki.edit", "resources.add", "communities.manage_members"):
        assert not can(people["admin"], action, community)
    assert not can(people["outsider"], "communities.join", community)


def test_pending_request_grants_nothing(app):
    outsider = make_user()
    community = make_community(visibility="members", policy="request")
    from globe.services import communities
    communities.join(outsider, community, message="please")
    assert not can(outsider, "communities.view_content", community)
    assert not can(outsider, "communities.view_members", community)


def test_require_distinguishes_anonymous_from_forbidden(world):
    people, cops = world
    with pytest.raises(Unauthorized):
        require(people["anonymous"], "resources.add", cops["public"])
    with pytest.raises(PermissionDenied):
        require(people["outsider"], "resources.add", cops["public"])


def test_unknown_action_is_a_programming_error(world):
    people, cops = world
    with pytest.raises(KeyError):
        can(people["admin"], "resources.teleport", cops["public"])


def test_visible_scope_principals(world):
    people, cops = world
    assert visible_scope(people["anonymous"]).principals() == ("public",)
    member_scope = visible_scope(people["member"]).principals()
    assert f"cop:{cops['members'].id}" in member_scope and f"user:{people['member'].id}" in member_scope
    assert "role:admin" not in member_scope
    assert "role:admin" in visible_scope(people["admin"]).principals()
    assert not any(p.startswith("cop:") for p in visible_scope(people["outsider"]).principals())


# --- the incubator: every kind of person x a private (draft) and a showcased proposal x action ----

KINDS = ("anonymous", "member", "team", "invited", "assigned_mentor", "former_mentor", "other_mentor", "admin")
SIGNED_IN = set(KINDS) - {"anonymous"}
CAN_READ = {"team", "invited", "assigned_mentor", "admin"}

INCUBATOR_TABLE = [
    # action, draft, showcased (accepted)
    ("incubator.propose", SIGNED_IN, SIGNED_IN),
    ("incubator.manage", {"admin"}, {"admin"}),
    ("proposals.view", CAN_READ, set(KINDS)),
    ("proposals.read_private", CAN_READ, CAN_READ),
    ("proposals.act_as_team", {"team", "admin"}, {"team", "admin"}),
    ("proposals.discuss", {"team", "assigned_mentor", "admin"}, {"team", "assigned_mentor", "admin"}),
    ("reviews.read_private_notes", {"admin"}, {"admin"}),
]


@pytest.fixture
def incubator_world(app):
    """A draft and a showcased proposal, each with a lead, an invited co-member, a mentor who accepted
    and one who declined; plus a member, a mentor with no part in them, an admin and a visitor."""
    people = {"anonymous": Anonymous(), "member": make_user(), "team": make_user(), "invited": make_user(),
              "assigned_mentor": make_user(mentor=True), "former_mentor": make_user(mentor=True),
              "other_mentor": make_user(mentor=True), "admin": make_user(admin=True)}
    staffroom = make_community()  # team invitations go to people who share a community
    add_member(staffroom, people["team"]), add_member(staffroom, people["invited"])
    proposals = {}
    for state in ("draft", "showcased"):
        proposal = incubator.create_proposal(people["team"], title=f"A {state} project", summary="s",
                                             description="d", needs="course design", team=[people["invited"].id])
        incubator.transition(people["team"], proposal, "submitted")
        mentoring.answer(people["assigned_mentor"],
                         mentoring.assign(people["admin"], proposal, people["assigned_mentor"].id), accept=True)
        mentoring.answer(people["former_mentor"], mentoring.assign(people["admin"], proposal,
                                                                   people["former_mentor"].id),
                         accept=False, reason="no time")
        if state == "draft":  # sent back for revision, then back to a draft by its team
            incubator.transition(people["admin"], proposal, "revise", override_reason="needs a plan")
            incubator.transition(people["team"], proposal, "draft")
        else:
            mentoring.write_review(people["assigned_mentor"], proposal, recommendation="accept", comments="ok")
            incubator.transition(people["admin"], proposal, "accepted")
        proposals[state] = proposal
    assert (proposals["draft"].status, proposals["showcased"].status) == ("draft", "accepted")
    return people, proposals


@pytest.mark.parametrize("action, state, allowed",
                         [(action, state, allowed) for action, draft, showcased in INCUBATOR_TABLE
                          for state, allowed in (("draft", draft), ("showcased", showcased))])
def test_incubator_permission_table(incubator_world, action, state, allowed):
    """One row of the table: every kind of person at once (the world is costly to build)."""
    people, proposals = incubator_world
    assert {kind: can(people[kind], action, proposals[state]) for kind in KINDS} == {
        kind: kind in allowed for kind in KINDS}


def test_everyone_edits_only_their_own_mentor_profile_and_only_mentors_have_one(incubator_world):
    people, _ = incubator_world
    mentors = {"assigned_mentor", "former_mentor", "other_mentor"}
    assert {kind: can(people[kind], "mentors.edit_profile", people[kind]) for kind in KINDS} == {
        kind: kind in mentors for kind in KINDS}
    for kind in KINDS:  # nobody edits another mentor's profile, not even an admin
        assert not can(people[kind], "mentors.edit_profile", people["other_mentor" if kind != "other_mentor"
                                                                       else "assigned_mentor"])


def test_only_the_mentor_asked_answers_an_assignment(incubator_world):
    people, proposals = incubator_world
    assignment = next(a for a in proposals["showcased"].assignments if a.mentor_id == people["assigned_mentor"].id)
    assert {kind: can(people[kind], "assignments.answer", assignment) for kind in KINDS} == {
        kind: kind == "assigned_mentor" for kind in KINDS}


WRITES_INSIDE_A_COP = ("communities.join", "communities.manage_members", "wiki.edit", "wiki.delete", "wiki.restore",
                       "wiki.propose_public", "resources.add", "resources.edit", "resources.moderate")


@pytest.mark.parametrize("action", WRITES_INSIDE_A_COP)
def test_an_archived_community_is_read_only_for_everyone(world, action):
    """Archiving makes a CoP read-only through one rule: every change inside it is refused, even to admins,
    while reading goes on."""
    from globe.services import communities
    people, cops = world
    communities.set_archived(people["admin"], cops["public"], True)
    assert not any(can(person, action, cops["public"]) for person in people.values())
    assert can(people["anonymous"], "communities.view_content", cops["public"])


def test_a_refusal_says_why_and_what_to_do_next(world):
    from globe.services import communities
    people, cops = world
    with pytest.raises(PermissionDenied, match="a facilitator can make you an editor"):
        require(people["member"], "wiki.edit", cops["public"])
    with pytest.raises(PermissionDenied, match="ask to join"):
        require(make_user(), "communities.view_content", cops["members"])
    communities.set_archived(people["admin"], cops["public"], True)
    with pytest.raises(PermissionDenied, match="archived"):
        require(people["admin"], "resources.add", cops["public"])


# --- a confirmed email address: needed to post, upload or edit, never to read or join -------------

def test_an_unverified_person_is_told_to_confirm_their_address_where_they_would_otherwise_be_allowed(world):
    people, cops = world
    unverified = people["unverified_member"]
    cops["public"].members_can_edit_wiki = True
    for action in ("wiki.edit", "resources.add"):
        with pytest.raises(PermissionDenied, match=f"Confirm your email address first: we sent a link to "
                                                   f"{unverified.email}; you can resend it from your profile"):
            require(unverified, action, cops["public"])
    with pytest.raises(PermissionDenied, match="Only the community's editors"):  # not allowed either way
        require(unverified, "wiki.delete", cops["public"])
    with pytest.raises(PermissionDenied, match="Join the community"):
        require(people["unverified_outsider"], "resources.add", cops["public"])


def test_an_unverified_person_proposes_and_acts_on_no_project(incubator_world):
    people, proposals = incubator_world
    lead = people["team"]
    lead.email_verified_at = None
    assert not can(lead, "incubator.propose")
    for action in ("proposals.act_as_team", "proposals.discuss"):
        with pytest.raises(PermissionDenied, match="Confirm your email address first"):
            require(lead, action, proposals["draft"])
    assert can(lead, "proposals.read_private", proposals["draft"])


def test_a_site_may_let_unverified_people_post(app, world):
    people, cops = world
    app.config["REQUIRE_EMAIL_VERIFICATION"] = False
    assert can(people["unverified_member"], "resources.add", cops["public"])
    assert can(people["unverified_outsider"], "incubator.propose")
