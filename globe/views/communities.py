"""A CoP's pages: its home, joining and leaving, members, and the facilitators' tools."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import InvalidInput, NotFound
from ..errors_web import error_message
from ..forms.communities import (
    CommunityForm,
    ConfirmForm,
    DecisionForm,
    JoinForm,
    MemberForm,
    NewCommunityForm,
    RoleForm,
)
from ..forms.invite_links import InviteLinkForm
from ..permissions import can, require, role_at_least
from ..services import communities, conversations, invite_links
from ..services.invitations import ROLE_WITH_ARTICLE
from ..services.invite_links import InviteLinkGone, InviteLinkUnknown
from ..urls import invite_link_path, site_address
from . import form_status, int_arg
from .invitations import invitations_section

bp = Blueprint("communities", __name__)


@bp.route("/c/<slug>")
def home(slug: str):
    community = communities.get_community(slug)
    mine = communities.membership(community, current_user.id)
    if not can(current_user, "communities.view_content", community):
        return render_template("communities/closed.html", community=community, membership=mine,
                               join_form=JoinForm()), 200
    members = communities.list_members(current_user, community)
    return render_template("communities/home.html", community=community, membership=mine, members=members,
                           facilitators=[m for m in members if role_at_least(m.role, "facilitator")],
                           join_form=JoinForm(), confirm=ConfirmForm(),
                           latest_threads=conversations.board(current_user, community, per_page=5),
                           unanswered=conversations.board(current_user, community, unanswered=True, per_page=5))


@bp.route("/c/<slug>/join", methods=["POST"])
@login_required
def join(slug: str):
    community = communities.get_community(slug)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            record = communities.join(current_user, community, message=form.message.data)
        except InvalidInput as err:
            flash(error_message(err), "error")
        else:
            if record.is_active:
                flash(f"Welcome to {community.name}!", "success")
            else:
                flash("Your request was sent. A facilitator will answer it.", "success")
    return redirect(url_for("communities.home", slug=community.slug))


@bp.route("/c/<slug>/leave", methods=["POST"])
@login_required
def leave(slug: str):
    community = communities.get_community(slug)
    communities.leave(current_user, community)
    flash(f"You left {community.name}.", "success")
    return redirect(url_for("communities.home", slug=community.slug))


@bp.route("/c/<slug>/members")
def members(slug: str):
    community = communities.get_readable(current_user, slug)
    manage = can(current_user, "communities.manage_members", community)
    context = {"community": community, "members": communities.list_members(current_user, community),
               "manage": manage}
    if manage:
        context.update(pending=communities.list_members(current_user, community, status="pending"),
                       decision_form=DecisionForm(), role_form=RoleForm(), member_form=MemberForm(),
                       invite_link_form=InviteLinkForm(),
                       invite_links=invite_links.list_active_links(current_user, community),
                       **invitations_section(community))
    return render_template("communities/members.html", **context)


@bp.route("/c/<slug>/members/decide", methods=["POST"])
@login_required
def decide(slug: str):
    community = communities.get_community(slug)
    form = DecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        record = communities.decide_request(current_user, community, int_arg(form.user_id.data),
                                            approve=approve, message=form.message.data)
        flash(f"{record.user.display_name} {'is now a member' if approve else 'was declined'}.", "success")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.route("/c/<slug>/members/role", methods=["POST"])
@login_required
def set_role(slug: str):
    community = communities.get_community(slug)
    form = RoleForm()
    if form.validate_on_submit():
        record = communities.set_role(current_user, community, int_arg(form.user_id.data), form.role.data)
        flash(f"{record.user.display_name} is now {ROLE_WITH_ARTICLE.get(record.role, record.role)} here.", "success")
    else:
        flash("Choose a role.", "error")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.route("/c/<slug>/members/remove", methods=["GET", "POST"])
@login_required
def remove(slug: str):
    """GET (?user_id=) asks first; the POST removes the member."""
    community = communities.get_community(slug)
    form = MemberForm()
    if form.validate_on_submit():
        communities.remove_member(current_user, community, int_arg(form.user_id.data))
        flash("Member removed.", "success")
        return redirect(url_for("communities.members", slug=community.slug))
    require(current_user, "communities.manage_members", community)
    record = communities.membership(community, int_arg(request.values.get("user_id")))
    if record is None:
        raise NotFound("This person is not a member.")
    return render_template(
        "confirm.html", question=f"Remove {record.user.display_name} from {community.name}?", button="Remove",
        consequence="They lose access to members-only pages and their roles here. What they shared stays; "
                    "they can be invited back.",
        action=url_for("communities.remove", slug=community.slug), hidden={"user_id": record.user_id},
        cancel=url_for("communities.members", slug=community.slug)), form_status(form)


# --- invite links ----------------------------------------------------------------------------

@bp.route("/c/<slug>/invite-links", methods=["POST"])
@login_required
def create_invite_link(slug: str):
    """Make a link and show it once (only its hash is kept)."""
    community = communities.get_community(slug)
    form = InviteLinkForm()
    if form.validate_on_submit():
        link, token = invite_links.create_link(current_user, community, expires_in_days=form.expires_in_days.data,
                                               max_uses=form.max_uses.data, mode=form.mode.data)
        return render_template("communities/invite_link_created.html", community=community, link=link,
                               address=site_address() + invite_link_path(token))
    flash("Choose how long the link works and, if you like, how many people may use it (1 or more).", "error")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.route("/c/<slug>/invite-links/<int:link_id>/revoke", methods=["POST"])
@login_required
def revoke_invite_link(slug: str, link_id: int):
    community = communities.get_community(slug)
    if ConfirmForm().validate_on_submit():
        invite_links.revoke_link(current_user, community, link_id)
        flash("Invite link revoked: it no longer works. Whoever joined through it stays.", "success")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join_by_link(token: str):
    """The shared link: what it leads to (GET), and joining or asking to join through it (POST)."""
    try:
        link = invite_links.open_link(token)
        form = ConfirmForm()
        if form.validate_on_submit():
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.path))
            return _after_link(invite_links.join_through_link(current_user, token), link.community)
    except (InviteLinkUnknown, InviteLinkGone) as err:
        return render_template("communities/invite_link_invalid.html", error=err), err.status
    return render_template("communities/invite_link.html", link=link, community=link.community, form=form,
                           membership=communities.membership(link.community, current_user.id))


LINK_OUTCOMES = {"joined": ("Welcome to {name}!", "success"),
                 "requested": ("Your request to join {name} was sent. A facilitator will answer it.", "success"),
                 "already_member": ("You are already a member of {name}.", "success"),
                 "already_requested": ("Your request to join {name} is already waiting.", "success")}


def _after_link(outcome, community):
    message, category = LINK_OUTCOMES[outcome.status]
    flash(message.format(name=community.name), category)
    return redirect(url_for("communities.home", slug=community.slug))


# --- site admins: create, edit, archive ------------------------------------------------------

@bp.route("/communities/new", methods=["GET", "POST"])
@login_required
def create():
    form = NewCommunityForm()
    if form.validate_on_submit():
        try:
            community = communities.create_community(current_user, slug=form.slug.data, **form.settings(),
                                                     first_facilitator_email=form.first_facilitator_email.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash(f"{community.name} was created.", "success")
            return redirect(url_for("communities.home", slug=community.slug))
    elif not form.is_submitted():
        require(current_user, "communities.create")
    return render_template("communities/edit.html", form=form, community=None), form_status(form)


@bp.route("/c/<slug>/settings", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    community = communities.get_community(slug)
    require(current_user, "communities.edit", community)  # on every method, before the settings are read
    form = CommunityForm(obj=community)
    if form.validate_on_submit():
        try:
            communities.update_community(current_user, community, **form.settings())
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("communities.home", slug=community.slug))
    return render_template("communities/edit.html", form=form, community=community,
                           confirm=ConfirmForm()), form_status(form)


@bp.route("/c/<slug>/archive", methods=["POST"])
@login_required
def archive(slug: str):
    community = communities.get_community(slug)
    archived = not community.is_archived
    communities.set_archived(current_user, community, archived)
    flash(f"{community.name} is {'archived' if archived else 'active again'}.", "success")
    return redirect(url_for("communities.home", slug=community.slug))
