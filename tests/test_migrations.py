"""Alembic migrations: one head, upgrade to head and down to base, models match the migrations,
on SQLite and on PostgreSQL (pytest-alembic's built-in tests, bound explicitly)."""

from __future__ import annotations

import pytest
from pytest_alembic.tests import (  # noqa: F401
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session

from emr_jobs.store.db import MIGRATIONS_DIR, upgrade
from emr_jobs.store.models import Certification


@pytest.fixture
def alembic_engine(db_url):
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def alembic_config():
    return {"script_location": str(MIGRATIONS_DIR), "path_separator": "os"}


def test_head_creates_every_table_and_seeds_the_catalog(db_url):
    upgrade(db_url)
    engine = create_engine(db_url)
    tables = set(inspect(engine).get_table_names())
    assert {"employers", "sources", "postings", "certifications", "posting_certifications", "crawl_runs"} <= tables
    with Session(engine) as session:
        codes = set(session.scalars(select(Certification.code)))
    assert {"CEHRS", "RHIT", "RHIA", "CCS", "CCS-P", "CPC", "CTR", "EPIC"} <= codes
    engine.dispose()


def test_upgrade_twice_is_a_no_op(db_url):
    upgrade(db_url)
    upgrade(db_url)


def test_seeded_catalog_matches_the_normalizer_catalog(sqlite_url):
    """A credential the normalizer can emit must exist in the database (a catalog change needs a migration)."""
    from emr_jobs.pipeline.cert_catalog import CERTIFICATIONS

    upgrade(sqlite_url)
    engine = create_engine(sqlite_url)
    with Session(engine) as session:
        seeded = {row.code: (row.name, row.issuing_body, tuple(row.aliases))
                  for row in session.scalars(select(Certification))}
    engine.dispose()
    assert seeded == {c.code: (c.name, c.issuing_body, tuple(c.aliases)) for c in CERTIFICATIONS}


@pytest.mark.parametrize("with_env", [True, False])
def test_alembic_upgrade_acts_on_the_database_the_cli_uses(tmp_path, with_env):
    """`alembic upgrade head` from the checkout and `emr-jobs db upgrade` resolve the same database:
    $EMR_JOBS_DATABASE_URL, else the SQLite file in the user data directory (XDG_DATA_HOME here)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from sqlalchemy import create_engine, inspect

    from emr_jobs.defaults import database_url

    root = Path(__file__).resolve().parents[1]
    env = {key: value for key, value in os.environ.items() if key != "EMR_JOBS_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    if with_env:
        env["EMR_JOBS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'chosen.db'}"
    expected = env.get("EMR_JOBS_DATABASE_URL") or f"sqlite:///{tmp_path / 'data' / 'emr-jobs' / 'emr_jobs.db'}"
    cli_url = subprocess.run([sys.executable, "-c", "from emr_jobs.defaults import database_url; print(database_url())"],
                             env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert cli_url == expected
    result = subprocess.run([sys.executable, "-m", "alembic", "-c", str(root / "alembic.ini"), "upgrade", "head"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "postings" in inspect(create_engine(expected)).get_table_names()
    assert not (tmp_path / "emr_jobs.db").exists()  # never a database in the current folder
    assert database_url("sqlite:///given.db") == "sqlite:///given.db"
