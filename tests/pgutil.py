"""A private PostgreSQL database per test (server from NEWSARCHIVE_TEST_DATABASE_URL).

Usage: `from pgutil import pg_database_url` in a test module makes the fixture available.
Unreachable server: the test fails on CI (CI is set) and is skipped elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("NEWSARCHIVE_TEST_DATABASE_URL", DEFAULT_URL)


def _connect(url: str):  # noqa: ANN202 - psycopg connection
    import psycopg

    u = make_url(url)
    return psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username,
                           password=u.password, dbname=u.database or "postgres", autocommit=True,
                           connect_timeout=5)


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """The SQLAlchemy URL of a fresh empty database, dropped after the test."""
    base = server_url()
    try:
        admin = _connect(base)
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        message = f"PostgreSQL not reachable at {base} ({type(exc).__name__}: {exc})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with _connect(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
