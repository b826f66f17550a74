"""One example of every main page type, and the content behind them, for the page-by-page checks
(accessibility, weight, layout)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from browsing import unique
from documents import pdf_bytes
from factories import add_member, make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.services import accounts, comment_sections, conversations, incubator, moderation, resources, wiki_pages

WIKI_TEXT = """Short games that teach letters and sounds.

## Warm-up
Clap the syllables, then try [[Rhyme time]] in pairs.

## Main game
1. Show a picture card.
2. Pupils say the **first sound**.
3. The fastest pair keeps the card.
"""


@dataclass(frozen=True)
class Sample:
    admin_email: str
    community: str
    wiki_page: str
    resource_id: int
    proposal_id: int
    thread_id: int
    reply_id: int


# Page type -> (address, whether it is seen logged in as the admin, who facilitates the CoP).
# Logged in, pages show their most controls (page tools, mentor suggestions), so there is most to check.
MAIN_PAGES = {
    "home": ("/", True),
    "community": ("/c/{community}", True),
    "wiki page": ("/c/{community}/wiki/{wiki_page}", True),
    "wiki edit": ("/c/{community}/wiki/{wiki_page}/edit", True),
    "resource list": ("/c/{community}/resources", True),
    "resource page": ("/resources/{resource_id}", True),
    "upload form": ("/c/{community}/resources/new", True),
    "search results": ("/search?q=volcano", True),
    "incubator board": ("/incubator/board", True),
    "proposal": ("/incubator/{proposal_id}", True),
    "profile": ("/profile", True),
    "login": ("/login", False),
}


# More pages for the accessibility and layout checks.
OTHER_PAGES = {
    "register": ("/register", False),
    "about": ("/about", False),
    "members": ("/c/{community}/members", True),
    "wiki history": ("/c/{community}/wiki/{wiki_page}/history", True),
    "wiki diff": ("/c/{community}/wiki/{wiki_page}/diff?from=1&to=2&view=side", True),
    "new wiki page": ("/c/{community}/wiki/-/new", True),
    "recent changes": ("/recent-changes", True),
    "all resources": ("/resources", True),
    "resource edit": ("/resources/{resource_id}/edit", True),
    "knowledge base": ("/knowledge-base", True),
    "incubator": ("/incubator", True),
    "new proposal": ("/incubator/new", True),
    "notifications": ("/notifications", True),
    "notification settings": ("/notifications/settings", True),
    "following": ("/following", True),
    "needs your attention": ("/attention", True),
    "my boards": ("/boards", True),
    "admin people": ("/admin/people", True),
    "outgoing email": ("/admin/email", True),
    "forgot password": ("/forgot-password", False),
    "change password": ("/profile/password", True),
    "change email": ("/profile/email", True),
    "two-factor set-up": ("/profile/two-factor", True),
    "delete account": ("/profile/delete", True),
    "discussions": ("/c/{community}/discussions", True),
    "discussion": ("/discussions/{thread_id}", True),
    "new discussion": ("/c/{community}/discussions/new", True),
    "moderate a discussion": ("/discussions/{thread_id}/moderate", True),
    "flag a post": ("/posts/{reply_id}/flag", True),
    "hide a post": ("/posts/{reply_id}/hide", True),
    "moderation log": ("/c/{community}/moderation", True),
}
ALL_PAGES = MAIN_PAGES | OTHER_PAGES


def main_page(kind: str, sample: Sample) -> tuple[str, bool]:
    address, logged_in = ALL_PAGES[kind]
    return address.format(**vars(sample)), logged_in


def build_sample() -> Sample:
    """Call inside an app context."""
    admin = make_user("Ada Admin", email=f"{unique('ada')}@example.org", admin=True)
    make_user("Mo Mentor", mentor=True, expertise="reading, phonics")
    community = make_community(unique("reading"), name="Reading circle", domain="Early reading",
                               description="Teachers of early reading sharing games and books.", facilitator=admin)
    page = make_page(community, "Phonics games", WIKI_TEXT, author=admin, tags=["phonics"])
    wiki_pages.save_page(admin, community, page_slug=page.slug, body=WIKI_TEXT + "4. Swap roles.\n", base_revision=1,
                         summary="Swap roles at the end")
    pdf = FileStorage(io.BytesIO(pdf_bytes(["Volcano reading pack: magma and lava for young readers"])), "volcano.pdf")
    resource = resources.add_resource(admin, community, upload=pdf, title="Volcano reading pack",
                                      description="Read, then **label** the volcano.", tags="volcano, science",
                                      levels=["a2"], skills=["reading"], age_groups=["young-learners"],
                                      resource_type="worksheet", language="en", license="cc-by")
    lead = make_user("Lia Lead")
    proposal = incubator.create_proposal(lead, title="Reading buddies", summary="Older pupils read with younger ones.",
                                         description="A term-long **buddy** scheme.", needs="reading")
    incubator.transition(lead, proposal, "submitted")
    thread, reply = discussion_in(community, admin, page)
    return Sample(admin.email, community.slug, page.slug, resource.id, proposal.id, thread.id, reply.id)


def discussion_in(community, facilitator, page):
    """A pinned question with an answer, a flag waiting on the facilitator, and a comment on the wiki page."""
    member = make_user("Bea Member")
    add_member(community, member)
    thread = conversations.start_thread(facilitator, community, kind="question", title="Which phonics game first?",
                                        body="My class is **five** years old. See [[Phonics games]].",
                                        tags=["phonics", "warm-ups"])
    reply = conversations.reply(member, thread, body="Start with the *clapping* game, then rhymes.")
    moderation.moderate_thread(facilitator, thread, "pin", reason="Asked every term")
    moderation.flag_post(member, thread.posts[0], reason="Links to a page that is not ready yet")
    comment_sections.comment(member, page, body="We played this on Monday: the pupils loved it.")
    return thread, reply


def community_facilitated_by(email: str, name: str) -> str:
    """A new community with this user as its facilitator; its slug. Call inside an app context."""
    return make_community(unique("cop"), name=name, facilitator=accounts.find_user_by_email(email)).slug
