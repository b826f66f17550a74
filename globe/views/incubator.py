"""Incubator pages: the showcase, proposals and their journey, the admins' board, the mentors' queue and profile."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import Conflict, GlobeError, InvalidInput
from ..errors_web import error_message
from ..forms.incubator import (
    AnswerForm,
    AssignForm,
    AutoAssignForm,
    InviteTeamForm,
    MentorProfileForm,
    PersonConflictForm,
    ProposalConflictForm,
    ProposalForm,
    ReviewForm,
    TransitionForm,
)
from ..models.incubator import STATES
from ..permissions import can, require
from ..services import communities, incubator, mentoring
from . import form_status
from .comment_sections import comments_context, post_comment

bp = Blueprint("incubator", __name__, url_prefix="/incubator")
FIELDS = ("title", "summary", "description", "problem", "audience", "milestones", "needs")
# What the person who moved a proposal reads next: the new state and what happens now.


@bp.route("")
def index():
    visible = incubator.visible_proposals(current_user)
    showcase = [p for p in visible if p.is_public]
    return render_template("incubator/index.html", showcase=showcase, mentors=mentoring.showcase_mentors(showcase),
                           mine=[p for p in visible if can(current_user, "proposals.read_private", p)])


def _community_choices(form: ProposalForm) -> None:
    form.community.choices = [("", "—")] + [(c.slug, c.name) for c in communities.visible_communities(current_user)]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = ProposalForm()
    _community_choices(form)
    if form.validate_on_submit():
        try:
            proposal = incubator.create_proposal(current_user, community=form.community.data or None,
                                                 **{name: getattr(form, name).data for name in FIELDS})
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Draft saved. Invite your team, then submit it when it is ready.", "success")
            return redirect(url_for(".view", proposal_id=proposal.id))
    return render_template("incubator/edit.html", form=form, proposal=None), form_status(form)


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = incubator.get_editable(current_user, proposal_id)
    form = ProposalForm(obj=proposal)
    _community_choices(form)
    if request.method == "GET":
        form.needs.data = ", ".join(proposal.needs or [])
        form.community.data = proposal.community.slug if proposal.community else ""
    if form.validate_on_submit():
        try:
            incubator.update_proposal(current_user, proposal, community=form.community.data or None,
                                      **{name: getattr(form, name).data for name in FIELDS})
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Proposal saved.", "success")
            return redirect(url_for(".view", proposal_id=proposal.id))
    return render_template("incubator/edit.html", form=form, proposal=proposal), form_status(form)


@bp.route("/<int:proposal_id>")
def view(proposal_id: int):
    return _render_view(incubator.get_proposal(current_user, proposal_id))


def _render_view(proposal, *, comment_form=None) -> str:
    """The proposal's page; its comments section only for the team, its mentors and admins."""
    manage = can(current_user, "incubator.manage", proposal)
    address = url_for(".view", proposal_id=proposal.id)
    return render_template(
        "incubator/proposal.html", proposal=proposal, manage=manage,
        private=can(current_user, "proposals.read_private", proposal),
        team_member=incubator.is_on_team(current_user, proposal),
        events=incubator.timeline(current_user, proposal),
        shown_mentors=mentoring.showcase_mentors([proposal]).get(proposal.id, []),
        suggestions=mentoring.suggestions(current_user, proposal) if manage else [],
        invited=next((m for m in proposal.team if m.user_id == current_user.id and m.status == "invited"), None),
        transition_form=TransitionForm(), invite_form=InviteTeamForm(),
        assign_form=AssignForm(), next_states=incubator.next_states(current_user, proposal),
        **comments_context(proposal, base_url=address, action=address + "/comments", form=comment_form))


def _back(proposal_id: int):
    return redirect(url_for(".view", proposal_id=proposal_id))


def _run(action, success: str) -> None:
    """Call a service from a button; its refusal is shown as a message, nothing changed."""
    try:
        action()
    except GlobeError as err:
        flash(error_message(err), "error")
    else:
        flash(success, "success")


@bp.route("/<int:proposal_id>/transition", methods=["POST"])
@login_required
def transition(proposal_id: int):
    proposal = incubator.get_proposal(current_user, proposal_id)
    form = TransitionForm()
    if form.validate_on_submit():
        _run(lambda: incubator.transition(current_user, proposal, form.to.data, message=form.message.data,
                                          override_reason=form.override_reason.data),
             incubator.TRANSITION_DONE.get(form.to.data, "The proposal's state was changed."))
    return _back(proposal_id)


@bp.route("/<int:proposal_id>/comments", methods=["POST"])
@login_required
def comment(proposal_id: int):
    proposal = incubator.get_proposal(current_user, proposal_id)
    return post_comment(proposal, lambda form: _render_view(proposal, comment_form=form))


@bp.route("/<int:proposal_id>/team", methods=["POST"])
@login_required
def invite(proposal_id: int):
    proposal = incubator.get_proposal(current_user, proposal_id)
    form = InviteTeamForm()
    if form.validate_on_submit():
        _run(lambda: incubator.invite_by_email(current_user, proposal, email=form.email.data),
             f"An invitation was sent to {form.email.data}.")
    return _back(proposal_id)


@bp.route("/<int:proposal_id>/team/accept", methods=["POST"])
@login_required
def join_team(proposal_id: int):
    proposal = incubator.get_proposal(current_user, proposal_id)
    _run(lambda: incubator.accept_team_invitation(current_user, proposal), "You joined the team.")
    return _back(proposal_id)


@bp.route("/<int:proposal_id>/assign", methods=["POST"])
@login_required
def assign(proposal_id: int):
    proposal = incubator.get_proposal(current_user, proposal_id)
    form = AssignForm()
    if form.validate_on_submit():
        _run(lambda: mentoring.assign(current_user, proposal, form.mentor_id.data,
                                      override_capacity_reason=form.override_capacity_reason.data),
             "Mentor assigned; they have been told.")
    return _back(proposal_id)


@bp.route("/<int:proposal_id>/review", methods=["GET", "POST"])
@login_required
def review(proposal_id: int):
    proposal = incubator.get_proposal(current_user, proposal_id)
    existing = next((a.review for a in proposal.assignments if a.mentor_id == current_user.id and a.review), None)
    form = ReviewForm(obj=existing)
    if form.validate_on_submit():
        try:
            mentoring.write_review(current_user, proposal, recommendation=form.recommendation.data,
                                   comments=form.comments.data, private_note=form.private_note.data or "")
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Review saved; the team has been told.", "success")
            return _back(proposal_id)
    return render_template("incubator/review.html", proposal=proposal, form=form), form_status(form)


@bp.route("/board")
@login_required
def board():
    require(current_user, "incubator.manage")
    by_status = {state: incubator.visible_proposals(current_user, status=state) for state in STATES}
    return render_template("incubator/board.html", by_status=by_status, form=AutoAssignForm(), plan=None)


@bp.route("/board/auto-assign", methods=["POST"])
@login_required
def auto_assign():
    require(current_user, "incubator.manage")
    form = AutoAssignForm()
    plan = mentoring.plan(current_user, per_proposal=form.per_proposal.data or 1) if form.validate_on_submit() else None
    if plan is not None and request.form.get("apply") == "1":
        applied = mentoring.apply_plan(current_user, plan)
        flash(f"{applied} assignment(s) made.", "success")
        return redirect(url_for(".board"))
    by_status = {state: incubator.visible_proposals(current_user, status=state) for state in STATES}
    return render_template("incubator/board.html", by_status=by_status, form=form, plan=plan,
                           titles={p.id: p.title for ps in by_status.values() for p in ps})


@bp.route("/queue")
@login_required
def queue():
    return render_template("incubator/queue.html", queue=mentoring.mentor_queue(current_user), form=AnswerForm())


@bp.route("/assignments/<int:assignment_id>/<answer>", methods=["POST"])
@login_required
def answer(assignment_id: int, answer: str):
    assignment = mentoring.get_assignment(current_user, assignment_id)
    form = AnswerForm()
    if form.validate_on_submit():
        _run(lambda: mentoring.answer(current_user, assignment, accept=answer == "accept", reason=form.reason.data),
             "Thank you: your answer was recorded.")
    return redirect(url_for(".queue"))


@bp.route("/mentor-profile", methods=["GET", "POST"])
@login_required
def mentor_profile():
    """A mentor's capacity, availability, showcase consent and declared conflicts of interest."""
    settings = mentoring.my_profile(current_user)
    forms = {"settings": MentorProfileForm(prefix="settings", obj=settings),
             "person": PersonConflictForm(prefix="person"), "proposal": ProposalConflictForm(prefix="proposal")}
    forms["proposal"].proposal_id.choices = [(p.id, p.title) for p in incubator.visible_proposals(current_user)]
    posted = next((form for form in forms.values() if form.was_posted()), None)
    if posted is not None and posted.validate_on_submit():
        try:
            flash(_save_mentor_profile(posted), "success")
        except (InvalidInput, Conflict) as err:
            posted.add_errors(getattr(err, "fields", {"_": [err.detail]}))
        else:
            return redirect(url_for(".mentor_profile"))
    return render_template("incubator/mentor_profile.html", settings=settings, forms=forms,
                           conflicts=mentoring.declared_conflicts(current_user),
                           load=mentoring.active_load(current_user)), 400 if request.method == "POST" else 200


def _save_mentor_profile(form) -> str:
    """Call the service the posted form is for; the message to show once it is saved."""
    if isinstance(form, MentorProfileForm):
        mentoring.update_profile(current_user, capacity=form.capacity.data, available=form.available.data,
                                 show_in_showcase=form.show_in_showcase.data)
        return "Mentor profile saved."
    if isinstance(form, PersonConflictForm):
        mentoring.declare_conflict(current_user, person_email=form.person_email.data, reason=form.reason.data)
    else:
        mentoring.declare_conflict(current_user, proposal_id=form.proposal_id.data, reason=form.reason.data)
    return "Conflict of interest declared: you cannot be assigned there."


@bp.route("/mentor-profile/conflicts/<int:conflict_id>/remove", methods=["POST"])
@login_required
def remove_conflict(conflict_id: int):
    mentoring.remove_conflict(current_user, conflict_id)  # CSRF is checked for every POST before we get here
    flash("Conflict of interest removed.", "success")
    return redirect(url_for(".mentor_profile"))
