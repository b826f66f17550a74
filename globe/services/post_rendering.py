"""A post's Markdown to safe HTML: the wiki's renderer and sanitizer, with [[wiki links]] of the thread's
community, [[resource:ID]] references, @mentions of the people who take part, and links from unconfirmed
accounts shown as text (a spammer gains nothing from posting them)."""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

import wiki

from ..errors import InvalidInput
from ..extensions import db
from ..models import Membership, Resource, TeamMember, Thread, User
from ..models.incubator import ACTIVE_ASSIGNMENT_STATES, Assignment
from ..urls import resource_path
from .wiki_links import render_body

# @ then a name with its spaces written as "_" (Mei Chen -> @Mei_Chen); not inside an email address or path
MENTION_RE = re.compile(r"(?<![\w@/.])@(\w[\w.'-]*\w|\w)")
RESOURCE_REFERENCE_RE = re.compile(r"\[\[resource:(\d{1,12})(?:\|([^\]\n]{1,200}))?\]\]")
CODE_RE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.DOTALL)  # mentions and references stay as typed there
EXTERNAL_LINK_RE = re.compile(r'<a\b[^>]*\bhref="(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)[^"]*"[^>]*>(.*?)</a>', re.DOTALL)


def mention_handle(display_name: str) -> str:
    """How a person is mentioned: their name with each run of spaces written as "_"."""
    return "_".join(display_name.split())


def _outside_code(text: str, change) -> str:
    """`change` applied to the parts of the Markdown that are not code."""
    parts = CODE_RE.split(text)
    return "".join(part if index % 2 else change(part) for index, part in enumerate(parts))


def mentioned_handles(body: str) -> list[str]:
    """The distinct handles a text mentions (case-folded), in order, code left out."""
    found: dict[str, None] = {}
    for part in CODE_RE.split(body)[::2]:
        for handle in MENTION_RE.findall(part):
            found.setdefault(handle.casefold())
    return list(found)


def mentionable_people(thread: Thread) -> list[User]:
    """Who a post in the thread can mention: the community's active members, or for a proposal's comments
    its team and mentors."""
    if thread.subject_type == "proposal":
        team = select(TeamMember.user_id).where(TeamMember.proposal_id == thread.subject_id,
                                                TeamMember.status == "active")
        mentors = select(Assignment.mentor_id).where(Assignment.proposal_id == thread.subject_id,
                                                     Assignment.status.in_(ACTIVE_ASSIGNMENT_STATES))
        who = User.id.in_(team) | User.id.in_(mentors)
    else:
        who = User.id.in_(select(Membership.user_id).where(Membership.community_id == thread.community_id,
                                                           Membership.status == "active"))
    return list(db.session.scalars(select(User).where(who, User.deleted_at.is_(None)).order_by(User.id)))


def mentioned_people(thread: Thread, body: str) -> list[User]:
    """The people a post mentions, among those who take part; too many mentions is refused."""
    handles = mentioned_handles(body)
    limit = int(current_app.config["POST_MAX_MENTIONS"])
    if len(handles) > limit:
        raise InvalidInput({"body": [f"Mention at most {limit} people in one post (this one mentions "
                                     f"{len(handles)})."]})
    if not handles:
        return []
    wanted = set(handles)
    return [person for person in mentionable_people(thread)
            if mention_handle(person.display_name).casefold() in wanted]


def render_post(thread: Thread, body: str, *, author: User, mentioned: list[User]) -> str:
    """Sanitized HTML for a post by `author` in `thread`."""
    people = {mention_handle(person.display_name).casefold(): person for person in mentioned}
    text = _outside_code(body, lambda part: _link_resources(_link_mentions(part, people), thread))
    if thread.community is not None:
        html = render_body(thread.community, None, text)[0].html
    else:
        html = wiki.render_markdown(text)
    return html if _may_link(author) else EXTERNAL_LINK_RE.sub(r"\1", html)


def _may_link(author: User) -> bool:
    return bool(author.email_verified)


def _link_mentions(text: str, people: dict[str, User]) -> str:
    def link(match: re.Match) -> str:
        person = people.get(match[1].casefold())
        return f"[@{match[1]}](/people/{person.id})" if person is not None else match[0]
    return MENTION_RE.sub(link, text)


def _link_resources(text: str, thread: Thread) -> str:
    """[[resource:12]] becomes a link to resource 12, named by its title when the title is no secret here
    (a public resource, or one of the thread's own community); otherwise "resource 12"."""
    ids = {int(match[1]) for match in RESOURCE_REFERENCE_RE.finditer(text)}
    if not ids:
        return text
    found = {resource.id: resource for resource in db.session.scalars(select(Resource).where(
        Resource.id.in_(ids), Resource.deleted_at.is_(None)))}

    def link(match: re.Match) -> str:
        resource_id, shown = int(match[1]), match[2]
        resource = found.get(resource_id)
        if resource is None:
            return f"resource {resource_id} (not found)"
        if not shown:
            no_secret = resource.community.is_public or resource.community_id == thread.community_id
            shown = resource.title if no_secret else f"resource {resource_id}"
        return f"[{_escape_link_text(shown)}]({resource_path(resource_id)})"
    return RESOURCE_REFERENCE_RE.sub(link, text)


def _escape_link_text(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text)
