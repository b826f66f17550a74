"""API: the caller's notices (listed, marked read), how each kind reaches them by email, and what they follow."""
from flask import jsonify, request

from ..errors import InvalidInput, Unauthorized
from ..models.notifications import Notification
from ..services import following, notification_preferences, notifications
from .common import actor, bp, iso, json_body, paginate_list

MAX_LISTED = 600  # the most recent notices the list pages through


def _caller():
    caller = actor()
    if not caller.is_authenticated:
        raise Unauthorized("Send a token: Authorization: Bearer <token>.")
    return caller


def _notice(notice: Notification) -> dict:
    return {"id": notice.id, "kind": notice.kind, "text": notifications.text_of(notice), "url": notice.url,
            "community": notice.community.slug if notice.community is not None else None,
            "created": iso(notice.created_at), "updated": iso(notice.updated_at), "read": notice.read_at is not None,
            "count": notice.event_count}


@bp.route("/me/notifications")
def list_notifications():
    unread = request.args.get("unread", "")
    if unread not in ("", "0", "1", "true", "false"):
        raise InvalidInput({"unread": ["Use unread=1 for unread notices only."]})
    rows = notifications.latest(_caller(), limit=MAX_LISTED, unread_only=unread in ("1", "true"))
    return paginate_list(rows, _notice)


@bp.route("/me/notifications/read", methods=["POST"])
def read_notifications():
    """`{"ids": [...]}` marks those read (all the caller's own, else 404 and nothing changes); `{"all": true}`
    marks every notice read."""
    caller, data = _caller(), json_body()
    if data.get("all") is True:
        notifications.mark_all_read(caller)
    elif "ids" in data:
        ids = data["ids"]
        if not isinstance(ids, list) or not ids or not all(_is_id(i) for i in ids):
            raise InvalidInput({"ids": ["ids must be a non-empty list of notification ids."]})
        notifications.mark_read(caller, ids)
    else:
        raise InvalidInput({"_": ['Send {"ids": [...]} or {"all": true}.']})
    return jsonify({"unread": notifications.unread_count(caller)})


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


@bp.route("/me/notification-settings")
def get_notification_settings():
    return jsonify(_settings(notification_preferences.preferences_of(_caller())))


@bp.route("/me/notification-settings", methods=["PUT"])
def put_notification_settings():
    """`{kind: channel, ..., "auto_follow": bool}`; kinds left out keep their channel. Any unknown kind or
    channel is a 422 and changes nothing."""
    caller, data = _caller(), dict(json_body())
    auto_follow = data.pop("auto_follow", None)
    return jsonify(_settings(notification_preferences.change_preferences(caller, channels=data,
                                                                         auto_follow=auto_follow)))


def _settings(preferences: dict) -> dict:
    return {**preferences["channels"], "auto_follow": preferences["auto_follow"]}


def _follow(record, target) -> dict:
    return {"target_type": record.target_type, "target_id": record.target_id, "level": record.level,
            "title": getattr(target, "title", None) or getattr(target, "name", ""), "created": iso(record.created_at)}


@bp.route("/me/follows")
def list_follows():
    return paginate_list(following.follows_of(_caller()), lambda row: _follow(*row))


@bp.route("/me/follows", methods=["PUT"])
def put_follow():
    caller = _caller()
    data = json_body(text=("target_type", "level"))
    target_type, target_id = _target_of(data)
    level = data.get("level")
    if not level:
        raise InvalidInput({"level": ["Give a level."]})
    record = following.follow(caller, target_type, target_id, level)
    return jsonify(_follow(record, notifications.load_target(target_type, record.target_id)))


@bp.route("/me/follows", methods=["DELETE"])
def delete_follow():
    caller = _caller()
    target_type, target_id = _target_of(json_body(text=("target_type",)))
    following.unfollow(caller, target_type, target_id)
    return "", 204


def _target_of(data: dict) -> tuple[str, int]:
    """The `target_type` and `target_id` of a follow request (whether they exist is the service's to say)."""
    target_type, target_id = data.get("target_type", ""), data.get("target_id")
    if not _is_id(target_id):
        raise InvalidInput({"target_id": ["target_id must be the id of the thing to follow."]})
    return target_type, target_id
