"""Site administration: people, their site-wide roles (admin, mentor, curator), suspension and reset emails,
and the outgoing email."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..converters import page_or_first
from ..errors import Conflict, InvalidInput
from ..errors_web import error_message
from ..forms.accounts import SiteRolesForm, SuspensionForm
from ..forms.communities import ConfirmForm
from ..models.outbox import STATUSES
from ..permissions import require
from ..services import accounts, outbox, password_resets, two_factor
from . import form_status

bp = Blueprint("admin", __name__, url_prefix="/admin")
EMAIL_PER_PAGE = 50


@bp.route("/people")
@login_required
def people():
    text = request.args.get("q", "").strip()[:100]
    return render_template("admin/people.html", people=accounts.find_people(current_user, text=text), q=text)


@bp.route("/people/<int:user_id>/roles", methods=["GET", "POST"])
@login_required
def roles(user_id: int):
    require(current_user, "accounts.grant_roles")
    user = accounts.get_user(user_id)
    form = SiteRolesForm(obj=user)
    if request.method == "GET":
        form.expertise.data = ", ".join(user.expertise or [])
    if form.validate_on_submit():
        try:
            accounts.set_site_roles(current_user, user, is_admin=form.is_admin.data, is_mentor=form.is_mentor.data,
                                    is_curator=form.is_curator.data, expertise=form.expertise.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash(f"Roles of {user.display_name} saved.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/roles.html", form=form, person=user,
                           suspension_form=SuspensionForm(), reset_form=ConfirmForm()), form_status(form)


@bp.route("/people/<int:user_id>/suspension", methods=["POST"])
@login_required
def suspension(user_id: int):
    user = accounts.get_user(user_id)
    form = SuspensionForm()
    if form.validate_on_submit():
        suspend = bool(form.suspend.data)
        try:
            accounts.set_suspended(current_user, user, suspended=suspend, reason=form.reason.data)
        except InvalidInput as err:
            flash(error_message(err), "error")
        else:
            flash(f"{user.display_name} is {'suspended' if suspend else 'active again'}.", "success")
    return redirect(url_for("admin.roles", user_id=user.id))


@bp.route("/people/<int:user_id>/password-reset", methods=["POST"])
@login_required
def send_password_reset(user_id: int):
    user = accounts.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            password_resets.send_reset_by_admin(current_user, user)
        except InvalidInput as err:
            flash(error_message(err), "error")
        else:
            flash(f"A link to choose a new password was emailed to {user.display_name}.", "success")
    return redirect(url_for("admin.roles", user_id=user.id))


@bp.route("/people/<int:user_id>/two-factor/off", methods=["POST"])
@login_required
def turn_off_two_factor(user_id: int):
    """For someone who lost their phone and their recovery codes (they are told by email)."""
    user = accounts.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            two_factor.turn_off_for(current_user, user)
        except Conflict as err:
            flash(error_message(err), "error")
        else:
            flash(f"Two-factor sign-in is off for {user.display_name}; they were told by email.", "success")
    return redirect(url_for("admin.roles", user_id=user.id))


@bp.route("/email")
@login_required
def outgoing_email():
    status = request.args.get("status", "")
    page = page_or_first(request.args.get("page"))
    messages, total = outbox.list_messages(current_user, status=status, page=page, per_page=EMAIL_PER_PAGE)
    return render_template("admin/outgoing_email.html", messages=messages, total=total, page=page,
                           per_page=EMAIL_PER_PAGE, status=status if status in STATUSES else "",
                           statuses=STATUSES, counts=outbox.status(), resend_form=ConfirmForm())


@bp.route("/email/<int:message_id>")
@login_required
def email_message(message_id: int):
    return render_template("admin/email_message.html", message=outbox.get_message(current_user, message_id),
                           resend_form=ConfirmForm())


@bp.route("/email/<int:message_id>/resend", methods=["POST"])
@login_required
def resend_email(message_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            message = outbox.resend(current_user, message_id)
        except Conflict as err:
            flash(error_message(err), "error")
        else:
            flash(f"The message to {message.to_address} is queued to be sent again.", "success")
    return redirect(url_for("admin.email_message", message_id=message_id))

