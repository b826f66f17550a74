"""Two-factor sign-in pages: the second sign-in step, turning it on (QR code, recovery codes) and off, and the
one place that keeps admins and curators on the set-up page when GLOBE_REQUIRE_ADMIN_2FA is on."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..auth import sign_in
from ..errors import InvalidInput, NotFound
from ..extensions import limiter
from ..forms.two_factor import AppCodeForm, NewRecoveryCodesForm, SignInCodeForm, TurnOffForm
from ..services import accounts, two_factor
from ..urls import same_site_path
from . import form_status

bp = Blueprint("two_factor", __name__)
PENDING = "two_factor_pending"  # in this browser's (signed) session: who passed the password step, until when
PENDING_SECONDS = 5 * 60
# What a site admin or curator may still reach before turning two-factor sign-in on, when it is required.
OPEN_WHILE_REQUIRED = {"two_factor.settings", "two_factor.confirm", "accounts.logout", "static"}


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _pending_key() -> str:
    return f"two-factor:{(session.get(PENDING) or {}).get('user_id')}"


def _account_key() -> str:
    return f"two-factor:{current_user.id}"


def _failed(response) -> bool:
    """Only wrong codes count against the limits (a right one redirects or shows the recovery codes)."""
    return response.status_code == 400


def ask_for_second_factor(user, *, remember: bool, next_url: str):
    """After a right password for an account with two-factor sign-in: remember, in this browser's session and for
    a few minutes, who is signing in, and ask for their code."""
    session[PENDING] = {"user_id": user.id, "remember": bool(remember), "next": next_url,
                        "until": int(time.time()) + PENDING_SECONDS}
    return redirect(url_for("two_factor.sign_in_code"))


def _pending_user():
    pending = session.get(PENDING) or {}
    if not pending.get("user_id") or pending.get("until", 0) < time.time():
        session.pop(PENDING, None)
        return None, pending
    try:
        return accounts.get_user(pending["user_id"]), pending
    except NotFound:  # the account was deleted meanwhile
        session.pop(PENDING, None)
        return None, pending


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_limit, methods=["POST"], key_func=_pending_key, deduct_when=_failed)
def sign_in_code():
    user, pending = _pending_user()
    if user is None and current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if user is None:
        flash("Please log in again: signing in was not finished within five minutes.", "error")
        return redirect(url_for("accounts.login"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        try:
            proof = two_factor.verify_sign_in(user, form.typed_code())
        except InvalidInput as err:
            form.form_errors.extend(message for messages in err.fields.values() for message in messages)
        else:
            return _finish_sign_in(user, pending, proof)
    return render_template("two_factor/sign_in_code.html", form=form), form_status(form)


def _finish_sign_in(user, pending: dict, proof: two_factor.SecondFactor):
    session.pop(PENDING, None)
    if refusal := accounts.sign_in_refusal(user):
        flash(refusal, "error")
        return redirect(url_for("accounts.login"))
    sign_in(user, remember=pending.get("remember", False))
    flash(f"Logged in as {user.display_name}.", "success")
    if proof.recovery_codes_left is not None:
        left = proof.recovery_codes_left
        flash(f"You used a recovery code; it will not work again. {left} recovery code{'' if left == 1 else 's'} "
              "left: make new ones from Two-factor sign-in on your profile when you run low.", "warning")
    return redirect(same_site_path(pending.get("next")) or url_for("main.home"))


@bp.route("/profile/two-factor")
@login_required
def settings():
    if two_factor.is_enabled(current_user):
        return _manage_page(TurnOffForm(), NewRecoveryCodesForm())
    return _setup_page(AppCodeForm())


@bp.route("/profile/two-factor/confirm", methods=["POST"])
@login_required
@limiter.limit(_limit, key_func=_account_key, deduct_when=_failed)
def confirm():
    if two_factor.is_enabled(current_user):
        return redirect(url_for("two_factor.settings"))
    form = AppCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_setup(current_user, code=form.code.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            return render_template("two_factor/recovery_codes.html", codes=codes, first_time=True)
    return _setup_page(form, status=400)


@bp.route("/profile/two-factor/recovery-codes", methods=["POST"])
@login_required
@limiter.limit(_limit, key_func=_account_key, deduct_when=_failed)
def new_recovery_codes():
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(current_user, code=form.current_code.data)
        except InvalidInput as err:
            form.current_code.errors = list(form.current_code.errors) + err.fields.get("code", [])
        else:
            return render_template("two_factor/recovery_codes.html", codes=codes, first_time=False)
    return _manage_page(TurnOffForm(formdata=None), form, status=400)


@bp.route("/profile/two-factor/turn-off", methods=["POST"])
@login_required
@limiter.limit(_limit, key_func=_account_key, deduct_when=_failed)
def turn_off():
    form = TurnOffForm()
    if form.validate_on_submit():
        try:
            two_factor.turn_off(current_user, password=form.password.data, code=form.code.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Two-factor sign-in is off: your password alone signs you in.", "success")
            return redirect(url_for("accounts.profile"))
    return _manage_page(form, NewRecoveryCodesForm(formdata=None), status=400)


def _setup_page(form: AppCodeForm, *, status: int = 200):
    secret = two_factor.start_setup(current_user)
    qr_code = two_factor.qr_code_svg(two_factor.provisioning_uri(current_user))
    return render_template("two_factor/set_up.html", form=form, secret=secret, qr_code=qr_code,
                           required=two_factor.must_turn_on(current_user)), status


def _manage_page(turn_off_form: TurnOffForm, codes_form: NewRecoveryCodesForm, *, status: int = 200):
    return render_template("two_factor/manage.html", turn_off_form=turn_off_form, codes_form=codes_form,
                           left=two_factor.recovery_codes_left(current_user)), status


@bp.before_app_request
def keep_staff_on_set_up():
    """GLOBE_REQUIRE_ADMIN_2FA: a signed-in site admin or curator without two-factor sign-in reaches only its
    set-up page (and signing out) until it is on. The API is not concerned: its tokens are a second secret."""
    if request.endpoint in OPEN_WHILE_REQUIRED or request.path.startswith("/api/"):
        return None
    if not two_factor.must_turn_on(current_user):
        return None
    return redirect(url_for("two_factor.settings"))  # the page says why
