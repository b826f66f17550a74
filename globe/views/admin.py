"""Site administration: people and their site-wide roles (admin, mentor, curator)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import InvalidInput
from ..forms.accounts import SiteRolesForm
from ..permissions import require
from ..services import accounts
from . import form_status

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
    return render_template("admin/roles.html", form=form, person=user), form_status(form)
