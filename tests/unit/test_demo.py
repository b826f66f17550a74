"""The demo never adopts an account it did not create, and stays safe to run twice."""
from __future__ import annotations

from globe.services import accounts


def test_the_demo_refuses_an_address_someone_else_registered(app):
    with app.app_context():
        accounts.register_user(email="admin@globe.example", display_name="Mallory", password="mallory's own")

    result = app.test_cli_runner().invoke(args=["globe", "demo"])

    assert result.exit_code == 1
    assert "registered by someone else" in result.output
    with app.app_context():
        squatter = accounts.find_user_by_email("admin@globe.example")
        assert not (squatter.is_admin or squatter.is_curator)
        assert accounts.find_user_by_email("teacher@globe.example") is None


def test_the_demo_refuses_a_site_with_real_accounts(app):
    with app.app_context():
        accounts.register_user(email="head@school.example", display_name="Head", password="a long password")

    result = app.test_cli_runner().invoke(args=["globe", "demo"])

    assert result.exit_code == 1
    assert "accounts the demo did not create" in result.output
    with app.app_context():
        assert accounts.find_user_by_email("admin@globe.example") is None


def test_running_the_demo_twice_keeps_its_own_accounts(app):
    runner = app.test_cli_runner()

    assert runner.invoke(args=["globe", "demo"]).exit_code == 0
    second = runner.invoke(args=["globe", "demo"])

    assert second.exit_code == 0, second.output
    with app.app_context():
        assert accounts.find_user_by_email("admin@globe.example").is_admin


def test_the_readme_search_example_finds_demo_content(app):
    assert app.test_cli_runner().invoke(args=["globe", "demo"]).exit_code == 0

    response = app.test_client().get("/api/v1/search?q=speaking+games&level=b1")

    assert response.status_code == 200
    assert any("Speaking games" in str(item) for item in response.get_json()["results"])
