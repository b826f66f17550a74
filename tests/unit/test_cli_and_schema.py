"""The command line (create-user, index-worker, a missing schema) and the Alembic migrations matching the
models; the demo and the reindex commands run on the shared demo site in test_demo.py."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine
from testapp import app_config

from globe import create_app
from globe.extensions import db
from globe.services import accounts


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


def test_index_worker_applies_the_queue_once(app):
    from globe.extensions import db
    from globe.models import SearchQueueItem
    db.session.add(SearchQueueItem(kind="wiki", object_id=12345))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["globe", "index-worker", "--once"])
    assert result.exit_code == 0 and "Applied 1 queued change(s)." in result.output
