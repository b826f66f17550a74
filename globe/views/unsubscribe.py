"""The one-click unsubscribe address of every notice email and digest (RFC 8058).

A GET (a person following the link, or a mail scanner opening it) only shows a button; a POST with the body
`List-Unsubscribe=One-Click` unsubscribes at once. That POST comes from mail programs, which have no session
and no form token, so this one endpoint is exempt from CSRF: the signed token in the address is itself the
proof that the request comes from the email's recipient, and a page elsewhere cannot know it."""
from flask import Blueprint, render_template, request

from ..extensions import csrf
from ..services import unsubscribe as unsubscribing
from ..services.unsubscribe import UnsubscribeLinkRefused

bp = Blueprint("unsubscribe", __name__)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # see the module docstring: the token is the secret a forged request cannot have
def unsubscribe(token: str):
    try:
        found = unsubscribing.read_link(token)
        if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
            return render_template("unsubscribe/done.html", found=unsubscribing.unsubscribe(token))
    except UnsubscribeLinkRefused as err:
        return render_template("unsubscribe/refused.html", error=err), err.status
    if request.method == "POST":  # some other body: nothing changes, the button is offered
        return render_template("unsubscribe/confirm.html", found=found, error="Use the button to unsubscribe."), 400
    return render_template("unsubscribe/confirm.html", found=found)
