"""What a community's members notice, end to end with two browsers and a real SMTP server: a join
request, its answer, an invitation, a knowledge-base decision and an edit of a followed page reach the
right people in the app and by email, never the person who acted; a member removed from a members-only
community hears nothing more from it; a digest run twice sends once; one click unsubscribes."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from factories import add_member, make_community, make_page, make_user

from globe.extensions import db
from globe.services import communities, digests, knowledge_base, notifications, wiki_pages

TOMORROW_MORNING = datetime.now(UTC).replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=1)


@pytest.fixture
def app(mailing_site):
    return mailing_site


@pytest.fixture
def people(app):
    club = make_community("club", name="Listening club", policy="request", visibility="members")
    fran = make_user("Fran Facilitator", email="fran@example.org")
    add_member(club, fran, "facilitator")
    return {"club": club, "fran": fran, "ana": make_user("Ana Teacher", email="ana@example.org"),
            "ben": make_user("Ben Teacher", email="ben@example.org"),
            "cora": make_user("Cora Curator", email="cora@example.org", curator=True)}


def in_app(user) -> list[str]:
    db.session.expire_all()
    return [notifications.text_of(notice) for notice in notifications.latest(user)]


def subjects(inbox, address: str) -> list[str]:
    return [message["Subject"] for message in inbox.to(address)]


def edit(actor, page, text: str) -> None:
    db.session.refresh(page)
    wiki_pages.save_page(actor, page.community, page_slug=page.slug, body=text,
                         base_revision=page.current_revision.number)


def test_members_notice_what_concerns_them_and_nothing_once_they_leave(make_web, inbox, people):
    club, fran, ana, ben, cora = (people[name] for name in ("club", "fran", "ana", "ben", "cora"))
    ana_browser, fran_browser = make_web(), make_web()
    ana_browser.login("ana@example.org")
    fran_browser.login("fran@example.org")

    # A join request reaches the facilitator, its answer the person who asked; neither hears of their own act.
    ana_browser.post("/c/club/join", {"message": "I teach listening"}, token_from="/c/club")
    request_text = "Ana Teacher asks to join “Listening club”. Their message: “I teach listening”"
    assert in_app(fran) == [request_text] and subjects(inbox, "fran@example.org") == [f"Globe: {request_text}"]
    assert in_app(ana) == [] and inbox.to("ana@example.org") == []
    fran_browser.post("/c/club/members/decide", {"user_id": ana.id, "decision": "approve", "message": "Welcome!"},
                      token_from="/c/club/members")
    assert "Welcome!" in in_app(ana)[0] and len(inbox.to("ana@example.org")) == 1
    assert in_app(fran) == [request_text]

    # An invitation reaches the invited account, in the app and by email.
    fran_browser.post("/c/club/members/invite", {"emails": "ben@example.org", "role": "member", "message": ""},
                      token_from="/c/club/members")
    assert "Listening club" in in_app(ben)[0] and len(inbox.to("ben@example.org")) == 1

    # A knowledge-base decision reaches the proposer and the page's editors, not the curator who decided.
    communities.set_role(fran, club, ana.id, "editor")
    page = make_page(club, "Dictation games", "Play *dictation* in pairs.", author=ana)
    request = knowledge_base.propose(fran, page, message="Worked in three classes")
    assert "Dictation games" in in_app(cora)[0]
    knowledge_base.decide(cora, request, accept=True, reason="")
    decision = "Cora Curator accepted “Dictation games” into the knowledge base."
    assert decision in in_app(ana) and decision in in_app(fran) and decision not in in_app(cora)
    assert any("accepted" in subject for subject in subjects(inbox, "ana@example.org"))

    # An edit of a page Ana follows (she wrote it) reaches her in the app, and in tomorrow's digest, once.
    edit(fran, page, "Play *dictation* in pairs, then swap.")
    assert "Fran Facilitator edited “Dictation games”" in " ".join(in_app(ana))
    before = len(inbox.to("ana@example.org"))
    assert digests.send_digests("daily", now=TOMORROW_MORNING) >= 1
    assert digests.send_digests("daily", now=TOMORROW_MORNING) == 0  # run twice: sent once
    [digest] = inbox.to("ana@example.org")[before:]
    assert "Dictation games" in digest.get_body(("plain",)).get_content()

    # Removed from the members-only community, Ana hears nothing more from it.
    emailed = len(inbox.to("ana@example.org"))
    communities.remove_member(fran, club, ana.id)
    edit(fran, page, "A new secret version.")
    assert in_app(ana) == ["Fran Facilitator removed you from “Listening club”."]
    removal_email = "Globe: Fran Facilitator removed you from “Listening club”."
    assert subjects(inbox, "ana@example.org")[emailed:] == [removal_email]
    assert digests.send_digests("daily", now=TOMORROW_MORNING + timedelta(days=1)) == 0  # nothing of the club

    # One click from the email headers turns that kind of email off.
    answer = next(message for message in inbox.to("ana@example.org") if "Welcome!" in message.get_body(
        ("plain",)).get_content())
    path = urlsplit(answer["List-Unsubscribe"].strip("<>")).path
    assert answer["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert make_web().post(path, {"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 200
    assert notifications.settings_of(ana)["membership.answer"] == "never"
