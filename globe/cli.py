"""`flask --app wsgi globe ...`: commands for scripts and operators."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import inspect

from .errors import GlobeError, InvalidInput
from .extensions import db

globe_cli = AppGroup("globe", help="Globe administration commands.")


def _fail(err: GlobeError) -> None:
    if isinstance(err, InvalidInput):
        messages = [f"{field}: {msg}" for field, msgs in err.fields.items() for msg in msgs]
        raise click.ClickException("; ".join(messages))
    raise click.ClickException(err.detail)


def _require_schema() -> None:
    if not inspect(db.engine).has_table("users"):
        raise click.ClickException("The database has no tables yet: run `flask --app wsgi db upgrade` first.")


@globe_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None, help="Display name (default: the part of the email before @).")
@click.option("--admin", is_flag=True, help="Make a site admin.")
@click.option("--mentor", is_flag=True, help="Give the site-wide mentor role.")
@click.option("--curator", is_flag=True, help="Give the knowledge-base curator role.")
@click.option("--expertise", default="", help='Comma-separated expertise, e.g. "course design,publishing".')
def create_user(email, password, name, admin, mentor, curator, expertise):
    """Create an account, optionally with site-wide roles."""
    from .services import accounts
    _require_schema()
    try:
        user = accounts.register_user(email=email, display_name=name or email.split("@")[0], password=password,
                                      verified=True)  # whoever runs the command vouches for the address
        if admin or mentor or curator or expertise:
            accounts.set_site_roles(accounts.SYSTEM, user, is_admin=admin, is_mentor=mentor,
                                    is_curator=curator, expertise=expertise)
    except GlobeError as err:
        _fail(err)
    roles = ", ".join(user.site_roles) or "no site roles"
    click.echo(f"Created user {user.id}: {user.email} ({roles}).")


@globe_cli.command("demo")
def demo():
    """Load demo communities, people and content (safe to run again)."""
    from .demo import load_demo
    _require_schema()
    try:
        logins = load_demo()
    except GlobeError as err:
        _fail(err)
    click.echo("Demo data is ready. Log in with any of these (password for all: "
               f"{logins['password']}):")
    for email, description in logins["accounts"]:
        click.echo(f"  {email:<32} {description}")


@globe_cli.command("extract-pending")
def extract_pending():
    """Extract the text of uploads still waiting (e.g. after a crash); safe to run at any time."""
    from .services.extraction import extract_version, retry_stalled
    _require_schema()
    waiting = retry_stalled()
    with click.progressbar(waiting, label=f"Extracting {len(waiting)} file(s)") as bar:
        for version_id in bar:
            extract_version(version_id)
    click.echo(f"Done: {len(waiting)} file(s) processed.")


@globe_cli.command("purge-bin")
def purge_bin():
    """Delete for good the resources that have been in a bin for over 30 days (run daily, e.g. from cron)."""
    from .services import resource_bin
    _require_schema()
    click.echo(f"Purged {resource_bin.purge_bin()} resource(s) from the bins.")


@globe_cli.command("reindex")
def reindex():
    """Rebuild the search index from the database beside the live one, then swap (search stays up)."""
    from .search.documents import count_documents
    from .services import search
    _require_schema()
    with click.progressbar(length=count_documents(), label="Indexing") as bar:
        count = search.reindex(progress=lambda done: bar.update(done - bar.pos))
    click.echo(f"Indexed {count} documents.")


@globe_cli.command("search-status")
def search_status():
    """Documents indexed, queue length and the oldest queued change."""
    from .services import search
    _require_schema()
    status = search.status()
    for key, value in status.items():
        click.echo(f"{key}: {value if value is not None else '-'}")
    if status.get("needs_rebuild"):
        click.echo("The index was built by an older Globe: run `flask --app wsgi globe reindex` "
                   "(search keeps working meanwhile).")


@globe_cli.command("send-email")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Send at most this many.")
def send_email(limit):
    """Send the emails that are due in the outbox once (the index worker does this every round)."""
    from .services import outbox
    _require_schema()
    click.echo(f"Sent {outbox.send_queued(limit=limit)} email(s).")


@globe_cli.command("send-digests")
@click.option("--period", type=click.Choice(["daily", "weekly"]), default=None, help="Only this one (default: both).")
@click.option("--now", default=None, metavar="ISO",
              help="Act as if it were this time (ISO 8601; without an offset, in GLOBE_DIGEST_TIME_ZONE), "
                   "e.g. 2026-12-04T07:00 sends the digests of 3 December that are still due.")
def send_digests(period, now):
    """Queue the digests that are due (the index worker does this every round); nobody gets one twice."""
    from .services import digests
    _require_schema()
    try:
        queued = digests.send_digests(period, now=digests.parse_now(now) if now else None)
    except GlobeError as err:
        _fail(err)
    click.echo(f"Queued {queued} digest(s).")


@globe_cli.command("email-status")
def email_status():
    """Emails in the outbox per status, and the oldest one still waiting."""
    from .services import outbox
    _require_schema()
    for key, value in outbox.status().items():
        click.echo(f"{key}: {value if value is not None else '-'}")


@globe_cli.command("copy-data")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="SQLAlchemy URL of an empty, migrated database, e.g. postgresql+psycopg://globe@localhost/globe.")
def copy_data(target_url):
    """Copy every row of this site's database into another (e.g. from SQLite to PostgreSQL)."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, OperationalError

    from .services.data_copy import copy_data as copy_rows
    _require_schema()
    try:
        target = create_engine(target_url)
    except ArgumentError as err:
        raise click.ClickException(f"--to is not a database URL: {err}") from err
    try:
        counts = copy_rows(db.engine, target, on_table=lambda name, rows: click.echo(f"  {name}: {rows}"))
    except GlobeError as err:
        _fail(err)
    except OperationalError as err:
        raise click.ClickException(f"The copy failed and the target is left empty: {err.orig}") from err
    finally:
        target.dispose()
    click.echo(f"Copied {sum(counts.values())} rows in {len(counts)} tables. Uploads stay in "
               "GLOBE_UPLOAD_DIR; rebuild the search index with `flask --app wsgi globe reindex`.")


@globe_cli.command("index-worker")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks at the queue.")
@click.option("--once", is_flag=True, help="Apply the queue (and pending extractions and emails) once, then stop.")
def index_worker(interval, once):
    """Keep applying the search queue, pending text extractions, the followers' notices, the digests that are
    due and the email outbox (for multi-process deployments, and for email retries)."""
    import time

    from .services import digests, following, outbox, search
    from .services.extraction import extract_version, retry_stalled
    _require_schema()
    try:
        digests.time_zone()  # a wrong GLOBE_DIGEST_TIME_ZONE stops it here, not on its first round
    except GlobeError as err:
        _fail(err)
    click.echo("Index worker running; stop with Ctrl+C.")
    digest_periods_done: set = set()
    while True:
        for version_id in retry_stalled():
            extract_version(version_id)
        applied = search.drain_queue()
        if applied:
            click.echo(f"Applied {applied} queued change(s).")
        told = following.fan_out()
        if told:
            click.echo(f"Told the followers of {told} change(s).")
        digested = digests.send_digests(done=digest_periods_done)
        if digested:
            click.echo(f"Queued {digested} digest(s).")
        sent = outbox.send_queued()
        if sent:
            click.echo(f"Sent {sent} email(s).")
        if once:
            return
        time.sleep(interval)


@globe_cli.command("set-password")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def set_password(email, password_stdin):
    """Set someone's password (for a site that sends no email yet); it signs them out everywhere."""
    from .services import accounts
    _require_schema()
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email {email!r}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.set_password(accounts.SYSTEM, user, new_password=password)
    except GlobeError as err:
        _fail(err)
    click.echo(f"Password set for {user.email}; every browser they were signed in with is signed out.")


@globe_cli.command("disable-2fa")
@click.option("--email", required=True, help="The account's email address.")
def disable_2fa(email):
    """Turn off someone's two-factor sign-in (a lost phone and no recovery code); they are told by email."""
    from .services import accounts, two_factor
    _require_schema()
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email {email!r}.")
    try:
        two_factor.turn_off_for(accounts.SYSTEM, user)
    except GlobeError as err:
        _fail(err)
    click.echo(f"Two-factor sign-in is off for {user.email}: their password alone signs them in.")


def register(app: Flask) -> None:
    app.cli.add_command(globe_cli)
