"""Talking in a members-only community, each person in their own browser: a member asks, another answers
mentioning her (she is told, by email too), she accepts the answer; a success story is thanked; a rude
post is flagged and a facilitator hides it; comments on a wiki page, a resource and a proposal. The
thread is found by search by a member and by no route by an outsider or an anonymous visitor. The members
and the facilitator browse without JavaScript."""
from __future__ import annotations

import io

from browsing import expect, unique
from factories import add_member, make_community, make_page, make_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from globe.extensions import db
from globe.models.outbox import OutboxMessage
from globe.services import incubator, resources
from globe.services.post_rendering import mention_handle

GARDEN_STORY = "نمت حديقة الصف!"  # "The class garden grew!": an Arabic title reads right to left


def members_only_community() -> dict:
    asker = make_user("Asha Asker", email=f"{unique('asha')}@example.org")
    answerer = make_user("Ben Answerer", email=f"{unique('ben')}@example.org")
    facilitator = make_user("Fay Facilitator", email=f"{unique('fay')}@example.org")
    outsider = make_user("Otto Outsider", email=f"{unique('otto')}@example.org")
    community = make_community(unique("staffroom"), name="Closed staffroom", visibility="members", policy="request",
                               facilitator=facilitator)
    for member in (asker, answerer):
        add_member(community, member)
    page = make_page(community, "Rainy day games", "Indoor games for wet break times.", author=facilitator)
    resource = resources.add_resource(facilitator, community, title="Weather words",
                                      upload=FileStorage(io.BytesIO(b"rain, sun, wind"), "weather.txt"))
    proposal = incubator.create_proposal(asker, title="Reading buddies", summary="Older pupils read with younger ones.",
                                         description="A term-long scheme.", needs="reading")
    incubator.transition(asker, proposal, "submitted")
    return {"slug": community.slug, "asker": asker.email, "asker_handle": mention_handle(asker.display_name),
            "answerer": answerer.email, "facilitator": facilitator.email, "outsider": outsider.email,
            "page": f"/c/{community.slug}/wiki/{page.slug}", "resource": f"/resources/{resource.id}",
            "proposal": f"/incubator/{proposal.id}"}


def emails_to(address: str) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_address == address)))


def start_discussion(page, slug: str, *, kind: str, title: str, body: str, story_type: str | None = None) -> str:
    page.goto(f"/c/{slug}/discussions")
    page.get_by_role("link", name="Start a discussion").click()
    page.get_by_role("radio", name=kind, exact=True).check()
    if story_type:
        page.get_by_role("radio", name=story_type).check()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text", exact=True).fill(body)
    page.get_by_role("button", name="Start the discussion").click()
    expect(page.get_by_text("Your discussion is started.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def reply(page, thread_url: str, body: str) -> None:
    page.goto(thread_url)
    page.get_by_label("Your reply").fill(body)
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()


def post_with(page, text: str):
    return page.locator("article.post", has_text=text)


def comment_on(page, address: str, body: str) -> None:
    page.goto(address)
    comments = page.get_by_role("region", name="Comments")
    comments.get_by_label("Your comment (Markdown)").fill(body)
    comments.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("region", name="Comments").locator("article.post", has_text=body)).to_be_visible()


def test_ask_answer_accept_thank_flag_hide_and_comment(site, open_page):
    who = site.build(members_only_community)
    slug, word = who["slug"], unique("drizzle").replace("-", "")
    # Without JavaScript: every step is a plain link or form.
    asha, ben, fay = (open_page(as_user=who[key], java_script_enabled=False)
                      for key in ("asker", "answerer", "facilitator"))

    question = start_discussion(asha, slug, kind="Question", title=f"Wet break {word} ideas?",
                                body="What do your pupils play indoors when it rains?")
    reply(ben, question, f"@{who['asker_handle']} try *musical statues* with the class.")
    expect(post_with(ben, "musical statues").get_by_role("link", name=f"@{who['asker_handle']}")).to_be_visible()

    asha.goto("/notifications")
    expect(asha.get_by_role("main")).to_contain_text("Ben Answerer mentioned you in “Wet break")
    assert any("mentioned you" in subject for subject in site.build(lambda: emails_to(who["asker"])))

    asha.goto(f"/c/{slug}/discussions?unanswered=1")
    expect(asha.get_by_role("link", name=f"Wet break {word} ideas?")).to_be_visible()
    asha.goto(question)
    post_with(asha, "musical statues").get_by_role("button", name="Accept as the answer").click()
    expect(asha.get_by_text("Marked as the accepted answer.")).to_be_visible()
    expect(post_with(asha, "musical statues")).to_contain_text("Accepted answer")
    expect(asha.get_by_role("main")).to_contain_text("Answered — see the accepted answer.")
    asha.get_by_role("link", name="Discussions of Closed staffroom").click()
    asha.get_by_role("link", name="Unanswered questions").click()
    expect(asha.get_by_role("main")).not_to_contain_text(word)

    story = start_discussion(ben, slug, kind="Story", story_type="A success", title=GARDEN_STORY,
                             body="The pupils measured the beans every morning.")
    heading = ben.get_by_role("heading", level=1)
    assert heading.evaluate("element => getComputedStyle(element).direction") == "rtl"
    asha.goto(story)
    post_with(asha, "measured the beans").get_by_role("button", name="Thank").click()
    expect(asha.get_by_text("Thanks sent.")).to_be_visible()
    expect(post_with(asha, "measured the beans")).to_contain_text("1 thank")

    reply(ben, question, "Honestly, only a lazy teacher would ask this.")
    asha.goto(question)
    post_with(asha, "lazy teacher").get_by_role("link", name="Flag").click()
    asha.get_by_label("Why does this post need a facilitator?").fill("Rude to the asker")
    asha.get_by_role("button", name="Flag the post").click()
    expect(asha.get_by_text("Thank you: the community's facilitators will look at this post.")).to_be_visible()

    fay.goto("/attention")
    flagged = fay.locator(".flagged", has_text="Rude to the asker")
    expect(flagged).to_contain_text("lazy teacher")
    flagged.get_by_role("button", name="Hide").click()
    expect(fay.get_by_text("The post is hidden and its flags are settled.")).to_be_visible()
    asha.goto(question)
    expect(asha.get_by_text("This post was hidden by a moderator.")).to_be_visible()
    expect(asha.get_by_role("main")).not_to_contain_text("lazy teacher")

    comment_on(ben, who["page"], "We play the wink game on rainy days.")
    comment_on(ben, who["resource"], "Add snow and fog to the list?")
    comment_on(asha, who["proposal"], "We could start with Year 5 and Year 1.")

    search_finds(asha, f"kind:discussion {word}", f"Wet break {word} ideas?")
    outsider = open_page(as_user=who["outsider"])
    for visitor in (outsider, open_page()):
        finds_nothing(visitor, question, slug, word)


def search_finds(page, query: str, title: str) -> None:
    box = page.get_by_role("searchbox", name="Search Globe")
    box.fill(query)
    box.press("Enter")
    expect(page.get_by_role("region", name="1 result").get_by_role("link", name=title)).to_be_visible()


def finds_nothing(page, thread_url: str, slug: str, word: str) -> None:
    """Search, the thread's address, its API, the board's feed and the sitemap: the thread is nowhere."""
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search Globe")
    box.fill(f"kind:discussion {word}")
    box.press("Enter")
    expect(page.get_by_role("region", name="0 results")).to_be_visible()
    assert page.goto(thread_url).status in (403, 404)
    thread_id = thread_url.rstrip("/").rsplit("/", 1)[-1]
    for address in (f"/api/v1/threads/{thread_id}", f"/c/{slug}/discussions.atom", "/sitemap.xml"):
        response = page.context.request.get(address)
        assert word not in response.text() and f"/discussions/{thread_id}" not in response.text(), address
