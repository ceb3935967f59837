"""Shared test fixtures: databases (SQLite always, PostgreSQL when EMR_JOBS_TEST_POSTGRES_URL is
set), a local HTTP server for recorded-shape fixtures, registry files, and the CLI in a subprocess."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from emr_jobs.demo.server import Reply, RouteServer

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
POSTGRES_ENV = "EMR_JOBS_TEST_POSTGRES_URL"
POSTGRES_REQUIRED_ENV = "EMR_JOBS_REQUIRE_POSTGRES"


def fixture_path(platform: str, name: str) -> Path:
    return FIXTURES / platform / name


def fixture_reply(platform: str, name: str, status: int = 200, content_type: str = "application/json") -> Callable:
    body = fixture_path(platform, name).read_bytes()
    return lambda info, match: Reply(status, body, content_type)


@pytest.fixture
def serve() -> Iterator[Callable[[list], RouteServer]]:
    """serve(routes) starts a RouteServer for the test and returns it."""
    servers: list[RouteServer] = []

    def start(routes: list) -> RouteServer:
        server = RouteServer(routes).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url and os.environ.get(POSTGRES_REQUIRED_ENV):
        pytest.fail(f"{POSTGRES_REQUIRED_ENV} is set but {POSTGRES_ENV} is not")
    return url


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards; skips when no server is configured."""
    admin_url = _postgres_admin_url()
    if not admin_url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    name = f"emr_jobs_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get(POSTGRES_REQUIRED_ENV):
            raise
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} is not reachable: {exc.__class__.__name__}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'emr_jobs_test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """Each storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def write_registry(path: Path, employers: list[dict]) -> Path:
    """Write a registry TOML file from a list of employer dicts (each with a `sources` list)."""
    lines: list[str] = []
    for employer in employers:
        lines.append("[[employers]]")
        for key, value in employer.items():
            if key != "sources":
                lines.append(f"{key} = {_toml(value)}")
        for source in employer.get("sources", []):
            lines.append("[[employers.sources]]")
            lines += [f"{key} = {_toml(value)}" for key, value in source.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


# A local fixture server needs no politeness delays (the production defaults stay in spiders/settings.py).
FAST_CRAWL = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")


def run_cli(*args: str, input_text: str | None = None, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `emr-jobs ARGS` in a fresh interpreter (a crawl needs its own reactor)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("EMR_JOBS_DATABASE_URL", None) if env is None or "EMR_JOBS_DATABASE_URL" not in env else None
    return subprocess.run([sys.executable, "-m", "emr_jobs", *args], input=input_text, capture_output=True,
                          text=True, timeout=timeout, env=full_env, cwd=ROOT)
