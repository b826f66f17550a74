"""Knowledge-base curation: proposals with pre-checks, a conversation, decisions, withdrawal."""
import pytest
from factories import add_member, make_community, make_page, make_user

from globe.errors import Conflict, InvalidInput, PermissionDenied
from globe.permissions import Anonymous, can
from globe.services import knowledge_base

GOOD = "A practical guide to running speaking circles with large classes.\n\n" + "word " * 150


@pytest.fixture
def setup(app):
    cop = make_community("speaking")
    editor, curator = make_user(), make_user(curator=True)
    add_member(cop, editor, "editor")
    page = make_page(cop, "Speaking circles", GOOD, author=editor, tags="speaking, large classes")
    return cop, editor, curator, page


def test_proposal_accept_and_withdraw(setup):
    cop, editor, curator, page = setup
    proposal = knowledge_base.propose(editor, page, message="Tried in 5 schools.")
    assert page.kb_status == "proposed" and proposal.comments[0].body == "Tried in 5 schools."
    knowledge_base.comment(curator, proposal, body="Could you add an example?")
    knowledge_base.decide(curator, proposal, accept=True, reason="")
    assert page.in_knowledge_base and page in knowledge_base.accepted_pages()
    with pytest.raises(InvalidInput):
        knowledge_base.withdraw(curator, proposal, reason="")
    knowledge_base.withdraw(curator, proposal, reason="Out of date")
    assert not page.in_knowledge_base


def test_pre_checks(setup):
    cop, editor, curator, page = setup
    assert all(check.passed for check in knowledge_base.pre_checks(page))
    stub = make_page(cop, "Stub", "# Heading\n\n[[Missing]]", author=editor)
    failed = {check.name for check in knowledge_base.pre_checks(stub) if not check.passed}
    assert failed == {"Tags", "Summary line", "No red links", "Not a stub"}


def test_decline_needs_a_reason_and_only_curators_decide(setup):
    cop, editor, curator, page = setup
    proposal = knowledge_base.propose(editor, page, message="")
    with pytest.raises(PermissionDenied):
        knowledge_base.decide(editor, proposal, accept=True, reason="")
    with pytest.raises(InvalidInput):
        knowledge_base.decide(curator, proposal, accept=False, reason=" ")
    knowledge_base.decide(curator, proposal, accept=False, reason="Too close to an existing page")
    assert page.kb_status == "" and proposal.status == "declined"
    with pytest.raises(Conflict):
        knowledge_base.decide(curator, proposal, accept=True, reason="")


def test_members_only_pages_are_proposed_by_facilitators_and_then_public(app):
    cop = make_community(visibility="members")
    editor, facilitator, curator = make_user(), make_user(), make_user(curator=True)
    add_member(cop, editor, "editor")
    add_member(cop, facilitator, "facilitator")
    page = make_page(cop, "Private practice", GOOD, author=editor)
    with pytest.raises(PermissionDenied):
        knowledge_base.propose(editor, page, message="")
    assert not can(Anonymous(), "wiki.read_page", page)
    proposal = knowledge_base.propose(facilitator, page, message="")
    knowledge_base.decide(curator, proposal, accept=True, reason="")
    assert can(Anonymous(), "wiki.read_page", page)
    assert not can(Anonymous(), "wiki.read", cop)  # history stays private


def test_a_page_is_proposed_once(setup):
    cop, editor, curator, page = setup
    knowledge_base.propose(editor, page, message="")
    with pytest.raises(Conflict):
        knowledge_base.propose(editor, page, message="again")
