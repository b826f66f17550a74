"""`flask --app wsgi globe set-password`: an operator sets a password on a site without email, and the
person's browsers are signed out."""
from factories import PASSWORD, make_user

from globe.services import accounts


def set_password(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["globe", "set-password", *args], input=input)


def test_the_password_is_asked_twice_and_set(app):
    make_user(email="mei@example.org")
    result = set_password(app, "--email", "Mei@Example.org", input="a new password\na new password\n")
    assert result.exit_code == 0, result.output
    assert "a new password" not in result.output and "Password set for mei@example.org" in result.output
    assert accounts.authenticate("mei@example.org", "a new password") is not None
    assert accounts.authenticate("mei@example.org", PASSWORD) is None


def test_the_password_can_come_from_standard_input(app):
    make_user(email="mei@example.org")
    result = set_password(app, "--email", "mei@example.org", "--password-stdin", input="from a script\n")
    assert result.exit_code == 0, result.output
    assert accounts.authenticate("mei@example.org", "from a script") is not None


def test_setting_a_password_signs_the_person_out_everywhere(app, web):
    make_user(email="mei@example.org")
    web.login("mei@example.org")
    assert web.get("/profile").status_code == 200
    set_password(app, "--email", "mei@example.org", "--password-stdin", input="a new password\n")
    assert web.get("/profile").status_code == 302


def test_two_different_entries_are_refused(app):
    make_user(email="mei@example.org")
    result = set_password(app, "--email", "mei@example.org", input="a new password\nanother password\n")
    assert result.exit_code != 0 and "do not match" in result.output
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_bad_input_is_explained_without_a_traceback(app):
    make_user(email="mei@example.org")
    result = set_password(app, "--email", "mei@example.org", "--password-stdin", input="short\n")
    assert result.exit_code == 1 and "at least 8" in result.output
    result = set_password(app, "--email", "nobody@example.org", "--password-stdin", input="a new password\n")
    assert result.exit_code == 1 and "No account has the email 'nobody@example.org'" in result.output
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None
