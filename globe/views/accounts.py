"""Register, log in and out, passwords (changed, forgotten and reset) and signed-in browsers, the profile page,
invitations and API tokens."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..auth import sign_in, sign_out
from ..errors import InvalidInput
from ..extensions import limiter
from ..forms.accounts import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    TokenForm,
)
from ..forms.communities import ConfirmForm
from ..services import accounts, communities, email_verification, notifications, password_resets
from ..services.password_resets import ResetLinkGone, ResetLinkUnknown
from ..urls import same_site_path
from . import form_status, safe_next

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    return "login:" + accounts.normalize_email(request.form.get("email", ""))


def _reset_email_key() -> str:
    return "reset:" + accounts.normalize_email(request.form.get("email", ""))


def _account_key() -> str:
    return f"password:{current_user.id}"


def _failed(response) -> bool:
    """Only failed attempts count against the login limits."""
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = email_verification.register(email=form.email.data, display_name=form.display_name.data,
                                               password=form.password.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            sign_in(user)
            flash(f"Welcome to Globe, {user.display_name}! Join a community to get started, and follow the link "
                  f"we sent to {user.email} to confirm your address.", "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/register.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, deduct_when=_failed)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append("Email or password is incorrect.")
        elif refusal := accounts.sign_in_refusal(user):
            form.form_errors.append(refusal)
        else:
            sign_in(user, remember=form.remember.data)
            flash(f"Logged in as {user.display_name}.", "success")
            return redirect(safe_next(url_for("main.home")))
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out()
    flash("You are logged out.", "success")
    return redirect(url_for("main.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_reset_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_resets.request_reset(current_user, email=form.email.data)
        return render_template("accounts/reset_requested.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form), form_status(form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The emailed link: choose a new password. Every browser of the person is signed out, and this one
    is signed in with the new password."""
    form = ResetPasswordForm()
    try:
        password_resets.check_link(token)
        if form.validate_on_submit():
            user = password_resets.reset_password(token, new_password=form.password.data)
            return _signed_in_after_reset(user)
    except (ResetLinkUnknown, ResetLinkGone) as err:
        return render_template("accounts/reset_link_invalid.html", error=err), err.status
    except InvalidInput as err:
        form.add_errors(err.fields)
    return render_template("accounts/reset_password.html", form=form), form_status(form)


def _signed_in_after_reset(user):
    if current_user.is_authenticated:
        sign_out()
    sign_in(user)
    flash("Your password is changed, and every other browser and device is signed out.", "success")
    return redirect(url_for("main.home"))


@bp.route("/profile/sessions/end-all", methods=["POST"])
@login_required
def sign_out_everywhere():
    ended = accounts.end_all_sessions(current_user)
    logout_user()
    flash(f"Signed out everywhere ({ended} browser{'s' if ended != 1 else ''}). Log in again to continue.",
          "success")
    return redirect(url_for("accounts.login"))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, current_password=form.current_password.data,
                                     new_password=form.new_password.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Password changed. Your other browsers and devices are signed out.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form), form_status(form)


@bp.route("/profile")
@login_required
def profile():
    memberships = communities.communities_of(current_user)
    return render_template("accounts/profile.html", user=current_user, memberships=memberships,
                           tokens=accounts.list_tokens(current_user), token_form=TokenForm(),
                           sessions=accounts.list_sessions(current_user), confirm=ConfirmForm(), own=True)


@bp.route("/people/<int:user_id>")
def person(user_id: int):
    user = accounts.get_user(user_id)
    memberships = communities.memberships_seen_by(current_user, user)
    return render_template("accounts/profile.html", user=user, memberships=memberships, own=False)


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.expertise.data = ", ".join(current_user.expertise or [])
        form.languages.data = ", ".join(current_user.languages or [])
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, current_user, display_name=form.display_name.data,
                                    bio=form.bio.data, expertise=form.expertise.data,
                                    languages=form.languages.data, country=form.country.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Profile saved.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/edit_profile.html", form=form), form_status(form)


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, plain = accounts.create_token(current_user, name=form.name.data,
                                                 expires_in_days=form.expires_in_days.data, scope=form.scope.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            return render_template("accounts/token_created.html", token=token, plain=plain)
    memberships = communities.communities_of(current_user)
    return render_template("accounts/profile.html", user=current_user, memberships=memberships,
                           tokens=accounts.list_tokens(current_user), token_form=form,
                           sessions=accounts.list_sessions(current_user), confirm=ConfirmForm(), own=True), 400


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    accounts.revoke_token(current_user, token_id)
    flash("Token revoked: it no longer works.", "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/invitations/<slug>/<answer>", methods=["POST"])
@login_required
def answer_invitation(slug: str, answer: str):
    community = communities.get_community(slug)
    if answer == "accept":
        communities.accept_invitation(current_user, community)
        flash(f"Welcome to {community.name}!", "success")
        return redirect(url_for("communities.home", slug=community.slug))
    communities.leave(current_user, community)
    flash("Invitation declined.", "success")
    return redirect(url_for("accounts.profile"))



@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications_page():
    if request.method == "POST":  # CSRF is checked for every POST before we get here
        notifications.mark_all_read(current_user)
        return redirect(url_for("accounts.notifications_page"))
    return render_template("accounts/notifications.html", items=notifications.latest(current_user),
                           confirm=ConfirmForm())


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Follow a notice's link: it is marked read on the way (only the viewer's own notices)."""
    address = notifications.open_notification(current_user, notification_id)
    return redirect(same_site_path(address) or url_for("accounts.notifications_page"))
