"""Public and private content for the interoperability tests (OAI-PMH, feeds, sitemap): what must show,
what must not."""
from __future__ import annotations

from types import SimpleNamespace

from factories import make_community, make_page, make_user

from globe.services import incubator, knowledge_base, resources

LONG_BODY = "Feedback works best when it is specific, timely and kind. " * 20


def share_link(author, community, title: str, **metadata):
    return resources.add_resource(author, community, url=f"https://example.org/{title.replace(' ', '-')}",
                                  title=title, **metadata)


def launch(lead, admin, title: str, **fields):
    proposal = incubator.create_proposal(lead, title=title, summary=f"{title}, in short",
                                         description="What we will build", needs="course design", **fields)
    incubator.transition(lead, proposal, "submitted")
    incubator.transition(admin, proposal, "in_review")
    incubator.transition(admin, proposal, "accepted", override_reason="Tested without a mentor")
    return incubator.transition(admin, proposal, "launched")


def build_catalogue() -> SimpleNamespace:
    """Two CoPs (one public, one members-only) with resources and pages, a knowledge-base page from the
    members-only CoP (public through the knowledge base), a launched project and a private draft."""
    admin = make_user("Admin", admin=True)
    author = make_user("Ana Author")
    public = make_community("open-teachers", name="Open Teachers", facilitator=author)
    private = make_community("staff-room", name="Staff Room", visibility="members", facilitator=author)
    worksheet = share_link(author, public, "Past tense worksheet", description="Practise the past simple.",
                           tags="past simple, games", levels="a2,b1", skills="grammar,speaking",
                           resource_type="worksheet", language="en", license="cc-by-sa")
    slides = share_link(author, public, "Weather slides", levels="a1", skills="vocabulary", language="es")
    podcast = share_link(author, public, "Listening podcast", skills="listening", license="all-rights-reserved")
    secret = share_link(author, private, "Secret staff worksheet", tags="past simple")
    kb_page = make_page(private, "Feedback that works", LONG_BODY, author=author, tags=["feedback"])
    knowledge_base.decide(admin, knowledge_base.propose(author, kb_page, message=""), accept=True, reason="")
    return SimpleNamespace(
        admin=admin, author=author, public=public, private=private, worksheet=worksheet, slides=slides,
        podcast=podcast, secret=secret, kb_page=kb_page,
        public_page=make_page(public, "Warm-up games", "Quick games to start a lesson.", author=author),
        private_page=make_page(private, "Staff notes", "Only for us.", author=author),
        project=launch(author, admin, "Open speaking course"),
        draft=incubator.create_proposal(author, title="Secret plan", summary="Not yet", description="Hidden"))
