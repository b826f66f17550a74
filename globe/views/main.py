"""The front door: the directory of communities and the 'how Globe works' page."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from ..services import communities

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    show_archived = request.args.get("archived") == "1"
    directory = communities.list_directory(current_user, include_archived=show_archived)
    return render_template("main/home.html", directory=directory, show_archived=show_archived)


@bp.route("/about")
def about():
    return render_template("main/about.html")


@bp.route("/healthz")
def healthz():
    """Liveness probe for load balancers (and the trivial endpoint benchmarks compare against)."""
    return {"status": "ok"}
