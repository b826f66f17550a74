"""Moderation pages: a thread's moderation form, a post's flag form, hiding and showing posts, deciding on
flags, and a community's moderation log. Every rule is the moderation service's; CSRF guards every POST."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Conflict, InvalidInput, NotFound
from ..forms.moderation import FlagForm, ModerateThreadForm, PostModerationForm
from ..services import communities, conversations, moderation
from ..services.moderation import ACTION_LABELS
from ..urls import same_site_path, thread_path
from . import form_status, int_arg

bp = Blueprint("moderation", __name__)
DONE = {"pin": "Pinned", "unpin": "Unpinned", "lock": "Locked: nobody can reply now",
        "unlock": "Unlocked: members can reply again", "close": "Closed", "reopen": "Reopened",
        "hide": "Hidden: only moderators see it now", "unhide": "Shown again", "move": "Moved"}


@bp.route("/discussions/<int:thread_id>/moderate", methods=["GET", "POST"])
@login_required
def moderate_thread(thread_id: int):
    thread = conversations.get_thread(current_user, thread_id)
    moderation.require_moderator(current_user, thread)
    targets = moderation.move_targets(current_user, thread)
    form = ModerateThreadForm()
    form.community.choices = [("", "Choose a community")] + [(c.slug, c.name) for c in targets]
    if form.validate_on_submit():
        action = form.action.data or ""
        try:
            moderation.moderate_thread(current_user, thread, action, reason=form.reason.data,
                                       community=_chosen(form.community.data, targets) if action == "move" else None)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash(f"{DONE.get(action, 'Done')}.", "success")
            return redirect(_thread_url(thread))
    return render_template("moderation/moderate.html", thread=thread, form=form, back=_thread_url(thread),
                           actions=moderation.thread_actions(current_user, thread), labels=ACTION_LABELS), \
        form_status(form)


def _thread_url(thread) -> str:
    """Where the thread is read: its page, or (comments) the page of what they are about."""
    if thread.is_board_thread:
        return thread_path(thread.id)
    first = conversations.thread_posts(current_user, thread, per_page=1).posts
    return conversations.post_url(first[0]).split("#")[0] if first else url_for("main.home")


def _chosen(slug: str, targets):
    """The community picked in the select (the service refuses one the moderator does not moderate)."""
    if not slug:
        return None
    found = next((community for community in targets if community.slug == slug), None)
    if found is not None:
        return found
    try:
        return communities.get_community(slug)
    except NotFound:
        return None


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag_post(post_id: int):
    post = conversations.get_post(current_user, post_id)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            moderation.flag_post(current_user, post, reason=form.reason.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        except Conflict as err:
            flash(err.detail, "info")
            return redirect(conversations.post_url(post))
        else:
            flash("Thank you: the community's facilitators will look at this post.", "success")
            return redirect(conversations.post_url(post))
    return render_template("moderation/flag.html", post=post, form=form,
                           already=moderation.has_flagged(current_user, post),
                           readable=moderation.may_read_post(current_user, post),
                           moderates=moderation.is_moderator(current_user, post),
                           post_url=conversations.post_url), form_status(form)


@bp.route("/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide_post(post_id: int):
    """GET: the form asking why; POST: hide the post."""
    post = conversations.get_post(current_user, post_id)
    moderation.require_moderator(current_user, post)
    form = PostModerationForm()
    if form.validate_on_submit():
        try:
            moderation.hide_post(current_user, post, reason=form.reason.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("The post is hidden: others see “hidden by a moderator”.", "success")
            return redirect(_back(post))
    return render_template("moderation/hide_post.html", post=post, form=form, post_url=conversations.post_url), \
        form_status(form)


@bp.route("/posts/<int:post_id>/unhide", methods=["POST"])
@login_required
def unhide_post(post_id: int):
    post = conversations.get_post(current_user, post_id)
    moderation.unhide_post(current_user, post, reason=request.form.get("reason", ""))
    flash("The post is shown again.", "success")
    return redirect(_back(post))


@bp.route("/posts/<int:post_id>/flags/resolve", methods=["POST"])
@login_required
def resolve_flags(post_id: int):
    """Hide the flagged post or dismiss its flags (the buttons on the attention page and the log)."""
    post = conversations.get_post(current_user, post_id)
    outcome = request.form.get("outcome", "")
    settled = moderation.resolve_flags(current_user, post, outcome=outcome, reason=request.form.get("reason", ""))
    if not settled:
        flash("No flag waited on this post any more: another moderator decided already.", "info")
    elif outcome == "hidden":
        flash("The post is hidden and its flags are settled.", "success")
    else:
        flash("The flags are dismissed; the post is shown.", "success")
    return redirect(_back(post))


def _back(post) -> str:
    return same_site_path(request.form.get("next") or request.args.get("next")) or conversations.post_url(post)


@bp.route("/c/<slug>/moderation")
@login_required
def log(slug: str):
    community = communities.get_community(slug)
    found = moderation.moderation_log(current_user, community, page=int_arg(request.args.get("page", "1")))
    return render_template("moderation/log.html", community=community, log=found,
                           posts=moderation.posts_of(found.items), flagged=moderation.open_flags(current_user,
                                                                                                    community),
                           labels=ACTION_LABELS, post_url=conversations.post_url, thread_path=thread_path,
                           page_url=lambda page: url_for(".log", slug=slug, page=page))
