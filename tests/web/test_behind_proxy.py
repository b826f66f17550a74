"""GLOBE_PROXY_COUNT: behind a reverse proxy, visitors are told apart by X-Forwarded-For."""
import pytest
from testapp import app_config

from globe import create_app


def _failed_login(web, email: str, client_address: str) -> int:
    response = web.post("/login", {"email": email, "password": "wrong password"},
                        headers={"X-Forwarded-For": client_address})
    return response.status_code


@pytest.mark.parametrize("proxy_count, other_visitor_status", [(1, 400), (0, 429)])
def test_the_login_limit_per_address_uses_the_forwarded_address(web, tmp_path, proxy_count,
                                                                   other_visitor_status):
    proxied = create_app(app_config(tmp_path, PROXY_COUNT=proxy_count, LOGIN_IP_RATE_LIMIT="2 per minute"))
    web = type(web)(proxied)  # the same browser-like client, on an app built with this setting
    assert [_failed_login(web, email, "203.0.113.1") for email in ("a@example.org", "b@example.org")] == [400, 400]
    assert _failed_login(web, "c@example.org", "203.0.113.1") == 429
    assert _failed_login(web, "d@example.org", "203.0.113.2") == other_visitor_status
