"""API: a community's discussion board, threads and their posts (replies, edits, deletion, accepted answers,
thanks, revisions), and the comments on wiki pages, resources and proposals, made of the same posts.

Thin over services.conversations and services.thanks: the rules (who may post, locked threads, mention caps,
sizes, the new-account rate limit) are theirs; this module reads JSON and shapes answers."""
from flask import jsonify, request, url_for

from ..errors import InvalidInput, NotFound
from ..models.conversations import THREAD_KINDS
from ..permissions import can
from ..services import comment_sections, communities, conversations, incubator, resources, thanks, wiki_pages
from ..urls import thread_path
from .common import (
    actor,
    bp,
    iso,
    json_body,
    page_args,
    paginate_list,
    paginated,
    signed_in_actor,
    with_page_links,
)

FLAG_VALUES = {"1": True, "true": True, "0": False, "false": False, "": False}


# --- shapes --------------------------------------------------------------------------------------

def _person(user) -> dict | None:
    return {"id": user.id, "display_name": user.display_name} if user is not None else None


def thread_json(thread) -> dict:
    subject = None if thread.is_board_thread else {"type": thread.subject_type, "id": thread.subject_id}
    return {"id": thread.id, "community": thread.community.slug if thread.community else None,
            "kind": thread.kind, "story_type": thread.story_type, "title": thread.title, "tags": thread.tags or [],
            "author": _person(thread.author), "created": iso(thread.created_at),
            "last_posted": iso(thread.last_posted_at), "reply_count": thread.reply_count,
            "accepted_post_id": thread.accepted_post_id, "pinned": thread.is_pinned, "locked": thread.is_locked,
            "closed": thread.is_closed, "hidden": thread.is_hidden, "deleted": thread.is_deleted,
            "subject": subject, "url": thread_path(thread.id) if thread.is_board_thread else None}


def post_json(post, *, thanked: bool, may_moderate: bool) -> dict:
    """A post; a deleted or hidden one is a placeholder without its text, except for moderators."""
    shown = {"id": post.id, "thread_id": post.thread_id, "number": post.number, "deleted": post.is_deleted,
             "hidden": post.is_hidden}
    if (post.is_deleted or post.is_hidden) and not may_moderate:
        return shown
    return {**shown, "author": _person(post.author), "body": post.body, "html": post.body_html,
            "reply_to": post.reply_to_id, "created": iso(post.created_at), "edited": iso(post.edited_at),
            "thanks": post.thanks_count, "thanked": thanked, "url": conversations.post_url(post)}


def _one_post(post) -> dict:
    caller = actor()
    return post_json(post, thanked=thanks.has_thanked(caller, post),
                     may_moderate=can(caller, "conversations.view_hidden", post))


def _posts_page(thread, page: int, per_page: int) -> dict:
    """One page of a thread's posts as a list envelope; a page past the last one is empty."""
    shown = conversations.thread_posts(actor(), thread, page=page, per_page=per_page)
    items = [post_json(post, thanked=post.id in shown.thanked_ids, may_moderate=shown.may_moderate)
             for post in shown.posts] if shown.page == page else []
    return {"items": items, "total": thread.post_count, "page": page, "per_page": per_page}


def _listed_posts(thread, page: int, per_page: int):
    return paginated(_posts_page(thread, page, per_page)["items"], thread.post_count, page, per_page)


# --- input ---------------------------------------------------------------------------------------

def _flag(name: str) -> bool:
    value = request.args.get(name, "")
    if value not in FLAG_VALUES:
        raise InvalidInput({name: [f"Use {name}=1 (or leave it out)."]})
    return FLAG_VALUES[value]


def _reply_to(data: dict, thread):
    """The post `reply_to` names, which must be one shown in `thread` (None: no comment thread yet)."""
    post_id = data.get("reply_to")
    if post_id is None:
        return None
    refused = InvalidInput({"reply_to": ["reply_to must be the id of a post in this discussion."]})
    if not isinstance(post_id, int) or isinstance(post_id, bool) or thread is None:
        raise refused
    try:
        return conversations.get_post(actor(), post_id)
    except NotFound:
        raise refused from None


def _opening_post(thread):
    """A board thread's first post, which holds its body (a comment thread has none: its posts are edited one
    by one)."""
    if not thread.is_board_thread:
        raise InvalidInput({"_": ["Comments have no opening post: change or delete them one by one under "
                                  "/posts/{id}."]})
    return conversations.thread_posts(actor(), thread, page=1, per_page=1).posts[0]


# --- the board -----------------------------------------------------------------------------------

@bp.route("/communities/<slug>/threads")
def list_threads(slug: str):
    page, per_page = page_args()
    community = communities.get_community(slug)
    kind = request.args.get("kind") or None
    if kind is not None and kind not in THREAD_KINDS:
        raise InvalidInput({"kind": [f"kind must be one of: {', '.join(THREAD_KINDS)}."]})
    board = conversations.board(actor(), community, kind=kind, unanswered=_flag("unanswered"), page=page,
                                per_page=per_page)
    return paginated([thread_json(thread) for thread in board.items], board.total, page, per_page)


@bp.route("/communities/<slug>/threads", methods=["POST"])
def start_thread(slug: str):
    community = communities.get_community(slug)
    data = json_body(text=("kind", "title", "body", "story_type"), lists=("tags",))
    thread = conversations.start_thread(actor(), community, kind=data.get("kind", ""), title=data.get("title", ""),
                                        body=data.get("body", ""), tags=data.get("tags"),
                                        story_type=data.get("story_type"))
    return jsonify(thread_json(thread)), 201, {"Location": url_for("api.get_thread", thread_id=thread.id)}


# --- one thread ----------------------------------------------------------------------------------

@bp.route("/threads/<int:thread_id>")
def get_thread(thread_id: int):
    """The thread with one page of its posts (?page, ?per_page)."""
    page, per_page = page_args()
    thread = conversations.get_thread(actor(), thread_id)
    posts = _posts_page(thread, page, per_page)
    return with_page_links(jsonify({**thread_json(thread), "posts": posts}), thread.post_count, page, per_page)


@bp.route("/threads/<int:thread_id>", methods=["PATCH"])
def update_thread(thread_id: int):
    """The author changes the title, tags or opening text; fields left out stay as they are."""
    thread = conversations.get_thread(actor(), thread_id)
    data = json_body(text=("title", "body"), lists=("tags",))
    if not {"title", "body", "tags"} & data.keys():
        raise InvalidInput({"_": ["Send the title, body or tags to change."]})
    opening = _opening_post(thread)
    conversations.edit_post(actor(), opening, body=data.get("body", opening.body), title=data.get("title"),
                            tags=data.get("tags"))
    return jsonify(thread_json(thread))


@bp.route("/threads/<int:thread_id>", methods=["DELETE"])
def delete_thread(thread_id: int):
    thread = conversations.get_thread(actor(), thread_id)
    conversations.delete_post(actor(), _opening_post(thread))
    return "", 204


@bp.route("/threads/<int:thread_id>/posts")
def list_posts(thread_id: int):
    page, per_page = page_args()
    return _listed_posts(conversations.get_thread(actor(), thread_id), page, per_page)


@bp.route("/threads/<int:thread_id>/posts", methods=["POST"])
def reply(thread_id: int):
    thread = conversations.get_thread(actor(), thread_id)
    data = json_body(text=("body",))
    post = conversations.reply(actor(), thread, body=data.get("body", ""), reply_to=_reply_to(data, thread))
    return jsonify(_one_post(post)), 201


@bp.route("/threads/<int:thread_id>/accepted", methods=["DELETE"])
def unaccept_answer(thread_id: int):
    conversations.unaccept_answer(actor(), conversations.get_thread(actor(), thread_id))
    return "", 204


# --- one post ------------------------------------------------------------------------------------

@bp.route("/posts/<int:post_id>")
def get_post(post_id: int):
    return jsonify(_one_post(conversations.get_post(actor(), post_id)))


@bp.route("/posts/<int:post_id>", methods=["PATCH"])
def edit_post(post_id: int):
    post = conversations.get_post(actor(), post_id)
    data = json_body(text=("body",))
    conversations.edit_post(actor(), post, body=data.get("body", ""))
    return jsonify(_one_post(post))


@bp.route("/posts/<int:post_id>", methods=["DELETE"])
def delete_post(post_id: int):
    conversations.delete_post(actor(), conversations.get_post(actor(), post_id))
    return "", 204


@bp.route("/posts/<int:post_id>/restore", methods=["POST"])
def restore_post(post_id: int):
    post = conversations.get_post(actor(), post_id)
    conversations.restore_post(actor(), post)
    return jsonify(_one_post(post))


@bp.route("/posts/<int:post_id>/accept", methods=["POST"])
def accept_answer(post_id: int):
    post = conversations.get_post(actor(), post_id)
    conversations.accept_answer(actor(), post)
    return jsonify(thread_json(post.thread))


@bp.route("/posts/<int:post_id>/revisions")
def post_revisions(post_id: int):
    page_args()  # like every list here: a malformed ?page is a 400 before anything is looked up
    post = conversations.get_post(actor(), post_id)
    return paginate_list(conversations.revisions(actor(), post), lambda revision: {
        "revision": revision.revision, "body": revision.body, "editor": _person(revision.editor),
        "created": iso(revision.created_at)})


# --- thanks --------------------------------------------------------------------------------------

def _thank_or_unthank(target):
    """POST thanks `target` once, DELETE takes the thanks back: `{thanks, thanked}` either way."""
    if request.method == "POST":
        return jsonify({"thanks": thanks.thank(actor(), target), "thanked": True})
    return jsonify({"thanks": thanks.unthank(actor(), target), "thanked": False})


@bp.route("/posts/<int:post_id>/thanks", methods=["POST", "DELETE"])
def thank_post(post_id: int):
    return _thank_or_unthank(conversations.get_post(signed_in_actor(), post_id))


@bp.route("/resources/<int:resource_id>/thanks", methods=["POST", "DELETE"])
def thank_resource(resource_id: int):
    return _thank_or_unthank(resources.get_resource(signed_in_actor(), resource_id))


@bp.route("/communities/<slug>/wiki/<page_slug>/thanks", methods=["POST", "DELETE"])
def thank_wiki_page(slug: str, page_slug: str):
    signed_in_actor()
    return _thank_or_unthank(_wiki_page(slug, page_slug))


# --- comments ------------------------------------------------------------------------------------

def _wiki_page(slug: str, page_slug: str):
    return wiki_pages.get_page(actor(), communities.get_community(slug), page_slug)


def _comment_thread(subject):
    """The subject's comment thread if it has one and the caller may see it (else a 404); None: no comments."""
    thread = comment_sections.comments_of(subject)
    return conversations.get_thread(actor(), thread.id) if thread is not None else None


def _comments(find_subject):
    """GET: the comments on what `find_subject()` returns, paged; POST: a new comment `{body, reply_to?}`."""
    if request.method == "GET":
        page, per_page = page_args()  # a malformed ?page is a 400 before anything is looked up
        thread = _comment_thread(find_subject())
        return _listed_posts(thread, page, per_page) if thread is not None else paginated([], 0, page, per_page)
    subject = find_subject()
    data = json_body(text=("body",))
    post = comment_sections.comment(actor(), subject, body=data.get("body", ""),
                                 reply_to=_reply_to(data, _comment_thread(subject)))
    return jsonify(_one_post(post)), 201


@bp.route("/communities/<slug>/wiki/<page_slug>/comments", methods=["GET", "POST"])
def wiki_page_comments(slug: str, page_slug: str):
    return _comments(lambda: _wiki_page(slug, page_slug))


@bp.route("/resources/<int:resource_id>/comments", methods=["GET", "POST"])
def resource_comments(resource_id: int):
    return _comments(lambda: resources.get_resource(actor(), resource_id))


@bp.route("/proposals/<int:proposal_id>/comments", methods=["GET", "POST"])
def proposal_comments(proposal_id: int):
    return _comments(lambda: _proposal_with_comments(proposal_id))


def _proposal_with_comments(proposal_id: int):
    """A proposal whose comments the caller may read: its team, mentors and admins (others get a 404)."""
    proposal = incubator.get_proposal(actor(), proposal_id)
    if not can(actor(), "proposals.read_private", proposal):
        raise NotFound("No such discussion.")
    return proposal
