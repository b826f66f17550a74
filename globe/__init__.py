"""Globe: communities of practice for teachers. `create_app()` builds the Flask application."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import converters, extensions
from .backends import init_backends
from .config import load_config


def create_app(overrides: dict | None = None) -> Flask:
    """Config -> extensions -> backends -> blueprints -> CLI."""
    overrides = dict(overrides or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("GLOBE_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, overrides)
    _pin_site_url(app)
    _trust_proxies(app)
    _init_extensions(app)
    init_backends(app)
    converters.register(app)
    _register_blueprints(app)
    from . import background, cli, errors_web, request_guards, templating
    request_guards.register(app)
    background.register_catch_up(app)
    errors_web.register(app)
    templating.register(app)
    cli.register(app)
    return app


def _pin_site_url(app: Flask) -> None:
    """With SITE_URL set, absolute links never echo the client's Host header (applied inside ProxyFix,
    so it has the last word over X-Forwarded-Host too)."""
    if app.config["SITE_URL"]:
        from .urls import PinnedSiteUrl
        app.wsgi_app = PinnedSiteUrl(app.wsgi_app, str(app.config["SITE_URL"]))


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client address, scheme and host from their
    X-Forwarded-* headers (else every visitor would share the proxy's address for rate limits)."""
    hops = int(app.config["PROXY_COUNT"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers the tables with SQLAlchemy)
    from .auth import configure_login
    from .models.base import render_migration_item
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(Path(__file__).parent.parent / "migrations"),
                     render_as_batch=True, render_item=render_migration_item)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.compress.init_app(app)
    configure_login(app)


def _register_blueprints(app: Flask) -> None:
    from .api import bp as api_bp
    from .views import (
        accounts,
        admin,
        boards,
        communities,
        conversations,
        discovery,
        email_verification,
        feeds,
        incubator,
        invitations,
        knowledge_base,
        main,
        moderation,
        notifications,
        oai,
        resources,
        search,
        two_factor,
        unsubscribe,
        wiki_pages,
    )
    for blueprint in (main.bp, accounts.bp, communities.bp, admin.bp, wiki_pages.bp, knowledge_base.bp, feeds.bp,
                      resources.bp, boards.bp, search.bp, incubator.bp, oai.bp, discovery.bp, two_factor.bp,
                      invitations.bp, email_verification.bp, notifications.bp,
                      unsubscribe.bp, conversations.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(api_bp)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, and use WAL so readers never block the writer."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; avoids an fsync per commit
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
