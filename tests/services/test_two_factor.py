"""Two-factor sign-in rules: codes checked against a frozen clock, never accepted twice, recovery codes that work
once, turning it off (by its owner with password and code, or by an admin)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from factories import PASSWORD, make_user
from sqlalchemy import select

from globe.errors import Conflict, InvalidInput, PermissionDenied
from globe.extensions import db
from globe.models import OutboxMessage
from globe.services import two_factor
from globe.services.accounts import SYSTEM

NOW = datetime(2026, 12, 3, 12, 0, 0, tzinfo=UTC)


def code_at(user, when: datetime) -> str:
    return pyotp.TOTP(user.totp_secret).at(when)


def wrong_code(user, when: datetime) -> str:
    """Six digits that are the app's code for no step near `when`."""
    near = {code_at(user, when + timedelta(seconds=30 * step)) for step in range(-2, 3)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def turned_on(user, when: datetime = NOW) -> list[str]:
    two_factor.start_setup(user)
    return two_factor.confirm_setup(user, code=code_at(user, when), now=when)


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def test_setup_keeps_one_secret_until_confirmed_and_names_the_site_and_the_account(mei):
    secret = two_factor.start_setup(mei)
    assert two_factor.start_setup(mei) == secret
    assert not two_factor.is_enabled(mei)
    uri = urlsplit(two_factor.provisioning_uri(mei))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == "/Globe:mei%40example.org"
    assert parse_qs(uri.query) == {"secret": [secret], "issuer": ["Globe"]}


def test_the_qr_code_is_an_inline_svg(mei):
    two_factor.start_setup(mei)
    svg = two_factor.qr_code_svg(two_factor.provisioning_uri(mei))
    assert svg.startswith("<svg") and "<path" in svg and "<title>" in svg


def test_a_wrong_code_does_not_turn_it_on(mei):
    two_factor.start_setup(mei)
    with pytest.raises(InvalidInput) as err:
        two_factor.confirm_setup(mei, code=wrong_code(mei, NOW), now=NOW)
    assert "code" in err.value.fields
    assert not two_factor.is_enabled(mei)


def test_confirming_turns_it_on_with_ten_distinct_recovery_codes_stored_hashed(mei):
    codes = turned_on(mei)
    assert two_factor.is_enabled(mei)
    assert len(set(codes)) == 10 and all(len(code) == 19 for code in codes)
    assert two_factor.recovery_codes_left(mei) == 10
    with pytest.raises(Conflict):
        two_factor.start_setup(mei)


def test_sign_in_accepts_the_current_code_and_a_neighbouring_step_once(mei):
    turned_on(mei, NOW - timedelta(minutes=5))
    assert two_factor.verify_sign_in(mei, code_at(mei, NOW), now=NOW).recovery_codes_left is None
    with pytest.raises(InvalidInput):  # the same code again, within its window: a replay
        two_factor.verify_sign_in(mei, code_at(mei, NOW), now=NOW + timedelta(seconds=10))
    later = NOW + timedelta(seconds=60)
    assert two_factor.verify_sign_in(mei, code_at(mei, later + timedelta(seconds=30)), now=later)  # phone ahead


def test_an_older_code_is_refused_once_a_later_one_was_used(mei):
    turned_on(mei, NOW - timedelta(minutes=5))
    two_factor.verify_sign_in(mei, code_at(mei, NOW), now=NOW)
    with pytest.raises(InvalidInput):
        two_factor.verify_sign_in(mei, code_at(mei, NOW - timedelta(seconds=30)), now=NOW)


def test_codes_from_too_far_away_and_malformed_codes_are_refused(mei):
    turned_on(mei, NOW - timedelta(minutes=5))
    for code in (code_at(mei, NOW + timedelta(minutes=2)), "", "12345", "abcdef", "1" * 200, None):
        with pytest.raises(InvalidInput):
            two_factor.verify_sign_in(mei, code, now=NOW)


def test_a_recovery_code_works_once_however_it_is_typed(mei):
    codes = turned_on(mei)
    typed = " " + codes[0].upper().replace("-", " ") + " "
    assert two_factor.verify_sign_in(mei, typed, now=NOW).recovery_codes_left == 9
    with pytest.raises(InvalidInput):
        two_factor.verify_sign_in(mei, codes[0], now=NOW)
    assert two_factor.verify_sign_in(mei, codes[1], now=NOW).recovery_codes_left == 8


def test_recovery_codes_belong_to_their_owner(mei):
    codes = turned_on(mei)
    yu = make_user("Yu")
    turned_on(yu)
    with pytest.raises(InvalidInput):
        two_factor.verify_sign_in(yu, codes[0], now=NOW)
    assert two_factor.recovery_codes_left(mei) == 10


def test_new_recovery_codes_replace_the_old_ones(mei):
    old = turned_on(mei, NOW - timedelta(minutes=5))
    with pytest.raises(InvalidInput):
        two_factor.regenerate_recovery_codes(mei, code=wrong_code(mei, NOW), now=NOW)
    new = two_factor.regenerate_recovery_codes(mei, code=code_at(mei, NOW), now=NOW)
    assert not set(new) & set(old)
    with pytest.raises(InvalidInput):
        two_factor.verify_sign_in(mei, old[0], now=NOW)
    assert two_factor.verify_sign_in(mei, new[0], now=NOW).recovery_codes_left == 9


def test_turning_off_needs_the_password_and_a_code(mei):
    turned_on(mei, NOW - timedelta(minutes=5))
    with pytest.raises(InvalidInput) as err:
        two_factor.turn_off(mei, password="not my password", code=code_at(mei, NOW), now=NOW)
    assert set(err.value.fields) == {"password"}
    assert two_factor.is_enabled(mei)
    two_factor.turn_off(mei, password=PASSWORD, code=code_at(mei, NOW), now=NOW)  # not used up by the refusal
    assert not two_factor.is_enabled(mei)
    assert mei.totp_secret is None and two_factor.recovery_codes_left(mei) == 0


def test_turning_off_with_a_recovery_code(mei):
    codes = turned_on(mei)
    two_factor.turn_off(mei, password=PASSWORD, code=codes[3], now=NOW)
    assert not two_factor.is_enabled(mei)


def test_an_admin_turns_it_off_and_the_person_is_told(mei):
    turned_on(mei)
    with pytest.raises(PermissionDenied):
        two_factor.turn_off_for(make_user(), mei)
    two_factor.turn_off_for(SYSTEM, mei)
    assert not two_factor.is_enabled(mei)
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == mei.email)).all()
    assert "two-factor sign-in turned off" in message.subject
    with pytest.raises(Conflict):
        two_factor.turn_off_for(SYSTEM, mei)


def test_requirement_for_admins_and_curators(app, mei):
    admin, curator = make_user(admin=True), make_user(curator=True)
    assert not any(two_factor.must_turn_on(person) for person in (admin, curator, mei))
    app.config["REQUIRE_ADMIN_2FA"] = True
    assert two_factor.must_turn_on(admin) and two_factor.must_turn_on(curator)
    assert not two_factor.must_turn_on(mei)
    turned_on(admin)
    assert not two_factor.must_turn_on(admin)
