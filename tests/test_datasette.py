"""The Datasette metadata shipped in the package: it parses, names only tables, views and columns that
a migrated database has, every canned query runs on a migrated SQLite database with market data, and
`emr-jobs datasette-metadata` prints its path (or its text for another database name)."""

from __future__ import annotations

import re
import sqlite3

import pytest
import yaml
from sqlalchemy.orm import Session

from emr_jobs.market.metadata import DEFAULT_DATABASE, METADATA_PATH, metadata_text
from tests.conftest import run_cli
from tests.market_data import add_posting, market_engine


@pytest.fixture(scope="module")
def metadata():
    return yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("datasette") / f"{DEFAULT_DATABASE}.db"
    engine = market_engine(f"sqlite:///{path}")
    with Session(engine) as session, session.begin():
        add_posting(session, "oh1", hourly=(20, 22), certs=(("RHIT", "required"),))
        add_posting(session, "oh2", annual=(52000, 58000), work_mode="remote", role="coding",
                    certs=(("CCS", "preferred"),))
        add_posting(session, "tx1", state="TX", annual=(61000, 65000), work_mode="remote", employer="lone-star",
                    source="lever:lonestar")
    engine.dispose()
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


def test_metadata_is_shipped_in_the_package(metadata):
    assert "emr_jobs/market" in METADATA_PATH.as_posix() or METADATA_PATH.parent.parent.name == "market"
    assert metadata["title"] and metadata["description"]
    database = metadata["databases"][DEFAULT_DATABASE]
    assert {"open_jobs", "certification_demand", "pay_by_state"} <= set(database["tables"])
    assert all(table.get("hidden") or table.get("title") for table in database["tables"].values())
    assert database["queries"] and all(q["title"] and q["description"] and q["sql"] for q in database["queries"].values())


def test_metadata_names_only_what_the_database_has(metadata, database):
    names = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    for table, entry in metadata["databases"][DEFAULT_DATABASE]["tables"].items():
        assert table in names, table
        columns = {row[1] for row in database.execute(f"PRAGMA table_info({table})")}
        named = {*entry.get("facets", []), *entry.get("columns", {}), *entry.get("units", {})}
        named |= {entry[key] for key in ("sort", "sort_desc", "label_column") if key in entry}
        assert named <= columns, (table, named - columns)


def test_every_canned_query_runs(metadata, database):
    queries = metadata["databases"][DEFAULT_DATABASE]["queries"]
    answers = {}
    for name, query in queries.items():
        parameters = {p: "oh" if p == "state" else "1" for p in re.findall(r"(?<!:):(\w+)", query["sql"])}
        cursor = database.execute(query["sql"], parameters)
        answers[name] = (tuple(column[0] for column in cursor.description), cursor.fetchall())
    assert len(answers["jobs_in_state"][1]) == 2
    assert [row[0] for row in answers["top_employers"][1]] == ["Pine", "Lone Star"]
    columns, rows = answers["pay_vs_bls_national"]
    assert "bls_national_median_usd" in columns and {row[0] for row in rows} == {"OH", "TX"}
    assert {row[1] for row in answers["credentials_by_role"][1]} == {"RHIT", "CCS"}


def test_metadata_for_another_database_name(metadata):
    renamed = yaml.safe_load(metadata_text("demo"))
    assert list(renamed["databases"]) == ["demo"]
    assert renamed["databases"]["demo"] == metadata["databases"][DEFAULT_DATABASE]


def test_cli_prints_the_metadata_path():
    result = run_cli("datasette-metadata")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(METADATA_PATH)
    result = run_cli("datasette-metadata", "--name", "demo")
    assert result.returncode == 0 and yaml.safe_load(result.stdout)["databases"].keys() == {"demo"}
