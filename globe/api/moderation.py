"""API: flagging a post, moderating a thread or a post, and a community's moderation log (its moderators)."""
from flask import jsonify

from ..errors import InvalidInput, NotFound, Unauthorized
from ..services import communities, conversations, moderation
from .common import actor, bp, iso, json_body, page_args, paginated

POST_ACTIONS = ("hide", "unhide", "dismiss_flags")


def _caller():
    caller = actor()
    if not caller.is_authenticated:
        raise Unauthorized("Send a token: Authorization: Bearer <token>.")
    return caller


@bp.route("/posts/<int:post_id>/flags", methods=["POST"])
def flag_post(post_id: int):
    caller, data = _caller(), json_body(text=("reason",))
    post = conversations.get_post(caller, post_id)
    flag = moderation.flag_post(caller, post, reason=data.get("reason", ""))
    return jsonify({"id": flag.id, "post_id": post.id, "reason": flag.reason, "created": iso(flag.created_at),
                    "post_hidden": post.is_hidden}), 201


@bp.route("/threads/<int:thread_id>/moderation", methods=["POST"])
def moderate_thread(thread_id: int):
    """`{action, reason?, community?}`: one action; `community` (a slug) is where "move" takes the thread."""
    caller, data = _caller(), json_body(text=("action", "reason", "community"))
    thread = conversations.get_thread(caller, thread_id)
    moderation.moderate_thread(caller, thread, data.get("action", ""), reason=data.get("reason", ""),
                               community=_community(data.get("community")))
    return jsonify(thread_state(thread))


def _community(slug: str | None):
    if not slug:
        return None
    try:
        return communities.get_community(slug)
    except NotFound:
        raise InvalidInput({"community": ["No community with that address."]}) from None


def thread_state(thread) -> dict:
    return {"id": thread.id, "community": thread.community.slug if thread.community is not None else None,
            "pinned": thread.is_pinned, "locked": thread.is_locked, "closed": thread.is_closed,
            "hidden": thread.is_hidden, "deleted": thread.is_deleted}


@bp.route("/posts/<int:post_id>/moderation", methods=["POST"])
def moderate_post(post_id: int):
    """`{action: "hide"|"unhide"|"dismiss_flags", reason?}` (a reason is required to hide)."""
    caller, data = _caller(), json_body(text=("action", "reason"))
    post = conversations.get_post(caller, post_id)
    action, reason = data.get("action", ""), data.get("reason", "")
    moderation.require_moderator(caller, post)
    if action == "hide":
        moderation.hide_post(caller, post, reason=reason)
    elif action == "unhide":
        moderation.unhide_post(caller, post, reason=reason)
    elif action == "dismiss_flags":
        moderation.resolve_flags(caller, post, outcome="dismissed", reason=reason)
    else:
        raise InvalidInput({"action": [f"Action must be one of: {', '.join(POST_ACTIONS)}."]})
    return jsonify({"id": post.id, "thread_id": post.thread_id, "hidden": post.is_hidden,
                    "hidden_reason": post.hidden_reason, "open_flags": moderation.open_flag_count(post)})


@bp.route("/communities/<slug>/moderation-log")
def moderation_log(slug: str):
    community = communities.get_community(slug)
    page, per_page = page_args()
    found = moderation.moderation_log(actor(), community, page=page, per_page=per_page)
    return paginated([_entry(entry) for entry in found.items], found.total, page, per_page)


def _entry(entry) -> dict:
    return {"id": entry.id, "action": entry.action, "reason": entry.reason, "details": entry.details,
            "actor": {"id": entry.actor.id, "name": entry.actor.display_name} if entry.actor else None,
            "thread_id": entry.thread_id, "post_id": entry.post_id, "created": iso(entry.created_at)}
