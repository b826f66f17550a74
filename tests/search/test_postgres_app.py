"""Globe with GLOBE_SEARCH_BACKEND=postgres: the queue drains into it, reindex swaps, status reports."""
from __future__ import annotations

import pytest
from testapp import app_config, start_empty

from globe import create_app
from globe.backends import get_search_backend
from globe.extensions import db
from globe.permissions import Anonymous
from globe.search import PostgresBackend, postgres_search
from globe.services import search


@pytest.fixture
def postgres_search_app(tmp_path, fresh_postgres_database):
    app = create_app(app_config(tmp_path, SEARCH_BACKEND="postgres", SEARCH_DATABASE_URL=fresh_postgres_database))
    with app.app_context():
        start_empty()
        yield app
        get_search_backend().close()
        db.session.remove()
        db.engine.dispose()


def test_demo_content_is_searchable_reindexed_and_reported(postgres_search_app):
    runner = postgres_search_app.test_cli_runner()
    assert runner.invoke(args=["globe", "demo"]).exit_code == 0
    backend = get_search_backend()
    assert isinstance(backend, PostgresBackend)
    indexed = backend.stats()["documents"]
    assert indexed > 0 and search.queue_length() == 0
    public_total = search.search(Anonymous()).total
    assert 0 < public_total <= indexed

    backend.clear()
    assert search.search(Anonymous()).total == 0
    result = runner.invoke(args=["globe", "reindex"])
    assert result.exit_code == 0 and f"Indexed {indexed} documents." in result.output
    assert search.search(Anonymous()).total == public_total
    status = runner.invoke(args=["globe", "search-status"])
    assert status.exit_code == 0 and f"documents: {indexed}" in status.output
    assert "backend: postgres" in status.output and "queue_length: 0" in status.output


def test_postgres_search_needs_a_postgres_database(tmp_path):
    with pytest.raises(ValueError, match="GLOBE_SEARCH_BACKEND=postgres needs a PostgreSQL database"):
        create_app(app_config(tmp_path, SEARCH_BACKEND="postgres",
                              DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"))


def test_estimated_totals_and_facet_counts_are_shown_as_estimates(postgres_search_app, monkeypatch):
    assert postgres_search_app.test_cli_runner().invoke(args=["globe", "demo"]).exit_code == 0
    exact = postgres_search_app.test_client().get("/api/v1/search").get_json()
    assert exact["total_exact"] is True and exact["facets_exact"] is True
    monkeypatch.setattr(postgres_search, "MATCH_LIMIT", 2)
    client = postgres_search_app.test_client()
    estimated = client.get("/api/v1/search").get_json()
    assert estimated["total_exact"] is False and estimated["facets_exact"] is False
    assert estimated["total"] >= 3
    page = client.get("/search").get_data(as_text=True)
    assert f"About {estimated['total']:,} results" in page and "(about " in page
