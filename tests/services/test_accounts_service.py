"""Accounts: registration checks, login, site roles and API tokens."""
from datetime import timedelta

import pytest
from factories import make_user

from globe.errors import InvalidInput, NotFound, PermissionDenied
from globe.models.base import utcnow
from globe.services import accounts
from globe.services.accounts import SYSTEM


def test_register_then_authenticate_case_insensitively(app):
    user = accounts.register_user(email="Mei.Chen@Example.org", display_name="Mei", password="long enough")
    assert user.email == "mei.chen@example.org"
    assert user.password_hash != "long enough"
    assert accounts.authenticate("MEI.CHEN@example.org", "long enough") == user
    assert accounts.authenticate("mei.chen@example.org", "wrong password") is None
    assert accounts.authenticate("nobody@example.org", "long enough") is None


def test_duplicate_email_in_any_case_is_refused(app):
    accounts.register_user(email="a@example.org", display_name="A", password="password123")
    with pytest.raises(InvalidInput) as err:
        accounts.register_user(email="A@EXAMPLE.ORG", display_name="B", password="password123")
    assert "already exists" in err.value.fields["email"][0]


@pytest.mark.parametrize("field, kwargs", [
    ("email", {"email": "not-an-email"}),
    ("display_name", {"display_name": "   "}),
    ("display_name", {"display_name": "x" * 81}),
    ("password", {"password": "short"}),
    ("password", {"password": "x" * 257}),
])
def test_registration_validation(app, field, kwargs):
    data = {"email": "ok@example.org", "display_name": "OK", "password": "password123", **kwargs}
    with pytest.raises(InvalidInput) as err:
        accounts.register_user(**data)
    assert field in err.value.fields
    assert accounts.find_user_by_email("ok@example.org") is None


def test_profile_is_cleaned_and_tags_parsed(app):
    user = make_user()
    accounts.update_profile(user, user, display_name="  Leila\u202e  ", bio="Hi",
                            expertise="Course design, ,course DESIGN, publishing",
                            languages="English, Arabic", country="Morocco")
    assert user.display_name == "Leila"
    assert user.expertise == ["course design", "publishing"]
    assert user.languages == ["english", "arabic"]


def test_only_admins_edit_other_profiles_and_roles(app):
    user, other = make_user(), make_user()
    with pytest.raises(PermissionDenied):
        accounts.update_profile(user, other, display_name="Hacked")
    with pytest.raises(PermissionDenied):
        accounts.set_site_roles(user, user, is_admin=True, is_mentor=False, is_curator=False)
    assert not user.is_admin


def test_site_keeps_one_admin(app):
    admin = make_user(admin=True)
    with pytest.raises(InvalidInput):
        accounts.set_site_roles(admin, admin, is_admin=False, is_mentor=False, is_curator=False)
    other = make_user(admin=True)
    accounts.set_site_roles(other, admin, is_admin=False, is_mentor=True, is_curator=False, expertise="publishing")
    assert admin.site_roles == ["mentor"] and admin.expertise == ["publishing"]


def test_tokens_are_stored_hashed_and_expire(app):
    user = make_user()
    token, plain = accounts.create_token(user, name="LMS", expires_in_days=1)
    assert plain.startswith("glb_") and plain not in (token.token_hash, token.prefix)
    assert accounts.user_for_token(plain) == user
    assert accounts.user_for_token(plain, now=utcnow() + timedelta(days=2)) is None
    assert accounts.user_for_token("glb_forged") is None
    accounts.revoke_token(user, token.id)
    assert accounts.user_for_token(plain) is None


def test_tokens_belong_to_their_owner(app):
    owner, other = make_user(), make_user()
    token, _ = accounts.create_token(owner, name="mine", expires_in_days=None)
    with pytest.raises(NotFound):
        accounts.revoke_token(other, token.id)
    with pytest.raises(InvalidInput):
        accounts.create_token(owner, name="", expires_in_days=0)


def test_system_actor_is_an_admin_without_identity(app):
    user = make_user()
    accounts.set_site_roles(SYSTEM, user, is_admin=False, is_mentor=True, is_curator=True)
    assert user.site_roles == ["mentor", "curator"]


def test_admins_find_people_by_part_of_a_name_or_email_and_wildcards_are_plain_text(app):
    admin = make_user("Ada Admin", admin=True)
    mei, _ = make_user("Mei Chen", email="mei@school.example"), make_user("Bob", email="bob@other.example")
    assert [p.id for p in accounts.find_people(admin, text="CHEN")] == [mei.id]
    assert [p.id for p in accounts.find_people(admin, text="school.ex")] == [mei.id]
    assert accounts.find_people(admin, text="%") == []
    with pytest.raises(PermissionDenied):
        accounts.find_people(mei, text="bob")
