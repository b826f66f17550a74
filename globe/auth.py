"""Who is asking on pages: the logged-in user from the session cookie (Flask-Login)."""
from __future__ import annotations

from flask import Flask

from .extensions import db, login
from .models import User
from .permissions import Anonymous


def configure_login(app: Flask) -> None:
    login.init_app(app)
    login.anonymous_user = Anonymous
    login.login_view = "accounts.login"
    login.login_message = "Please log in to continue."
    login.session_protection = "basic"


@login.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
