"""Proving an email address: the emailed link, "Resend the link", and changing the account's address."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import InvalidInput
from ..extensions import limiter
from ..forms.accounts import ChangeEmailForm
from ..forms.communities import ConfirmForm
from ..services import email_verification
from ..services.email_verification import AddressTaken, VerificationLinkGone, VerificationLinkUnknown
from . import form_status

bp = Blueprint("email_verification", __name__)


def _password_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return f"password:{current_user.id}"


def _failed(response) -> bool:
    """Only wrong passwords (and other refused forms) count against the limit."""
    return response.status_code != 302


@bp.route("/profile/email/resend", methods=["POST"])
@login_required
def resend():
    try:
        address = email_verification.resend_link(current_user)
    except InvalidInput as err:
        flash(" ".join(message for messages in err.fields.values() for message in messages), "error")
    else:
        flash(f"We sent a new link to {address}: follow it to confirm your address.", "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/email", methods=["GET", "POST"])
@login_required
@limiter.limit(_password_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            address = email_verification.request_email_change(current_user, email=form.email.data,
                                                              current_password=form.current_password.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash(f"If {address} can be used, we sent a link to it: follow it to make it your account's address. "
                  f"Until then your address stays {current_user.email}.", "success")
            return redirect(url_for("email_verification.change_email"))
    return render_template("email_verification/change_email.html", form=form,
                           pending=email_verification.pending_change(current_user)), form_status(form)


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The emailed link: a page with one button, so that a mail scanner opening the link changes nothing."""
    form = ConfirmForm()
    try:
        link = email_verification.check_link(token)
        if form.validate_on_submit():
            link = email_verification.follow_link(current_user, token)
            return _confirmed(link)
    except (VerificationLinkUnknown, VerificationLinkGone, AddressTaken) as err:
        return render_template("email_verification/link_refused.html", error=err), err.status
    return render_template("email_verification/confirm.html", form=form, link=link), form_status(form)


def _confirmed(link):
    if link.purpose == "change":
        flash(f"Your account's address is now {link.email}: log in with it from now on. Your other browsers and "
              "devices are signed out.", "success")
    else:
        flash(f"Thank you: {link.email} is confirmed.", "success")
    return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
