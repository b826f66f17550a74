"""Who hears of what: memberships, the knowledge base and the incubator tell the people each change concerns
(never the person who made it, nor anyone who cannot open what it is about), in the change's transaction."""
import pytest
from factories import add_member, make_community, make_page, make_user
from sqlalchemy import delete

from globe.db import transaction
from globe.extensions import db
from globe.models import Notification, OutboxMessage
from globe.services import (
    communities,
    following,
    incubator,
    invitations,
    invite_links,
    knowledge_base,
    mentoring,
    notifications,
)

GOOD = "A practical guide to running speaking circles with large classes.\n\n" + "word " * 150
PROPOSAL = {"title": "Nursing English", "summary": "Six weeks", "description": "Weekly tasks",
            "needs": "course design"}


def told(user) -> list[str]:
    db.session.expire_all()
    return [notifications.text_of(notice) for notice in notifications.latest(user)]


def notices_of(user) -> list[Notification]:
    db.session.expire_all()
    return notifications.latest(user)


def emails_to(user) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.to_address == user.email))


@pytest.fixture
def club(app):
    """A members-only community asking for requests, with two facilitators and a member."""
    community = make_community("club", name="Speaking club", policy="request", visibility="members")
    fran, gil, mem = make_user("Fran"), make_user("Gil"), make_user("Mem")
    add_member(community, fran, "facilitator")
    add_member(community, gil, "facilitator")
    add_member(community, mem, "member")
    return community, fran, gil, mem


# --- memberships ---------------------------------------------------------------------------------

def test_a_join_request_tells_the_facilitators_only(club):
    community, fran, gil, mem = club
    ana, outsider = make_user("Ana"), make_user("Out")
    communities.join(ana, community, message="I teach nurses")
    expected = "Ana asks to join “Speaking club”. Their message: “I teach nurses”"
    assert told(fran) == [expected] and told(gil) == [expected]
    assert notices_of(fran)[0].url == "/c/club/members"
    assert told(ana) == [] and told(mem) == [] and told(outsider) == []


def test_a_long_message_is_quoted_shortened_at_a_word(club):
    community, fran, _, _ = club
    communities.join(make_user("Ana"), community, message="I teach nurses in\nthree hospitals " * 20)
    [text] = told(fran)
    quoted = text.split("Their message: “")[1].removesuffix("…”")
    said = " ".join(("I teach nurses in three hospitals " * 20).split())
    assert len(quoted) < 200 and said.startswith(quoted) and said[len(quoted)] == " "  # whole words only


def test_the_answer_tells_the_requester_and_a_member_follows_what_they_joined(club):
    community, fran, gil, _ = club
    ana = make_user("Ana")
    communities.join(ana, community)
    communities.decide_request(fran, community, ana.id, approve=True, message="Welcome!")
    assert told(ana) == ["Fran accepted your request to join “Speaking club”. Their message: “Welcome!”"]
    assert notices_of(ana)[0].community_id == community.id
    assert told(fran) == told(gil) == ["Ana asks to join “Speaking club”."]  # nothing more for the facilitators
    assert following.level_of(ana, community) == "new"


def test_a_declined_requester_of_a_members_only_community_is_told_without_it(club):
    community, fran, _, _ = club
    ana = make_user("Ana")
    communities.join(ana, community)
    communities.decide_request(fran, community, ana.id, approve=False, message="Teachers of nursing only")
    [notice] = notices_of(ana)
    assert notice.message == "Fran declined your request to join “Speaking club”. Their message: “Teachers of " \
                             "nursing only”"
    assert notice.community_id is None and notice.target_type == ""
    assert following.level_of(ana, community) is None


def test_an_invited_account_hears_once_in_the_app_and_by_email(club):
    community, fran, _, _ = club
    mei = make_user("Mei", email="mei@example.org")
    invitations.invite(fran, community, emails="mei@example.org", role="editor", message="Join us")
    assert told(mei) == ["Fran invites you to join “Speaking club” as an editor. Their message: “Join us”"]
    assert emails_to(mei) == 1 and told(fran) == []
    invitations.accept_invitation(mei, community)
    assert following.level_of(mei, community) == "new"


def test_the_first_facilitator_of_a_new_community_is_told_once(app):
    admin, lea = make_user("Ada", admin=True), make_user("Lea")
    communities.create_community(admin, slug="reading", name="Reading", domain="Reading",
                                 first_facilitator_email=lea.email)
    assert told(lea) == ["You are invited to be the facilitator of the new community “Reading”."]
    assert emails_to(lea) == 1


def test_an_invitation_answering_a_request_tells_the_requester_it_is_accepted(club):
    community, fran, _, _ = club
    ana = make_user("Ana")
    communities.join(ana, community)
    invitations.invite(fran, community, emails=ana.email)
    assert told(ana) == ["Fran invited you to “Speaking club” as a member: your request to join is accepted."]


def test_a_role_change_tells_the_person_and_a_removal_takes_the_communitys_notices_away(club):
    community, fran, gil, mem = club
    communities.set_role(fran, community, mem.id, "editor")
    communities.set_role(fran, community, mem.id, "editor")  # no change: nothing to tell
    assert told(mem) == ["Fran made you an editor of “Speaking club”."]
    assert told(fran) == [] and told(gil) == []
    communities.remove_member(fran, community, mem.id)
    assert told(mem) == ["Fran removed you from “Speaking club”."]  # the role notice is gone with the access
    assert notices_of(mem)[0].community_id is None


def test_joining_an_open_community_follows_it_unless_turned_off(app):
    community = make_community("open-club")
    ana, bea = make_user("Ana"), make_user("Bea")
    bea.auto_follow = False
    db.session.commit()
    communities.join(ana, community)
    communities.join(bea, community)
    assert following.level_of(ana, community) == "new" and following.level_of(bea, community) is None
    assert told(ana) == [] and told(bea) == []  # nobody to tell of an open door


def test_invite_links_tell_of_a_request_or_follow_what_one_joined(club):
    community, fran, gil, _ = club
    ana, bea = make_user("Ana"), make_user("Bea")
    asking = invite_links.create_link(fran, community, expires_in_days=1, mode="request")[1]
    joining = invite_links.create_link(fran, community, expires_in_days=1)[1]
    invite_links.join_through_link(ana, asking)
    invite_links.join_through_link(bea, joining)
    assert told(gil) == ["Ana asks to join “Speaking club”."]
    assert following.level_of(bea, community) == "new" and following.level_of(ana, community) is None


# --- the knowledge base --------------------------------------------------------------------------

@pytest.fixture
def kb(app):
    """A page written by Ed and edited by Eve in a members-only community, a curator, and an admin."""
    community = make_community("club", name="Speaking club", visibility="members")
    ed, eve, fac = make_user("Ed"), make_user("Eve"), make_user("Fac")
    add_member(community, ed, "editor")
    add_member(community, eve, "editor")
    add_member(community, fac, "facilitator")
    page = make_page(community, "Speaking circles", GOOD, author=ed, tags="speaking")
    from globe.services import wiki_pages
    wiki_pages.save_page(eve, community, page_slug=page.slug, body=GOOD + " more", base_revision=1)
    with transaction():  # start from no notices: Ed, who follows his page, heard of Eve's edit
        db.session.execute(delete(Notification))
    return community, page, ed, eve, fac, make_user("Cora", curator=True), make_user("Ada", admin=True)


def test_a_proposal_tells_the_curators(kb):
    community, page, ed, eve, fac, cora, ada = kb
    knowledge_base.propose(fac, page, message="Tried in 5 schools")
    assert told(cora) == ["Fac proposes “Speaking circles” from “Speaking club” for the knowledge base. "
                          "Their message: “Tried in 5 schools”"]
    assert told(ada) == [] and told(fac) == [] and told(ed) == []


def test_without_curators_the_admins_hear_of_proposals(app):
    community = make_community()
    ed, ada = make_user("Ed"), make_user("Ada", admin=True)
    add_member(community, ed, "editor")
    knowledge_base.propose(ed, make_page(community, "Warm-ups", GOOD, author=ed), message="")
    assert told(ada) == ["Ed proposes “Warm-ups” from “" + community.name + "” for the knowledge base."]


def test_comments_and_the_decision_tell_the_proposer_and_the_pages_editors(kb):
    community, page, ed, eve, fac, cora, ada = kb
    outsider = make_user("Out")
    request = knowledge_base.propose(fac, page, message="")
    knowledge_base.comment(cora, request, body="Could you add an example?")
    comment = "Cora commented on the proposal of “Speaking circles”: “Could you add an example?”"
    for person in (fac, ed, eve):
        assert told(person) == [comment]
    knowledge_base.comment(eve, request, body="Added one.")
    reply = "Eve commented on the proposal of “Speaking circles”: “Added one.”"
    assert told(cora)[0] == reply and told(ed) == [reply, comment] and told(eve) == [comment]
    knowledge_base.decide(cora, request, accept=True, reason="")
    decision = "Cora accepted “Speaking circles” into the knowledge base."
    assert told(ed)[0] == decision and told(fac)[0] == decision and told(eve)[0] == decision
    assert decision not in told(cora) and told(outsider) == [] and told(ada) == []


def test_an_editor_who_left_a_members_only_community_hears_nothing_more_of_its_page(kb):
    community, page, ed, eve, fac, cora, _ = kb
    request = knowledge_base.propose(fac, page, message="")
    knowledge_base.comment(cora, request, body="Looks good")
    communities.remove_member(fac, community, eve.id)
    knowledge_base.decide(cora, request, accept=False, reason="Too close to an existing page")
    assert told(ed)[0] == "Cora declined “Speaking circles” for the knowledge base: “Too close to an existing page”"
    assert told(eve) == ["Fac removed you from “Speaking club”."]  # the earlier comment went with her access


# --- the incubator -------------------------------------------------------------------------------

def test_a_submission_tells_the_admins_about_the_proposal(app):
    lead, ada, outsider, mentor = make_user("Lead"), make_user("Ada", admin=True), make_user("Out"), \
        make_user("Dana", mentor=True)
    proposal = incubator.create_proposal(lead, **PROPOSAL)
    incubator.transition(lead, proposal, "submitted")
    [notice] = notices_of(ada)
    assert notice.message == "Lead submitted the proposal “Nursing English”: assign mentors to review it."
    assert (notice.target_type, notice.target_id, notice.url) == ("proposal", proposal.id, f"/incubator/{proposal.id}")
    assert told(lead) == [] and told(outsider) == [] and told(mentor) == []


def test_an_admin_submitting_their_own_proposal_is_not_told(app):
    ada, bob = make_user("Ada", admin=True), make_user("Bob", admin=True)
    proposal = incubator.create_proposal(ada, **PROPOSAL)
    incubator.transition(ada, proposal, "submitted")
    assert told(ada) == [] and len(told(bob)) == 1


def test_incubator_notices_are_about_the_proposal_and_go_with_it(app):
    community = make_community()
    lead, colleague, ada = make_user("Lead"), make_user("Col"), make_user("Ada", admin=True)
    add_member(community, lead)
    add_member(community, colleague)
    proposal = incubator.create_proposal(lead, team=[colleague.id], **PROPOSAL)
    [invited] = notices_of(colleague)
    assert invited.message == "Lead invites you to the team of the proposal “Nursing English”."
    assert (invited.target_type, invited.target_id) == ("proposal", proposal.id)
    incubator.transition(lead, proposal, "submitted")
    dana = make_user("Dana", mentor=True, expertise="course design")
    assignment = mentoring.assign(ada, proposal, dana.id)
    assert told(dana) == ["You are asked to mentor “Nursing English”."]
    mentoring.answer(dana, assignment, accept=False, reason="No time")
    assert told(dana) == []  # no longer asked: she cannot open the proposal now, nor its notice
    assert told(ada)[0] == "Dana declined to mentor “Nursing English”: No time"


def test_a_team_member_outside_the_proposals_members_only_community_still_hears(app):
    private = make_community(visibility="members")
    shared = make_community()
    lead, colleague = make_user("Lead"), make_user("Col")
    add_member(private, lead)
    for person in (lead, colleague):
        add_member(shared, person)
    proposal = incubator.create_proposal(lead, community=private.slug, team=[colleague.id], **PROPOSAL)
    assert told(colleague) == ["Lead invites you to the team of the proposal “Nursing English”."]
    assert notices_of(colleague)[0].target_type == "proposal"  # the team may open it: its community is not asked
    assert proposal.community == private
