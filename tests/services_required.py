"""Skip a test whose outside service (PostgreSQL, Redis, Chromium) is missing — except in CI.

`.ci/run` sets GLOBE_TEST_REQUIRE_SERVICES=1, and then a missing service fails the test instead of
skipping it, so CI can never pass by silently skipping the scale-out or browser tests."""
from __future__ import annotations

import os

import pytest


def services_required() -> bool:
    return os.environ.get("GLOBE_TEST_REQUIRE_SERVICES") == "1"


def skip_unless_available(available: bool, reason: str) -> None:
    """Call at the start of a fixture or test: skip (or fail in CI) when `available` is false."""
    if available:
        return
    if services_required():
        pytest.fail(f"{reason} (required: GLOBE_TEST_REQUIRE_SERVICES=1)")
    pytest.skip(reason)
