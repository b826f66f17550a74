"""The command line (create-user, demo) and the Alembic migrations matching the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine

from testapp import app_config
from globe import create_app
from globe.extensions import db
from globe.services import accounts, communities


def test_create_user_with_roles(app):
    result = app.test_cli_runner().invoke(args=["globe", "create-user", "--email", "Dan@Example.org",
                                                "--password", "long password", "--name", "Dan", "--mentor",
                                                "--expertise", "course design,publishing"])
    assert result.exit_code == 0, result.output
    user = accounts.find_user_by_email("dan@example.org")
    assert user.is_mentor and user.expertise == ["course design", "publishing"]
    assert accounts.authenticate("dan@example.org", "long password") == user


def test_create_user_reports_bad_input_without_a_traceback(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["globe", "create-user", "--email", "a@example.org", "--password", "long password"])
    result = runner.invoke(args=["globe", "create-user", "--email", "A@example.org", "--password", "long password"])
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(args=["globe", "create-user", "--email", "b@example.org", "--password", "short"])
    assert result.exit_code == 1 and "at least 8" in result.output


def test_demo_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["globe", "demo"])
    assert first.exit_code == 0, first.output
    assert "admin@globe.example" in first.output
    directory = communities.list_directory(accounts.find_user_by_email("admin@globe.example"))
    assert len(directory) == 14
    assert {c.visibility for c, *_ in directory} == {"public", "members"}
    assert {c.policy for c, *_ in directory} == {"open", "request", "invite"}
    second = runner.invoke(args=["globe", "demo"])
    assert second.exit_code == 0, second.output
    assert len(communities.list_directory(accounts.find_user_by_email("admin@globe.example"))) == 14
    mentors = [u for u in (accounts.find_user_by_email(e) for e in ("mentor.design@globe.example",
                                                                    "mentor.publishing@globe.example"))]
    assert all(m.is_mentor and m.expertise for m in mentors)


def test_commands_explain_a_missing_schema(tmp_path, empty_database_url):
    app = create_app(app_config(tmp_path, DATABASE_URL=empty_database_url))
    result = app.test_cli_runner().invoke(args=["globe", "demo"])
    assert result.exit_code == 1 and "db upgrade" in result.output


def test_migrations_build_exactly_the_models_schema(tmp_path, empty_database_url):
    app = create_app(app_config(tmp_path, DATABASE_URL=empty_database_url))
    with app.app_context():
        upgrade()
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False}),
                                    db.metadata)
        engine.dispose()
    assert diff == []


def test_reindex_and_search_status_commands(app):
    from globe.backends import get_search_backend
    runner = app.test_cli_runner()
    assert runner.invoke(args=["globe", "demo"]).exit_code == 0
    indexed = get_search_backend().stats()["documents"]
    assert indexed > 0
    get_search_backend().clear()
    result = runner.invoke(args=["globe", "reindex"])
    assert result.exit_code == 0 and f"Indexed {indexed} documents." in result.output
    status = runner.invoke(args=["globe", "search-status"])
    assert status.exit_code == 0 and f"documents: {indexed}" in status.output and "queue_length: 0" in status.output


def test_index_worker_applies_the_queue_once(app):
    from globe.extensions import db
    from globe.models import SearchQueueItem
    db.session.add(SearchQueueItem(kind="wiki", object_id=12345))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["globe", "index-worker", "--once"])
    assert result.exit_code == 0 and "Applied 1 queued change(s)." in result.output
