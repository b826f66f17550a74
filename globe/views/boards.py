"""Boards: personal collections of resources."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import InvalidInput
from ..forms.communities import ConfirmForm
from ..forms.resources import BoardForm
from ..services import boards, resources
from . import form_status, int_arg

bp = Blueprint("boards", __name__, url_prefix="/boards")


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = BoardForm()
    adding = request.args.get("add")
    resource = resources.get_resource(current_user, int_arg(adding)) if adding else None
    if form.validate_on_submit():
        try:
            board = boards.create_board(current_user, name=form.name.data, description=form.description.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            if resource is not None:
                boards.add_item(current_user, board, resource)
            flash(f"Board “{board.name}” created.", "success")
            return redirect(url_for("boards.view", board_id=board.id))
    status = 400 if form.is_submitted() else 200
    return render_template("boards/index.html", boards=boards.list_boards(current_user), form=form,
                           resource=resource, confirm=ConfirmForm()), status


@bp.route("/<int:board_id>")
@login_required
def view(board_id: int):
    board = boards.get_board(current_user, board_id)
    return render_template("boards/view.html", board=board, items=boards.visible_items(current_user, board),
                           confirm=ConfirmForm())


@bp.route("/<int:board_id>/items", methods=["POST"])
@login_required
def add_item(board_id: int):
    board = boards.get_board(current_user, board_id)
    resource = resources.get_resource(current_user, int_arg(request.form.get("resource_id")))
    boards.add_item(current_user, board, resource)
    flash(f"Added to “{board.name}”.", "success")
    return redirect(url_for("boards.view", board_id=board.id))


@bp.route("/<int:board_id>/items/<int:resource_id>/remove", methods=["POST"])
@login_required
def remove_item(board_id: int, resource_id: int):
    board = boards.get_board(current_user, board_id)
    boards.remove_item(current_user, board, resource_id)
    flash("Removed from the board.", "success")
    return redirect(url_for("boards.view", board_id=board.id))


@bp.route("/<int:board_id>/delete", methods=["GET", "POST"])
@login_required
def delete(board_id: int):
    """GET asks first; the POST deletes the board (its resources stay where they were shared)."""
    board = boards.get_board(current_user, board_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template(
            "confirm.html", question=f"Delete the board “{board.name}”?", button="Delete board",
            consequence="This cannot be undone. The resources on it are not deleted: they stay in their communities.",
            action=url_for("boards.delete", board_id=board.id),
            cancel=url_for("boards.view", board_id=board.id)), form_status(form)
    boards.delete_board(current_user, board)
    flash("Board deleted.", "success")
    return redirect(url_for("boards.index"))
