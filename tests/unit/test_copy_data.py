"""`globe copy-data`: moving an embedded (SQLite) install into an empty, migrated PostgreSQL database."""
from __future__ import annotations

import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from testapp import app_config

from globe import create_app
from globe.extensions import db
from globe.services import accounts, communities, wiki_pages


def _app(folder, url: str, *, migrate: bool = False):
    """An app on `url` using the site's folders (the moved site keeps its uploads)."""
    app = create_app(app_config(folder, DATABASE_URL=url))
    if migrate:
        with app.app_context():
            upgrade()
    return app


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="module")
def embedded(site_folder):
    """A migrated SQLite install holding the demo data (the tests only read it)."""
    app = _app(site_folder, f"sqlite:///{site_folder / 'embedded.sqlite3'}", migrate=True)
    result = app.test_cli_runner().invoke(args=["globe", "demo"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}
        db.session.remove()
        return counts


def _directory(app) -> list[str]:
    html = app.test_client().get("/").get_data(as_text=True)
    return re.findall(r'href="/c/([a-z0-9-]+)"', html)


@pytest.mark.postgres
def test_copy_moves_the_demo_site_to_postgresql(site_folder, embedded, fresh_postgres_database):
    target = _app(site_folder, fresh_postgres_database, migrate=True)
    result = embedded.test_cli_runner().invoke(args=["globe", "copy-data", "--to", fresh_postgres_database])
    assert result.exit_code == 0, result.output
    counts = _row_counts(embedded)
    assert counts["communities"] == 14 and counts["wiki_revisions"] > 0
    assert f"Copied {sum(counts.values())} rows" in result.output
    assert _row_counts(target) == counts
    assert _directory(target) == _directory(embedded)
    page = target.test_client().get("/c/teaching-speaking/wiki/fluency-activities")
    assert page.status_code == 200 and "Fluency activities" in page.get_data(as_text=True)
    with target.app_context():
        user = accounts.register_user(email="new@example.org", display_name="New", password="long password")
        community = communities.get_community("teaching-speaking")
        created = wiki_pages.create_page(accounts.find_user_by_email("editor@globe.example"), community,
                                         title="After the move", body="Still works.", summary="")
        assert user.id == counts["users"] + 1 and created.page.slug == "after-the-move"
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_copy_refuses_a_target_that_has_rows(site_folder, embedded, fresh_postgres_database):
    _app(site_folder, fresh_postgres_database, migrate=True)
    runner = embedded.test_cli_runner()
    assert runner.invoke(args=["globe", "copy-data", "--to", fresh_postgres_database]).exit_code == 0
    again = runner.invoke(args=["globe", "copy-data", "--to", fresh_postgres_database])
    assert again.exit_code == 1 and "not empty" in again.output


def test_copy_refuses_a_target_without_the_schema(tmp_path, embedded):
    result = embedded.test_cli_runner().invoke(args=["globe", "copy-data", "--to",
                                                     f"sqlite:///{tmp_path / 'blank.sqlite3'}"])
    assert result.exit_code == 1 and "db upgrade" in result.output
