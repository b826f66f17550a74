"""API test helpers: a caller that sends a Bearer token when given one."""
import pytest


@pytest.fixture
def api(app):
    client = app.test_client()

    def call(method, url, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.open(url, method=method, headers=headers, **kwargs)
    return call
