"""Register, log in and out, passwords (changed, forgotten and reset) and signed-in browsers, the profile page,
invitations and API tokens."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..auth import device_cookie, sign_in, sign_out
from ..errors import InvalidInput
from ..extensions import limiter
from ..forms.accounts import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SignInLinkForm,
    TokenForm,
)
from ..forms.communities import ConfirmForm
from ..services import (
    account_deletion,
    accounts,
    communities,
    contributions,
    email_verification,
    invitations,
    login_throttle,
    password_resets,
    two_factor,
)
from ..services.login_throttle import SignInLinkGone, SignInLinkUnknown
from ..services.password_resets import ResetLinkGone, ResetLinkUnknown
from . import form_status, safe_next
from .two_factor import ask_for_second_factor

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_ip_limit() -> str:
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


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
            return redirect(safe_next(url_for("main.home")))
    return render_template("accounts/register.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"], deduct_when=_failed)
def login():
    """Per account, only browsers that never signed in to it are slowed down (globe/services/login_throttle.py)."""
    form = LoginForm()
    if form.validate_on_submit():
        attempt = login_throttle.attempt_login(form.email.data, form.password.data, address=request.remote_addr or "",
                                               device_cookie=device_cookie())
        if attempt.wait_seconds:
            return _asked_to_wait(form, attempt.wait_seconds)
        user = attempt.user
        if user is None:
            form.form_errors.append("Email or password is incorrect.")
        elif refusal := accounts.sign_in_refusal(user):
            form.form_errors.append(refusal)
        elif two_factor.is_enabled(user):
            return ask_for_second_factor(user, remember=form.remember.data, next_url=safe_next(url_for("main.home")))
        else:
            sign_in(user, remember=form.remember.data)
            flash(f"Logged in as {user.display_name}.", "success")
            return redirect(safe_next(url_for("main.home")))
    return render_template("accounts/login.html", form=form), form_status(form)


def _asked_to_wait(form: LoginForm, seconds: int):
    """429 with how long to wait, and the offer of a sign-in link by email; the same whatever the password."""
    link_form = SignInLinkForm(formdata=None, prefix="link", email=form.email.data)
    response = render_template("accounts/login.html", form=form, wait=_duration(seconds), link_form=link_form)
    return response, 429, {"Retry-After": str(seconds)}


def _duration(seconds: int) -> str:
    """'2 minutes 8 seconds', '1 second'."""
    minutes, seconds = divmod(seconds, 60)
    parts = [(minutes, "minute"), (seconds, "second")]
    return " ".join(f"{count} {unit}{'s' if count != 1 else ''}" for count, unit in parts if count)


@bp.route("/login/email-link", methods=["POST"])
@limiter.limit(_login_ip_limit)
def email_sign_in_link():
    form = SignInLinkForm(prefix="link")
    if form.validate_on_submit():
        login_throttle.email_sign_in_link(form.email.data, form.password.data, address=request.remote_addr or "",
                                          device_cookie=device_cookie())
        return render_template("accounts/sign_in_link_sent.html", email=form.email.data)
    return render_template("accounts/login.html", form=LoginForm(formdata=None), link_form=form), 400


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
def sign_in_with_link(token: str):
    """The emailed link: a button (so that mail scanners opening the link do not use it up) that signs in."""
    form = ConfirmForm()
    try:
        login_throttle.check_sign_in_link(token)
        if form.validate_on_submit():
            user = login_throttle.use_sign_in_link(token)
            if current_user.is_authenticated:
                sign_out()
            if two_factor.is_enabled(user):  # the emailed link replaces the password, not the second factor
                return ask_for_second_factor(user, remember=False, next_url=url_for("main.home"))
            sign_in(user)
            flash(f"Logged in as {user.display_name}.", "success")
            return redirect(url_for("main.home"))
    except (SignInLinkUnknown, SignInLinkGone) as err:
        return render_template("accounts/sign_in_link_invalid.html", error=err), err.status
    return render_template("accounts/sign_in_link.html", form=form), form_status(form)


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
    if two_factor.is_enabled(user):  # the emailed link replaces the password, not the second factor
        flash("Your password is changed, and every browser and device is signed out.", "success")
        return ask_for_second_factor(user, remember=False, next_url=url_for("main.home"))
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
    return _own_profile(TokenForm())


def _own_profile(token_form: TokenForm, status: int = 200):
    """The signed-in person's profile page, with its token form (blank, or as submitted with errors)."""
    memberships = communities.communities_of(current_user)
    tokens = accounts.list_tokens(current_user)
    return render_template("accounts/profile.html", user=current_user, memberships=memberships,
                           tokens=tokens, token_communities=accounts.token_community_names(tokens),
                           token_form=token_form.offer_communities(memberships),
                           sessions=accounts.list_sessions(current_user), confirm=ConfirmForm(), own=True,
                           contributions=contributions.contributions_of(current_user, current_user)), status


@bp.route("/people/<int:user_id>")
def person(user_id: int):
    user = accounts.get_user(user_id)
    memberships = communities.memberships_seen_by(current_user, user)
    return render_template("accounts/profile.html", user=user, memberships=memberships, own=False,
                           contributions=contributions.contributions_of(current_user, user))


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
                                                 expires_in_days=form.expires_in_days.data, scope=form.scope.data,
                                                 communities=form.communities.data or [])
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            return render_template("accounts/token_created.html", token=token, plain=plain)
    return _own_profile(form, 400)


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
        invitations.accept_invitation(current_user, community)
        flash(f"Welcome to {community.name}!", "success")
        return redirect(url_for("communities.home", slug=community.slug))
    invitations.decline_invitation(current_user, community)
    flash("Invitation declined.", "success")
    return redirect(url_for("accounts.profile"))



@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def delete_account():
    """What deleting the account does, confirmed with the password; refused while roles need handing over."""
    form = DeleteAccountForm()
    blockers = account_deletion.blockers_of(current_user)
    if form.validate_on_submit() and not blockers:
        try:
            account_deletion.delete_account(current_user, password=form.password.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        except account_deletion.AccountDeletionRefused as err:  # became the last one since the page was shown
            blockers = err.blockers
        else:
            logout_user()  # the login session is already gone on the server; forget the cookies too
            return redirect(url_for("accounts.account_deleted"))
    status = 409 if blockers and form.is_submitted() else form_status(form)
    return render_template("accounts/delete_account.html", form=form, blockers=blockers), status


@bp.route("/account-deleted")
def account_deleted():
    return render_template("accounts/account_deleted.html")
