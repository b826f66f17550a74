"""The in-app side of notices: the list (grouped by day and community, filtered, marked read when opened),
the email settings, what the person follows, the follow control on followable pages, and the page of what
waits on a facilitator or a curator."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import InvalidInput, NotFound
from ..models.base import utcnow
from ..models.notifications import FOLLOW_TARGETS
from ..services import attention, communities, following, notification_preferences, notifications
from ..services.notification_preferences import CHANNEL_LABELS
from ..urls import same_site_path
from . import int_arg, safe_next

bp = Blueprint("notifications", __name__)
PER_PAGE = 30
MAX_LISTED = 600  # the list reaches this many most recent notices; older ones stay out of the way
LEVEL_LABELS = {"everything": "Everything", "new": "New resources, pages and threads only", "mute": "Mute",
                "watch": "Watch: tell me of every change"}
ACROSS_GLOBE = "Across Globe"  # the heading of notices about no one community
TARGET_LABELS = {"community": "Communities", "page": "Wiki pages", "resource": "Resources", "proposal": "Proposals",
                 "thread": "Discussions"}


@bp.app_context_processor
def _follow_helpers() -> dict:
    return {"follow_level": lambda target: following.level_of(current_user, target),
            "follow_levels": following.levels_for, "level_labels": LEVEL_LABELS,
            "follow_target_type": notifications.target_type_of,
            "has_attention_duties": lambda: attention.has_duties(current_user)}


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def index():
    if request.method == "POST":  # "Mark all read"; CSRF is checked for every POST before we get here
        notifications.mark_all_read(current_user)
        flash("All notifications are marked read.", "success")
        return redirect(same_site_path(request.form.get("next")) or url_for(".index"))
    page = int_arg(request.args.get("page", "1"))
    kind, slug = request.args.get("kind", ""), request.args.get("community", "")
    community_id = _community_filter(slug)
    found = notifications.latest(current_user, limit=min(page * PER_PAGE + 1, MAX_LISTED + 1),
                                 community_id=community_id, kind=kind if kind in notifications.KINDS else "")
    shown = found[(page - 1) * PER_PAGE: page * PER_PAGE]
    older = len(found) > page * PER_PAGE and page * PER_PAGE < MAX_LISTED
    return render_template("notifications/index.html", days=_grouped(shown), page=page, older=older,
                           kinds=notifications.KINDS, kind=kind, community_slug=slug, communities=_filter_choices(),
                           text_of=notifications.text_of, unread=notifications.unread_count(current_user))


def _filter_choices() -> list:
    """The communities to filter by: those the person belongs to or follows."""
    mine = {m.community.id: m.community for m in communities.communities_of(current_user) if m.status == "active"}
    mine |= {target.id: target for record, target in following.follows_of(current_user)
             if record.target_type == "community"}
    return sorted(mine.values(), key=lambda community: community.name.lower())


def _community_filter(slug: str) -> int | None:
    if not slug:
        return None
    try:
        return communities.get_community(slug).id
    except NotFound:
        return -1  # an unknown community has no notices


def _grouped(notices) -> list[tuple[str, list]]:
    """[(day heading, [(community name, [notice, ...]), ...]), ...] in the notices' order (newest first)."""
    today = utcnow().date()
    days = []
    for day, same_day in groupby(notices, key=lambda notice: notice.updated_at.date()):
        places: dict[str, list] = {}  # keeps the order in which communities first appear that day
        for notice in same_day:
            places.setdefault(notice.community.name if notice.community else ACROSS_GLOBE, []).append(notice)
        days.append((_day_heading(day, today), list(places.items())))
    return days


def _day_heading(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return f"{day:%A} {day.day} {day:%B %Y}"


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Follow a notice's link: it is marked read on the way (only the viewer's own notices)."""
    address = notifications.open_notification(current_user, notification_id)
    return redirect(same_site_path(address) or url_for(".index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    errors = {}
    if request.method == "POST":
        choices = {kind: request.form[kind] for kind in notifications.KINDS if kind in request.form}
        try:
            notification_preferences.change_preferences(current_user, channels=choices,
                                                        auto_follow=request.form.get("auto_follow") == "on")
        except InvalidInput as refused:
            errors = refused.fields
        else:
            flash("Your notification settings are saved.", "success")
            return redirect(url_for(".settings"))
    return render_template("notifications/settings.html", kinds=notifications.KINDS, channels=CHANNEL_LABELS,
                           chosen=notification_preferences.preferences_of(current_user), errors=errors), \
        400 if errors else 200


@bp.route("/following")
@login_required
def following_page():
    follows = following.follows_of(current_user)
    groups = [(TARGET_LABELS[kind], [(record, target) for record, target in follows if record.target_type == kind])
              for kind in FOLLOW_TARGETS]
    return render_template("notifications/following.html", groups=[g for g in groups if g[1]])


@bp.route("/follow", methods=["POST"])
@login_required
def follow():
    """The follow control: choose a level, or stop following (`level` "stop"). Something the person cannot
    see is "not found", and nothing is stored."""
    target_type = request.form.get("target_type", "")
    if target_type not in FOLLOW_TARGETS:
        abort(404)
    target_id, level = int_arg(request.form.get("target_id")), request.form.get("level", "")
    if level == "stop":
        following.unfollow(current_user, target_type, target_id)
        flash("You no longer follow it.", "success")
    else:
        following.follow(current_user, target_type, target_id, level)
        flash(f"Following: {LEVEL_LABELS.get(level, level)}.", "success")
    return redirect(safe_next(url_for(".following_page")))


@bp.route("/attention")
@login_required
def attention_page():
    return render_template("notifications/attention.html", items=attention.waiting_for(current_user),
                           duties=attention.has_duties(current_user))
