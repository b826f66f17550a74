"""Nobody may take a name that passes for a site admin's or a facilitator's (see globe/services/names.py)."""
import pytest
from factories import add_member, make_community, make_user

from globe.errors import InvalidInput
from globe.services import accounts
from globe.services.names import look_alike_key


@pytest.mark.parametrize("imitation", [
    "Paul Admin", "paul admin", "PAUL  ADMIN", "Paul.Admin", "\u03a1aul Admin",  # Greek capital Rho
    "Pau1 Adm1n", "P\u200baul Admin", "Páúl Ádmin", "Ｐａｕｌ Ａｄｍｉｎ",  # zero-width space; full-width
])
def test_names_that_look_like_an_admins_are_refused(app, imitation):
    make_user("Paul Admin", admin=True)
    with pytest.raises(InvalidInput) as err:
        accounts.register_user(email="new@example.org", display_name=imitation, password="long password")
    assert "looks like the name of a site admin" in err.value.fields["display_name"][0]


def test_a_facilitators_name_is_protected_in_profile_edits_too(app):
    facilitator, member = make_user("Leila Benali"), make_user("Someone")
    add_member(make_community(), facilitator, "facilitator")
    with pytest.raises(InvalidInput):
        accounts.update_profile(member, member, display_name="Le1la Benal1")
    accounts.update_profile(facilitator, facilitator, display_name="Leila Benali", bio="Still me")
    assert member.display_name == "Someone"


def test_different_names_and_other_scripts_stay_free(app):
    make_user("Paul Admin", admin=True), make_user("محمد", admin=True)
    for n, name in enumerate(("Paula Admin", "Paul Adams", "محمود", "Mei")):
        assert accounts.register_user(email=f"free{n}@example.org", display_name=name,
                                      password="long password").display_name == name
    assert look_alike_key("محمود") != look_alike_key("محمد")
    with pytest.raises(InvalidInput):
        accounts.register_user(email="m2@example.org", display_name="محمد", password="long password")


@pytest.mark.parametrize("name", ["Former member", "former  MEMBER", "F0rmer Member", "Globe", "G1obe"])
def test_the_names_globe_shows_for_deleted_accounts_and_itself_are_refused(app, name):
    with pytest.raises(InvalidInput) as err:
        accounts.register_user(email="new@example.org", display_name=name, password="long password")
    assert "a name Globe itself shows" in err.value.fields["display_name"][0]
