"""A fresh PostgreSQL database per test, on the server NEWSDESK_TEST_PG points at.

`scripts/pg-test-server start` starts a throw-away server and prints the variable; `.ci/run`
does so and sets NEWSDESK_REQUIRE_PG=1, so in CI a missing server fails the run instead of
skipping the PostgreSQL half of the store suite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest


def server_url() -> str:
    url = os.environ.get("NEWSDESK_TEST_PG", "")
    if not url:
        if os.environ.get("NEWSDESK_REQUIRE_PG") == "1":
            pytest.fail("NEWSDESK_TEST_PG is not set but NEWSDESK_REQUIRE_PG=1 (CI runs PostgreSQL)")
        pytest.skip('no PostgreSQL (eval "$(scripts/pg-test-server start)" to run these)')
    return url


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards."""
    import psycopg

    url = server_url()
    name = f"newsdesk_t_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("NEWSDESK_REQUIRE_PG") == "1":
            raise
        pytest.skip(f"PostgreSQL at NEWSDESK_TEST_PG not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
