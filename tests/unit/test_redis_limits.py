"""With GLOBE_REDIS_URL, the login limit holds across server processes (as with several gunicorn workers)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from services_required import skip_unless_available
from testapp import app_config

TESTS = Path(__file__).resolve().parents[1]

# One server process: a fresh Globe that sends failed logins through the form, printing each status.
FAILED_LOGINS = """
import json, re, sys
from globe import create_app
config, email, count = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
client = create_app(config).test_client()
for _ in range(count):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong password"})
    print(response.status_code, "Too many attempts" in response.get_data(as_text=True))
"""


@pytest.fixture
def redis_url():
    url = os.environ.get("GLOBE_TEST_REDIS_URL", "redis://localhost:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError:
        client = None
    skip_unless_available(client is not None, f"Redis is not reachable at {url!r}")
    prefix = f"globe-test-{uuid.uuid4().hex}"
    yield url, prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


def failed_logins(config: dict, email: str, count: int) -> list[tuple[int, bool]]:
    """Run a separate Python process as one server worker; its (status, blocked message) per attempt."""
    done = subprocess.run([sys.executable, "-c", FAILED_LOGINS, json.dumps(config), email, str(count)],
                          capture_output=True, text=True, cwd=TESTS.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    return [(int(status), blocked == "True") for status, blocked in (line.split() for line in done.stdout.split("\n")
                                                                      if line)]


@pytest.mark.redis
def test_two_processes_sharing_redis_share_the_login_limit(app, tmp_path, redis_url):
    url, prefix = redis_url
    config = app_config(tmp_path, DATABASE_URL=app.config["DATABASE_URL"], REDIS_URL=url, REDIS_KEY_PREFIX=prefix,
                        LOGIN_IP_RATE_LIMIT="3 per minute")
    assert failed_logins(config, "mei@example.org", 2) == [(400, False), (400, False)]
    assert failed_logins(config, "mei@example.org", 2) == [(400, False), (429, True)]

