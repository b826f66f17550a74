"""Stored XSS through every field of discussions, comments and moderation: each payload is sent through the
real forms (thread title, text and tags, reply, edit, comments on a page, a resource and a proposal, flag
reason, hide and move reasons, the display name of a mentioned person), then every page, feed and API answer
that shows them is parsed: no script, no event-handler attribute, no javascript: or data: link comes alive."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from factories import add_member, make_community, make_page, make_user

from globe.extensions import db
from globe.models import Post
from globe.models.outbox import OutboxMessage
from globe.services import accounts, incubator, resources
from globe.services.post_rendering import mention_handle

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "markdown javascript link": "[x](javascript:alert(1))",
    "svg onload": '"><svg onload=alert(1)>',
    "data link": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "onmouseover": '<b onmouseover="alert(1)">hover</b>',
    "style block": "<style>body{display:none}</style>",
}
DANGEROUS_TAGS = {"script", "style", "svg", "iframe", "object", "embed", "base"}
LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}  # "data:," is Globe's empty favicon


class LiveMarkup(HTMLParser):
    """The tags and attributes a browser would act on, as parsed (escaped text is text, not markup)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        globes_own = tag == "script" and ((attributes.get("src") or "").startswith("/static/")
                                          or attributes.get("type") == "application/ld+json")
        if tag in DANGEROUS_TAGS and not globes_own:
            self.problems.append(f"<{tag}>")
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=>")
            if name in LINK_ATTRIBUTES and live_scheme(value or ""):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.problems.append("a script with the payload")

    def handle_endtag(self, tag):
        self._in_script = False


def live_scheme(address: str) -> bool:
    """A link that runs code or carries a document (browsers ignore spaces and control characters in it)."""
    scheme = re.sub(r"[\s\x00-\x1f]", "", address).lower()
    return scheme != "data:," and scheme.startswith(("javascript:", "data:", "vbscript:"))


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.problems


def feed_markup(atom: str) -> list[str]:
    """An Atom feed's own XML, then the HTML its entries carry (as a feed reader would render it)."""
    problems = live_markup(atom)
    for element in ElementTree.fromstring(atom).iter():
        if element.get("type") in ("html", "xhtml") and element.text:
            problems += live_markup(element.text)
    return problems


def json_markup(value, key: str = "") -> list[str]:
    """The HTML fields of an API answer (`html`, `..._html`, the search `snippet`), which clients show as they
    are, parsed; its other strings are plain text for clients to escape."""
    if isinstance(value, dict):
        return [problem for name, item in value.items() for problem in json_markup(item, name)]
    if isinstance(value, list):
        return [problem for item in value for problem in json_markup(item, key)]
    is_html = key == "html" or key.endswith("_html") or key == "snippet"
    return live_markup(value) if is_html and isinstance(value, str) else []


@pytest.fixture
def people(app, make_web):
    """Ana asks, Bo answers, Eve (whose name is the payload's neighbour) is mentioned, Fay facilitates two
    communities; a wiki page, a resource and Ana's proposal to comment on."""
    club = make_community("club", name="Speaking club")
    make_community("club2", name="Grammar corner")
    names = {"ana": "Ana Asker", "bo": "Bo Answerer", "eve": "Eve Mentioned", "fay": "Fay Facilitator"}
    users = {key: make_user(name, email=f"{key}@example.org") for key, name in names.items()}
    for key in ("ana", "bo", "eve"):
        add_member(club, users[key])
    for slug in ("club", "club2"):
        add_member(db.session.scalar(db.select(type(club)).filter_by(slug=slug)), users["fay"], "facilitator")
    page = make_page(club, "Warm-ups", author=users["fay"])
    resource = resources.add_resource(users["fay"], club, url="https://example.org/cards", title="Warm-up cards")
    proposal = incubator.create_proposal(users["ana"], title="Reading circles", summary="Six weeks",
                                         description="Weekly")
    browsers = {}
    for key in users:
        browsers[key] = make_web()
        browsers[key].login(f"{key}@example.org")
    return {"users": users, "web": browsers, "page": f"/c/club/wiki/{page.slug}",
            "resource": f"/resources/{resource.id}", "proposal": f"/incubator/{proposal.id}"}


def send(browser, url: str, data: dict, *, form_page: str | None = None, checked: list) -> str:
    """POST a real form (its CSRF token read from the page) and keep the answer for the checks; the page
    it leads to."""
    response = browser.post(url, data, token_from=form_page or url)
    checked.append((f"POST {url}", response.get_data(as_text=True)))
    assert response.status_code == 302, f"{url} refused the payload with {response.status_code}"
    return response.headers["Location"]


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_no_payload_comes_alive_on_any_page_that_shows_it(people, payload, make_web):
    web, users, answers = people["web"], people["users"], []
    thread_url = send(web["ana"], "/c/club/discussions/new",
                      {"kind": "question", "title": f"Title {payload}", "body": f"Body {payload}",
                       "tags": f"tag {payload}"}, checked=answers)
    thread_id = int(thread_url.split("/")[-1])
    send(web["bo"], f"/discussions/{thread_id}/replies",
         {"body": f"@{mention_handle(users['eve'].display_name)} reply {payload}"}, form_page=thread_url,
         checked=answers)
    send(web["eve"], "/profile/edit", {"display_name": f"Eve {payload}"[:80]}, checked=answers)  # once mentioned
    send(web["eve"], f"/discussions/{thread_id}/replies", {"body": f"Eve says {payload}"}, form_page=thread_url,
         checked=answers)
    opening, bo_reply, eve_reply = db.session.scalars(
        db.select(Post).where(Post.thread_id == thread_id).order_by(Post.number)).all()
    send(web["ana"], f"/posts/{opening.id}/edit",
         {"title": f"Edited {payload}", "body": f"Edited body {payload}", "tags": f"edited {payload}"},
         checked=answers)
    send(web["bo"], f"/posts/{bo_reply.id}/edit", {"body": f"Edited reply {payload}"}, checked=answers)
    answers.append(("ana: the edit form", web["ana"].get(f"/posts/{opening.id}/edit").get_data(as_text=True)))
    for key, subject in (("bo", "page"), ("bo", "resource"), ("ana", "proposal")):
        send(web[key], f"{people[subject]}/comments", {"body": f"Comment {payload}"}, form_page=people[subject],
             checked=answers)
    send(web["eve"], f"/posts/{bo_reply.id}/flag", {"reason": f"Flagged {payload}"}, checked=answers)
    send(web["fay"], f"/posts/{eve_reply.id}/hide", {"reason": f"Hidden {payload}"}, checked=answers)
    moderate = f"/discussions/{thread_id}/moderate"
    send(web["fay"], moderate, {"action": "pin", "reason": f"Pinned {payload}"}, checked=answers)
    send(web["fay"], moderate, {"action": "move", "community": "club2", "reason": f"Moved {payload}"},
         checked=answers)

    pages = {"fay": ["/c/club/discussions", "/c/club2/discussions", thread_url, "/c/club2", "/attention",
                     "/c/club/moderation", "/c/club2/moderation", f"/posts/{opening.id}/revisions",
                     f"/posts/{bo_reply.id}/hide", moderate, "/search?q=kind:discussion"],
             "ana": [thread_url, "/notifications", f"/people/{users['ana'].id}", people["proposal"],
                     f"/posts/{bo_reply.id}/flag", "/search?q=Edited"],
             "eve": ["/notifications", f"/people/{users['eve'].id}", f"/people/{users['bo'].id}",
                     people["page"], people["resource"]]}
    for key, addresses in pages.items():
        for address in addresses:
            response = web[key].get(address)
            assert response.status_code == 200, address
            answers.append((f"{key}: GET {address}", response.get_data(as_text=True)))
    shown = dict(answers)
    for where, text in ((f"fay: GET {thread_url}", "Edited body"), (f"fay: GET {thread_url}", "Eve says"),
                        ("fay: GET /attention", "Flagged"), ("fay: GET /c/club2/moderation", "Moved"),
                        (f"eve: GET {people['page']}", "Comment"), ("eve: GET /notifications", "mentioned you")):
        assert text in shown[where], f"{where} should show {text!r} (as text)"
    answers += [(f"email to {to}", html) for to, html in db.session.execute(
        db.select(OutboxMessage.to_address, OutboxMessage.html_body))]
    problems = {where: found for where, html in answers if (found := live_markup(html))}

    feed = make_web().get("/c/club2/discussions.atom")
    assert feed.status_code == 200 and "Edited" in feed.get_data(as_text=True)
    problems["feed"] = feed_markup(feed.get_data(as_text=True))
    token = accounts.create_token(users["fay"], name="t", expires_in_days=None)[1]
    answer = make_web().get("/api/v1/search?q=kind:discussion", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and "Edited" in answer.get_data(as_text=True)
    problems["API search"] = json_markup(json.loads(answer.get_data(as_text=True)))
    assert not {where: found for where, found in problems.items() if found}


LIVE = [*(payload for payload in PAYLOADS.values() if "<" in payload), '<a href=" javascript:alert(1)">x</a>']


@pytest.mark.parametrize("markup", LIVE)
def test_the_check_sees_each_payload_when_it_is_live(markup):
    assert live_markup(markup)
