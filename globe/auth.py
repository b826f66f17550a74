"""Who is asking on pages: the logged-in user from the session or remember-me cookie (Flask-Login).

Both cookies name a login session kept on the server (globe/services/accounts.py), so signing out,
changing the password or "sign out everywhere" ends every copy of them at its next request."""
from __future__ import annotations

from flask import Flask, after_this_request, current_app, request
from flask_login import current_user, login_user, logout_user

from .extensions import login
from .models import User
from .permissions import Anonymous
from .services import accounts, login_throttle

DEVICE_COOKIE = "globe_device"  # names a browser that signed in before (globe/services/login_throttle.py)


def configure_login(app: Flask) -> None:
    login.init_app(app)
    login.anonymous_user = Anonymous
    login.login_view = "accounts.login"
    login.login_message = "Please log in to continue."
    login.session_protection = "basic"


def sign_in(user: User, *, remember: bool = False) -> None:
    """Log the user in on this browser, in a new login session (a new remember-me value each time)."""
    accounts.start_session(user, user_agent=request.user_agent.string)
    login_user(user, remember=remember)
    _trust_this_browser(user)


def device_cookie() -> str | None:
    return request.cookies.get(DEVICE_COOKIE)


def _trust_this_browser(user: User) -> None:
    """Give the browser the account's device cookie: wrong passwords typed elsewhere never slow it down."""
    cookie = login_throttle.trust_browser(user, device_cookie=device_cookie(), address=request.remote_addr or "")
    config = current_app.config

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, cookie, max_age=login_throttle.device_cookie_max_age(), httponly=True,
                            secure=bool(config["SESSION_COOKIE_SECURE"]), samesite=config["SESSION_COOKIE_SAMESITE"])
        return response


def sign_out() -> None:
    """End this browser's login session on the server, then forget it in the cookies."""
    accounts.end_session(current_user)
    logout_user()


@login.user_loader
def _load_user(session_id: str) -> User | None:
    return accounts.user_for_session(session_id)
