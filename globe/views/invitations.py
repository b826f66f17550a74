"""Invitations by email: the facilitators' invite form, resend and revoke, and the page an emailed link opens."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..auth import sign_in
from ..errors import Conflict, InvalidInput
from ..forms.communities import ConfirmForm
from ..forms.invitations import InvitationSignupForm, InviteForm
from ..models.base import utcnow
from ..permissions import require
from ..services import communities, invitations
from ..services.invitations import InvitationLinkGone, InvitationLinkUnknown
from . import form_status

bp = Blueprint("invitations", __name__)
RESULT_LABELS = {
    "invited": "Invited: the invitation waits on their profile and was emailed.",
    "emailed": "Emailed a link that creates their account and joins in one step.",
    "already_member": "Already a member: nothing sent.",
    "already_invited": "Already invited (the invitation has not expired): nothing sent.",
    "invalid": "Not a valid email address: nothing sent.",
}


def invitations_section(community, form: InviteForm | None = None) -> dict:
    """What communities/_invitations.html needs: the invite form and the open invitations."""
    return {"invite_form": form or InviteForm(), "open_invitations": invitations.list_open(current_user, community),
            "now": utcnow()}


@bp.route("/c/<slug>/members/invite", methods=["GET", "POST"])
@login_required
def invite(slug: str):
    """Invite one address or a pasted list; the page then says what happened to each address."""
    community = communities.get_community(slug)
    require(current_user, "communities.manage_members", community)
    form, results = InviteForm(), None
    if form.validate_on_submit():
        try:
            results = invitations.invite(current_user, community, emails=form.emails.data, role=form.role.data,
                                         message=form.message.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            form = InviteForm(formdata=None)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("invitations/invite.html", community=community, results=results, labels=RESULT_LABELS,
                           **invitations_section(community, form)), status


@bp.route("/c/<slug>/invitations/<int:invitation_id>/resend", methods=["POST"])
@login_required
def resend(slug: str, invitation_id: int):
    community = communities.get_community(slug)
    invitation = invitations.resend(current_user, community, invitation_id)
    flash(f"The invitation was sent again to {invitation.email}, with a new link.", "success")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.route("/c/<slug>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke(slug: str, invitation_id: int):
    community = communities.get_community(slug)
    invitations.revoke(current_user, community, invitation_id)
    flash("The invitation was revoked: its link no longer works.", "success")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The emailed link. Signed in: accept into this account. Otherwise: create the invited address's
    account and join in one step (or, if the address has an account, log in first)."""
    try:
        invitation = invitations.check_link(token)
        if current_user.is_authenticated:
            return _accept_signed_in(token, invitation)
        return _sign_up(token, invitation)
    except (InvitationLinkUnknown, InvitationLinkGone) as err:
        return render_template("invitations/link_invalid.html", error=err), err.status


def _accept_signed_in(token: str, invitation):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            invitations.accept_link(current_user, token)
        except Conflict as err:
            flash(err.detail, "error")
        else:
            flash(f"Welcome to {invitation.community.name}!", "success")
        return redirect(url_for("communities.home", slug=invitation.community.slug))
    return render_template("invitations/accept.html", invitation=invitation, form=form, has_account=True)


def _sign_up(token: str, invitation):
    form = InvitationSignupForm()
    has_account = invitations.address_has_account(invitation)
    if not has_account and form.validate_on_submit():
        try:
            user = invitations.register_and_accept(token, display_name=form.display_name.data,
                                                   password=form.password.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            sign_in(user)
            flash(f"Welcome to Globe, {user.display_name}, and to {invitation.community.name}!", "success")
            return redirect(url_for("communities.home", slug=invitation.community.slug))
    return render_template("invitations/accept.html", invitation=invitation, form=form,
                           has_account=has_account), form_status(form)
