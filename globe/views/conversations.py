"""Discussion pages: each community's board, starting a thread, a thread's page with its replies, and what
one does to a post (reply, quote, edit, see earlier versions, delete and restore, accept as the answer,
thank). The post routes serve comment posts on wiki pages, resources and proposals too."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..converters import page_or_first, whole_number
from ..errors import GlobeError, InvalidInput, NotFound
from ..forms.communities import ConfirmForm
from ..forms.conversations import EditPostForm, ReplyForm, ThreadForm
from ..models.conversations import THREAD_KINDS
from ..permissions import require
from ..services import communities, conversations, thanks
from ..services.conversations import KIND_LABELS
from . import form_status

bp = Blueprint("conversations", __name__)
KIND_FILTERS = {"question": "Questions", "story": "Stories", "idea": "Ideas", "showcase": "Showcases",
                "announcement": "Announcements"}  # the board's filter links


@bp.app_context_processor
def _post_helpers() -> dict:
    """What conversations/_posts.html needs, wherever it is included (board threads and comment sections)."""
    return {"post_permissions": lambda thread: conversations.PostPermissions(current_user, thread),
            "post_url": conversations.post_url, "kind_label": kind_label, "with_query": with_query}


def kind_label(thread) -> str:
    """"Question", or "Story · success" for a story."""
    label = KIND_LABELS.get(thread.kind, "Comments")
    return f"{label} · {thread.story_type}" if thread.kind == "story" and thread.story_type else label


def with_query(url: str, **arguments) -> str:
    """The URL with query arguments added (those whose value is None are left out)."""
    pairs = urlencode({name: value for name, value in arguments.items() if value is not None})
    return f"{url}{'&' if '?' in url else '?'}{pairs}" if pairs else url


# --- the board and new threads --------------------------------------------------------------------

@bp.route("/c/<slug>/discussions")
def board(slug: str):
    community = communities.get_community(slug)
    kind = request.args.get("kind") if request.args.get("kind") in THREAD_KINDS else None
    unanswered = request.args.get("unanswered") == "1"
    listed = conversations.board(current_user, community, kind=kind, unanswered=unanswered,
                                 page=page_or_first(request.args.get("page")))
    return render_template("conversations/board.html", community=community, listed=listed, kind=kind,
                           unanswered=unanswered, kind_filters=KIND_FILTERS)


@bp.route("/c/<slug>/discussions/new", methods=["GET", "POST"])
@login_required
def new_thread(slug: str):
    community = communities.get_community(slug)
    require(current_user, "conversations.start", community)
    form = ThreadForm()
    form.offer_kinds(conversations.kinds_open_to(current_user, community), KIND_LABELS)
    if request.method == "GET":
        form.kind.data = request.args.get("kind") if request.args.get("kind") in THREAD_KINDS else "question"
    status = form_status(form)
    if form.validate_on_submit():
        try:
            thread = conversations.start_thread(current_user, community, **form.fields())
        except InvalidInput as err:
            form.add_errors(err.fields)
        except GlobeError as err:  # too many posts for a new account: the text stays in the form
            form.form_errors.append(err.detail)
            status = err.status
        else:
            flash("Your discussion is started.", "success")
            return redirect(url_for(".thread", thread_id=thread.id))
    return render_template("conversations/new_thread.html", community=community, form=form), status


# --- a thread's page and replies ----------------------------------------------------------------------

@bp.route("/discussions/<int:thread_id>")
def thread(thread_id: int):
    found = conversations.get_thread(current_user, thread_id)
    if not found.is_board_thread:  # comments are shown on what they are about
        return redirect(conversations.post_url(conversations.thread_posts(current_user, found).posts[0]))
    form = ReplyForm()
    quoted = conversations.quotable(current_user, found, whole_number(request.args.get("reply_to")))
    if quoted is not None:
        form.quote(quoted)
    return _thread_page(found, form, page_or_first(request.args.get("page")))


def _thread_page(thread, form, page: int, status: int = 200):
    posts_page = conversations.thread_posts(current_user, thread, page=page)
    return render_template("conversations/thread.html", thread=thread, community=thread.community,
                           posts_page=posts_page, reply_form=form,
                           reply_action=url_for(".reply", thread_id=thread.id),
                           page_url=url_for(".thread", thread_id=thread.id), confirm=ConfirmForm()), status


@bp.route("/discussions/<int:thread_id>/replies", methods=["POST"])
@login_required
def reply(thread_id: int):
    found = conversations.get_thread(current_user, thread_id)
    if not found.is_board_thread:  # comments are posted from the page they are about
        raise NotFound("No such discussion.")
    form = ReplyForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            quoted = conversations.quotable(current_user, found, whole_number(form.reply_to.data))
            post = conversations.reply(current_user, found, body=form.body.data, reply_to=quoted)
        except InvalidInput as err:
            form.add_errors(err.fields)
        except GlobeError as err:  # locked meanwhile, or too many posts: the text stays in the form
            form.form_errors.append(err.detail)
            status = err.status
        else:
            flash("Your reply is posted.", "success")
            return redirect(conversations.post_url(post))
    return _thread_page(found, form, page=found.post_count, status=status)


@bp.route("/discussions/<int:thread_id>/unaccept", methods=["POST"])
@login_required
def unaccept(thread_id: int):
    found = conversations.get_thread(current_user, thread_id)
    conversations.unaccept_answer(current_user, found)
    flash("The question has no accepted answer any more.", "success")
    return redirect(url_for(".thread", thread_id=found.id))


# --- one post ---------------------------------------------------------------------------------------

@bp.route("/posts/<int:post_id>")
def post(post_id: int):
    return redirect(conversations.post_url(conversations.get_post(current_user, post_id)))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    found = conversations.get_post(current_user, post_id)
    require(current_user, "posts.edit", found)  # on every method, before the form is filled
    form = EditPostForm()
    if request.method == "GET":
        form.fill_from(found)
    if form.validate_on_submit():
        try:
            conversations.edit_post(current_user, found, **form.changes(found))
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Your post is updated; the earlier text is kept.", "success")
            return redirect(conversations.post_url(found))
    return render_template("conversations/edit_post.html", post=found, form=form,
                           community=found.thread.community), form_status(form)


@bp.route("/posts/<int:post_id>/revisions")
def revisions(post_id: int):
    found = conversations.get_post(current_user, post_id)
    return render_template("conversations/revisions.html", post=found, community=found.thread.community,
                           revisions=conversations.revisions(current_user, found))


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    """GET asks first (works without JavaScript); the POST deletes, restorable by the community's facilitators."""
    found = conversations.get_post(current_user, post_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        require(current_user, "posts.delete", found)
        what = "this discussion" if found.is_opening else "this post"
        return render_template(
            "confirm.html", question=f"Delete {what}?", button="Delete",
            consequence=f"Nobody will see {what} any more, except the moderators, who can restore it.",
            action=url_for(".delete_post", post_id=found.id), cancel=conversations.post_url(found)), form_status(form)
    conversations.delete_post(current_user, found)
    if found.is_opening:
        flash("The discussion is deleted.", "success")
        return redirect(url_for(".board", slug=found.thread.community.slug))
    flash("The post is deleted.", "success")
    return redirect(conversations.post_url(found))


@bp.route("/posts/<int:post_id>/restore", methods=["POST"])
@login_required
def restore_post(post_id: int):
    return _act_on_post(post_id, conversations.restore_post, "The post is restored.")


@bp.route("/posts/<int:post_id>/accept", methods=["POST"])
@login_required
def accept(post_id: int):
    return _act_on_post(post_id, conversations.accept_answer, "Marked as the accepted answer.")


@bp.route("/posts/<int:post_id>/thanks", methods=["POST"])
@login_required
def thank(post_id: int):
    return _act_on_post(post_id, thanks.thank, "Thanks sent.")


@bp.route("/posts/<int:post_id>/thanks/remove", methods=["POST"])
@login_required
def unthank(post_id: int):
    return _act_on_post(post_id, thanks.unthank, "Your thanks is taken back.")


def _act_on_post(post_id: int, act, done: str):
    """One button under a post: do it (the service checks who may), say so, and go back to the post."""
    found = conversations.get_post(current_user, post_id)
    act(current_user, found)
    flash(done, "success")
    return redirect(conversations.post_url(found))
