"""Conversations: threads on each community's discussion board and comment threads on wiki pages, resources
and proposals, made of the same posts: written, replied to (quoting), edited (earlier texts kept), deleted by
their authors and restored by moderators; a question's accepted answer; mentions and replies told to people.

Who may do what is permissions' ("conversations.*", "posts.*"); moderation (pin, lock, hide, flags) is in
services.moderation, thanks in services.thanks, and each subject's comment thread in services.comment_sections."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..db import transaction
from ..errors import InvalidInput, NotFound, PermissionDenied, TooManyAttempts, Unauthorized
from ..extensions import db
from ..models import Community, ModerationEntry, Post, PostRevision, Thanks, Thread, User
from ..models.base import utcnow
from ..models.conversations import STORY_TYPES, THREAD_KINDS
from ..permissions import can, require
from ..urls import project_path, resource_path, thread_path, wiki_page_path
from . import following
from .notifications import notify
from .post_rendering import mentioned_people, render_post
from .search import queue_for_indexing
from .validation import Checker, parse_tags, shorten

KIND_LABELS = {"question": "Question", "story": "Story", "idea": "Idea", "showcase": "Showcase",
               "announcement": "Announcement"}
THREADS_PER_PAGE = 30
TITLE_CHARS = 200


@dataclass
class PostsPage:
    """One page of a thread's posts, with what the viewer needs to show them in a fixed number of queries."""

    posts: list[Post]
    page: int
    pages: int
    thanked_ids: set[int]  # the viewer's thanks among these posts
    may_moderate: bool


@dataclass
class ListPage:
    """One page of a longer list (a board's threads, a moderation log), and how many pages there are."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- reading -------------------------------------------------------------------------------------

def may_see_thread(actor, thread: Thread) -> bool:
    return can(actor, "conversations.view", thread) or can(actor, "conversations.view_hidden", thread)


def get_thread(actor, thread_id: int) -> Thread:
    """A thread the actor may see (moderators also see hidden and deleted ones); others get "not found"."""
    thread = db.session.get(Thread, thread_id)
    if thread is None or not may_see_thread(actor, thread):
        raise NotFound("No such discussion.")
    return thread


def get_post(actor, post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not may_see_thread(actor, post.thread):
        raise NotFound("No such post.")
    return post


def board(actor, community: Community, *, kind: str | None = None, unanswered: bool = False, page: int = 1,
          per_page: int = THREADS_PER_PAGE) -> ListPage:
    """A community's threads, pinned first, then by latest post; `unanswered`: questions without an accepted
    answer, longest waiting first. Hidden and deleted threads only for moderators."""
    require(actor, "communities.view_content", community)
    where = [Thread.community_id == community.id, Thread.subject_type.is_(None)]
    if not can(actor, "conversations.view_hidden", community):
        where += [Thread.hidden_at.is_(None), Thread.deleted_at.is_(None)]
    if kind in THREAD_KINDS:
        where.append(Thread.kind == kind)
    if unanswered:
        where += [Thread.kind == "question", Thread.accepted_post_id.is_(None), Thread.closed_at.is_(None)]
    order = ((Thread.created_at.asc(),) if unanswered
             else (Thread.pinned_at.is_(None), Thread.pinned_at.desc(), Thread.last_posted_at.desc()))
    total = db.session.scalar(select(func.count()).select_from(Thread).where(*where))
    threads = list(db.session.scalars(select(Thread).where(*where).order_by(*order, Thread.id.desc())
                                      .offset((page - 1) * per_page).limit(per_page)
                                      .options(selectinload(Thread.author))))
    return ListPage(threads, total, page, per_page)


def thread_posts(actor, thread: Thread, *, page: int = 1, per_page: int | None = None) -> PostsPage:
    """One page of the thread's posts in order (a post's number says its page), authors and quoted posts
    loaded with them."""
    per_page = per_page or int(current_app.config["POSTS_PER_PAGE"])
    pages = max(1, -(-thread.post_count // per_page))
    page = min(max(1, page), pages)
    first = (page - 1) * per_page + 1
    posts = list(db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.number >= first, Post.number < first + per_page)
        .order_by(Post.number)
        .options(selectinload(Post.author), selectinload(Post.reply_to).selectinload(Post.author))))
    return PostsPage(posts, page, pages, _thanked(actor, [post.id for post in posts]),
                     can(actor, "conversations.view_hidden", thread))


def page_of_post(post: Post) -> int:
    return (post.number - 1) // int(current_app.config["POSTS_PER_PAGE"]) + 1


def _thanked(actor, post_ids: list[int]) -> set[int]:
    if not actor.is_authenticated or not post_ids:
        return set()
    return set(db.session.scalars(select(Thanks.target_id).where(
        Thanks.user_id == actor.id, Thanks.target_type == "post", Thanks.target_id.in_(post_ids))))


def quotable(actor, thread: Thread | None, post_id: int | None) -> Post | None:
    """The post of this thread a Quote link names (?reply_to=), if the actor may see it shown; else None."""
    post = db.session.get(Post, post_id) if thread is not None and post_id is not None else None
    if post is None or post.thread_id != thread.id or post.is_deleted or post.is_hidden:
        return None
    return post if may_see_thread(actor, thread) else None


def revisions(actor, post: Post) -> list[PostRevision]:
    """A post's earlier texts, newest first (whoever may read the post may read how it changed)."""
    if post.is_deleted or post.is_hidden:
        require(actor, "conversations.view_hidden", post)
    return list(db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .order_by(PostRevision.revision.desc()).options(selectinload(PostRevision.editor))))


def kinds_open_to(actor, community: Community) -> list[str]:
    """The kinds of thread the actor may start in the community (announcements: its facilitators)."""
    announce = can(actor, "conversations.announce", community)
    return [kind for kind in THREAD_KINDS if kind != "announcement" or announce]


class PostPermissions:
    """What one viewer may do with the posts of one thread. The post rules depend only on the thread and on
    whether the viewer wrote the post, so each can() is asked once for the viewer's own posts and once for
    the others': a page costs the same number of queries however many posts it shows."""

    def __init__(self, actor, thread: Thread) -> None:
        self.actor, self.thread = actor, thread
        self.viewer_id = actor.id if actor.is_authenticated else None  # read once: `actor` may be a proxy
        self._answers: dict[tuple[str, bool], bool] = {}

    def is_own(self, post: Post) -> bool:
        return self.viewer_id is not None and post.author_id == self.viewer_id

    def allows(self, action: str, post: Post) -> bool:
        key = (action, self.is_own(post))
        if key not in self._answers:
            self._answers[key] = can(self.actor, action, post)
        return self._answers[key]

    def may_thank(self, post: Post) -> bool:
        return post.author_id is not None and not self.is_own(post) and self.allows("conversations.thank", post)

    def may_flag(self, post: Post) -> bool:
        return self.viewer_id is not None and not self.is_own(post) and not post.is_deleted

    def may_accept(self, post: Post) -> bool:
        """Whether the post can be chosen as the question's answer by this viewer."""
        if self.thread.kind != "question" or post.number == 1 or post.is_deleted or post.is_hidden:
            return False
        key = ("conversations.accept", False)
        if key not in self._answers:
            self._answers[key] = can(self.actor, "conversations.accept", self.thread)
        return self._answers[key]

    def why_no_reply(self) -> str | None:
        """None when the viewer may reply, else why not in one sentence (shown instead of the reply form)."""
        if self.thread.is_deleted or self.thread.is_hidden:
            return f"This discussion is {'deleted' if self.thread.is_deleted else 'hidden'}: nobody can reply to it."
        try:
            require(self.actor, "conversations.post", self.thread)
            _check_open(self.thread)
        except (PermissionDenied, Unauthorized) as err:
            return err.detail
        return None


# --- writing -------------------------------------------------------------------------------------

def start_thread(actor, community: Community, *, kind: str, title: str, body: str, tags=None,
                 story_type: str | None = None) -> Thread:
    """A new thread on the community's board; its followers hear of it."""
    require(actor, "conversations.announce" if kind == "announcement" else "conversations.start", community)
    check = Checker()
    kind = check.choice("kind", kind, THREAD_KINDS, label="Kind")
    title = check.text("title", title, max_length=TITLE_CHARS, required=True, label="Title")
    story_type = _story_type(check, kind, story_type)
    body = _checked_body(check, body)
    check.done()
    _check_posting_rate(actor)
    now = utcnow()
    with transaction():
        thread = Thread(community=community, kind=kind, story_type=story_type, title=title, tags=parse_tags(tags),
                        author_id=actor.id, created_at=now, last_posted_at=now)
        post, mentioned = _add_post(actor, thread, body, reply_to=None, now=now)
        following.follow_automatically(actor, thread)
        following.tell_followers("conversations.new_thread", f"{actor.display_name} started a discussion in "
                                 f"{community.name}: {shorten(title, 120)}", actor=actor, target=thread,
                                 url=thread_path(thread.id), subject=community.name,
                                 collapse_key=f"new-thread:{community.id}")
        _tell_mentioned(actor, post, mentioned)
        queue_for_indexing("discussion", thread.id)
    return thread


def reply(actor, thread: Thread, *, body: str, reply_to: Post | None = None) -> Post:
    """A reply (quoting `reply_to`, a post of the same thread) or a comment; followers of the thread hear of it."""
    require(actor, "conversations.post", thread)
    _check_open(thread)
    check = Checker()
    body = _checked_body(check, body)
    if reply_to is not None and (reply_to.thread_id != thread.id or reply_to.is_deleted or reply_to.is_hidden):
        check.add("reply_to", "You can only reply to a post shown in this discussion.")
    check.done()
    _check_posting_rate(actor)
    now = utcnow()
    with transaction():
        post, mentioned = _add_post(actor, thread, body, reply_to=reply_to, now=now)
        following.follow_automatically(actor, thread)
        _tell_about_reply(actor, post, mentioned)
        queue_for_indexing("discussion", thread.id)
    return post


def edit_post(actor, post: Post, *, body: str, title: str | None = None, tags=None) -> Post:
    """A new text for a post (the earlier one is kept); an opening post may also change its thread's title
    and tags. People newly mentioned are told."""
    require(actor, "posts.edit", post)
    if post.is_deleted or post.is_hidden:
        raise InvalidInput({"body": ["A deleted or hidden post cannot be edited."]})
    thread = post.thread
    check = Checker()
    body = _checked_body(check, body)
    if title is not None and post.is_opening:
        title = check.text("title", title, max_length=TITLE_CHARS, required=True, label="Title")
    check.done()
    before = {person.id for person in mentioned_people(thread, post.body)}
    with transaction():
        mentioned = mentioned_people(thread, body)
        db.session.add(PostRevision(post_id=post.id, revision=post.revision_count, body=post.body,
                                    editor_id=post.author_id, created_at=post.edited_at or post.created_at))
        post.body, post.body_html = body, render_post(thread, body, author=actor, mentioned=mentioned)
        post.edited_at, post.revision_count = utcnow(), post.revision_count + 1
        if post.is_opening:
            thread.title = title if title is not None else thread.title
            thread.tags = parse_tags(tags) if tags is not None else thread.tags
        _tell_mentioned(actor, post, [person for person in mentioned if person.id not in before])
        queue_for_indexing("discussion", thread.id)
    return post


def delete_post(actor, post: Post) -> None:
    """Delete a post (its author, or a moderator: then logged); deleting a thread's opening post deletes the
    thread. Both stay for moderators, who can restore them."""
    require(actor, "posts.delete", post)
    with transaction():
        if post.author_id != actor.id:
            log_moderation(actor, "delete_post", post=post)
        now = utcnow()
        post.deleted_at = post.deleted_at or now
        if post.is_opening:
            post.thread.deleted_at = post.thread.deleted_at or now
        if post.thread.accepted_post_id == post.id:
            post.thread.accepted_post_id = None
        queue_for_indexing("discussion", post.thread_id)


def restore_post(actor, post: Post) -> None:
    """A moderator brings a deleted post (or thread) back; logged."""
    require(actor, "posts.restore", post)
    with transaction():
        log_moderation(actor, "restore_post", post=post)
        post.deleted_at = None
        if post.is_opening:
            post.thread.deleted_at = None
        queue_for_indexing("discussion", post.thread_id)


def accept_answer(actor, post: Post) -> None:
    """Mark a reply as the answer to its question (the asker or a moderator); the answer's author is told."""
    thread = post.thread
    require(actor, "conversations.accept", thread)
    if thread.kind != "question":
        raise InvalidInput({"post": ["Only a question has an accepted answer."]})
    if post.number == 1 or post.is_deleted or post.is_hidden:
        raise InvalidInput({"post": ["Choose a reply shown in this discussion as the answer."]})
    with transaction():
        thread.accepted_post_id = post.id
        if post.author is not None:
            notify(post.author, "conversations.answer", f"{actor.display_name} accepted your answer to "
                   f"“{shorten(thread.title, 120)}”", url=post_url(post), actor=actor, target=thread)


def unaccept_answer(actor, thread: Thread) -> None:
    require(actor, "conversations.accept", thread)
    with transaction():
        thread.accepted_post_id = None


def log_moderation(actor, action: str, *, thread: Thread | None = None, post: Post | None = None, reason: str = "",
                   details: str = "") -> None:
    """In the caller's transaction: a line of the community's moderation log (actor None: Globe itself)."""
    thread = thread or post.thread
    db.session.add(ModerationEntry(community_id=thread.community_id, thread_id=thread.id,
                                   post_id=post.id if post is not None else None,
                                   actor_id=getattr(actor, "id", None), action=action, reason=reason,
                                   details=details[:300]))


# --- the parts -----------------------------------------------------------------------------------

def post_url(post: Post) -> str:
    """Where a post is shown: its page of the thread, at its anchor (comments: on what they are about)."""
    thread = post.thread
    if thread.is_board_thread:
        page = page_of_post(post)
        return thread_path(thread.id) + (f"?page={page}" if page > 1 else "") + f"#post-{post.number}"
    subject = thread.subject
    base = {"page": lambda: wiki_page_path(subject.community.slug, subject.slug),
            "resource": lambda: resource_path(subject.id), "proposal": lambda: project_path(subject.id)}
    return base[thread.subject_type]() + f"#post-{post.number}"


def _story_type(check: Checker, kind: str, story_type: str | None) -> str | None:
    if kind != "story":
        return None
    if story_type not in STORY_TYPES:
        check.add("story_type", "Say whether the story is a success or a challenge.")
    return story_type


def _checked_body(check: Checker, body: str | None) -> str:
    limit = int(current_app.config["POST_MAX_CHARS"])
    if body is not None and len(body) > limit * 2:  # far too long: not even cleaned
        check.add("body", f"A post must be at most {limit:,} characters.")
        return ""
    return check.text("body", body, max_length=limit, required=True, label="Post")


def _check_open(thread: Thread) -> None:
    if thread.is_deleted or thread.is_hidden:
        raise NotFound("No such discussion.")
    if thread.is_locked or thread.is_closed:
        state = "locked" if thread.is_locked else "closed"
        raise PermissionDenied(f"This discussion is {state}: nobody can reply to it any more.")


def _check_posting_rate(actor) -> None:
    """A new account writes at most NEW_ACCOUNT_POSTS_PER_HOUR posts an hour (spam stays small)."""
    config, now = current_app.config, utcnow()
    if actor.created_at is None or actor.created_at < now - timedelta(days=int(config["NEW_ACCOUNT_DAYS"])):
        return
    limit = int(config["NEW_ACCOUNT_POSTS_PER_HOUR"])
    written = db.session.scalar(select(func.count()).select_from(Post).where(
        Post.author_id == actor.id, Post.created_at > now - timedelta(hours=1)))
    if written >= limit:
        raise TooManyAttempts(f"New accounts can write {limit} posts an hour: please wait a little before "
                              "posting again.")


def _add_post(actor, thread: Thread, body: str, *, reply_to: Post | None, now) -> tuple[Post, list[User]]:
    """The next post of the thread (saved first if new), and the people it mentions; its number is taken with
    one UPDATE, so two writers never get the same."""
    if thread.id is None:
        db.session.add(thread)
        db.session.flush()
    number = db.session.execute(update(Thread).where(Thread.id == thread.id)
                                .values(post_count=Thread.post_count + 1, last_posted_at=now)
                                .returning(Thread.post_count)).scalar_one()
    db.session.refresh(thread, ["post_count", "last_posted_at"])
    mentioned = mentioned_people(thread, body)
    post = Post(thread=thread, number=number, author_id=actor.id, reply_to=reply_to, body=body,
                body_html=render_post(thread, body, author=actor, mentioned=mentioned), created_at=now)
    db.session.add(post)
    db.session.flush()
    return post, mentioned


def _tell_about_reply(actor, post: Post, mentioned: list[User]) -> None:
    thread = post.thread
    where = thread.title or "a discussion"
    following.tell_followers("conversations.reply", f"{actor.display_name} replied in “{shorten(where, 120)}”",
                             actor=actor, target=thread, url=post_url(post), subject=shorten(where, 120),
                             collapse_key=f"reply:{thread.id}")
    quoted = post.reply_to.author if post.reply_to is not None else None
    told = _tell_mentioned(actor, post, mentioned)
    if quoted is not None and quoted.id not in told:
        notify(quoted, "conversations.mention", f"{actor.display_name} replied to your post in "
               f"“{shorten(where, 120)}”", url=post_url(post), actor=actor, target=thread)


def _tell_mentioned(actor, post: Post, people: list[User]) -> set[int]:
    """Tell the people a post mentions (those who cannot see the thread are told nothing); returns their ids."""
    if people:
        notify(people, "conversations.mention", f"{actor.display_name} mentioned you in "
               f"“{shorten(post.thread.title or 'a discussion', 120)}”", url=post_url(post), actor=actor,
               target=post.thread)
    return {person.id for person in people}
