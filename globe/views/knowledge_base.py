"""The Globe-wide knowledge base: its home, global recent changes, and the curation conversation."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import InvalidInput
from ..forms.wiki_pages import CommentForm, DecisionForm, ProposeForm
from ..services import communities, knowledge_base, wiki_pages
from . import form_status

bp = Blueprint("knowledge_base", __name__)


@bp.route("/knowledge-base")
def home():
    pages = knowledge_base.accepted_pages()
    by_tag, by_community = knowledge_base.grouped(pages)
    return render_template("knowledge_base/home.html", recent=pages[:10], by_tag=by_tag,
                           by_community=by_community, total=len(pages))


@bp.route("/recent-changes")
def recent_changes():
    return render_template("knowledge_base/recent_changes.html",
                           revisions=wiki_pages.recent_changes(current_user, limit=100))


@bp.route("/c/<slug>/wiki/<page_slug>/propose", methods=["GET", "POST"])
@login_required
def propose(slug: str, page_slug: str):
    community = communities.get_community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    form = ProposeForm()
    if form.validate_on_submit():
        try:
            proposal = knowledge_base.propose(current_user, page, message=form.message.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Proposed for the knowledge base. Curators will discuss it with you here.", "success")
            return redirect(url_for(".request_page", request_id=proposal.id))
    return render_template("knowledge_base/propose.html", community=community, page=page, form=form,
                           checks=knowledge_base.pre_checks(page)), form_status(form)


@bp.route("/knowledge-base/requests")
@login_required
def requests():
    status = request.args.get("status", "open")
    return render_template("knowledge_base/requests.html", status=status,
                           items=knowledge_base.list_requests(current_user, status=status))


@bp.route("/knowledge-base/requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def request_page(request_id: int):
    proposal = knowledge_base.get_request(current_user, request_id)
    comment_form, decision_form = CommentForm(prefix="comment"), DecisionForm(prefix="decision")
    try:
        if comment_form.submit_ok():
            knowledge_base.comment(current_user, proposal, body=comment_form.body.data)
            return redirect(url_for(".request_page", request_id=request_id))
        if decision_form.submit_ok():
            _decide(proposal, decision_form)
            return redirect(url_for(".request_page", request_id=request_id))
    except InvalidInput as err:
        (comment_form if comment_form.was_posted() else decision_form).add_errors(err.fields)
    status = 400 if request.method == "POST" else 200
    return render_template("knowledge_base/request.html", proposal=proposal, page=proposal.page,
                           checks=knowledge_base.pre_checks(proposal.page), comment_form=comment_form,
                           decision_form=decision_form), status


def _decide(proposal, form) -> None:
    reason = form.reason.data
    if form.withdraw.data:
        knowledge_base.withdraw(current_user, proposal, reason=reason)
        flash("Withdrawn from the knowledge base.", "success")
    else:
        knowledge_base.decide(current_user, proposal, accept=bool(form.accept.data), reason=reason)
        flash("Accepted into the knowledge base." if form.accept.data else "Declined.", "success")
