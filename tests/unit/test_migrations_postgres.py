"""The Alembic migrations on PostgreSQL: they build exactly the models' schema, and undo it."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from testapp import app_config

from globe import create_app
from globe.extensions import db

pytestmark = pytest.mark.postgres


def test_upgrade_matches_the_models_then_downgrade_removes_everything(tmp_path, fresh_postgres_database):
    app = create_app(app_config(tmp_path, DATABASE_URL=fresh_postgres_database))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()
