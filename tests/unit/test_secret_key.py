"""Production refuses a guessable secret key (it signs every session and CSRF token)."""
import pytest
from testapp import app_config

from globe import create_app


def test_a_short_secret_key_stops_a_production_start(tmp_path):
    with pytest.raises(RuntimeError, match="shorter than 32"):
        create_app(app_config(tmp_path, TESTING=False, SECRET_KEY="short-key"))


def test_a_long_secret_key_starts(tmp_path):
    app = create_app(app_config(tmp_path, TESTING=False, SECRET_KEY="k" * 32))
    assert app.config["SECRET_KEY"] == "k" * 32
