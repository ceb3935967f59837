"""`emr-jobs sources list | validate | health`: output, exit codes, one clear line per error and no
traceback; plus the health query itself (market/health.py) on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from emr_jobs.market.health import health_rows, source_health
from emr_jobs.store.db import make_engine, upgrade
from emr_jobs.store.models import CrawlRun, Employer, Source
from tests.conftest import run_cli, write_registry

REGISTRY = [
    {"slug": "acme", "name": "Acme Health", "employer_type": "hospital", "hq_state": "OH", "sources": [
        {"platform": "greenhouse", "token": "acme"},
        {"platform": "workday", "tenant": "acme", "instance": "wd5", "site": "External", "enabled": False},
    ]},
    {"slug": "beta-coding", "name": "Beta Coding", "employer_type": "staffing_outsourcing", "verified": False,
     "sources": [{"platform": "lever", "token": "betacoding"}]},
]
T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
# source key -> statuses of its runs, oldest first
RUNS = {
    "greenhouse:acme": ["ok", "failed", "ok", "empty", "ok"],
    "lever:betacoding": ["ok", "ok", "drift"],
}


def parse_table(stdout: str) -> list[dict[str, str]]:
    """Rows of emr_jobs.cli.tables.render_table output (columns are two or more spaces apart)."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    header = re.split(r"\s{2,}", lines[0].strip())
    rows = []
    for line in lines[2:]:
        if set(line.strip()) <= {"-", " "}:
            continue
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == len(header):
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def assert_one_error_line(result, code: int, fragment: str) -> None:
    assert result.returncode == code
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("emr-jobs: error: ") and fragment in lines[0], result.stderr


def seed_runs(url: str, runs: dict[str, list[str]]) -> None:
    """Employers, sources and crawl runs written directly through the ORM (one day apart)."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for slug in ("acme", "beta-coding"):
            session.add(Employer(slug=slug, name=slug.title(), employer_type="hospital"))
        session.flush()
        employer_ids = {e.slug: e.id for e in session.query(Employer)}
        for key, statuses in runs.items():
            platform, token = key.split(":")
            source = Source(key=key, platform=platform, identifiers={"token": token},
                            employer_id=employer_ids["acme" if token == "acme" else "beta-coding"])
            session.add(source)
            session.flush()
            for day, status in enumerate(statuses):
                session.add(CrawlRun(source_id=source.id, started_at=T0 + timedelta(days=day),
                                     finished_at=T0 + timedelta(days=day, minutes=3), status=status,
                                     items_kept=10 + day, http_errors=0 if status == "ok" else 2,
                                     error=None if status in ("ok", "empty") else f"{status} on day {day}"))
        session.commit()
    engine.dispose()


# --- validate ---

def test_validate_the_shipped_registry():
    result = run_cli("sources", "validate")
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"(\d+) employers, (\d+) sources: valid\n", result.stdout)
    assert match and int(match.group(1)) >= 150 and int(match.group(2)) >= int(match.group(1))


def test_validate_lists_every_problem_one_line_each(tmp_path):
    path = write_registry(tmp_path / "bad.toml", [
        {**REGISTRY[0], "employer_type": "clinic"},
        {**REGISTRY[1], "name": "ACME health", "sources": [{"platform": "taleo", "token": "x"}]},
    ])
    result = run_cli("sources", "validate", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert [line.split(": ", 3)[3] for line in result.stderr.splitlines()] == [
        "employer 'acme': unknown employer_type 'clinic' (one of hospital, physician_practice, long_term_care, "
        "ambulatory_surgery, government, insurance, health_tech, staffing_outsourcing, other)",
        "employer 'beta-coding' source #1: unknown platform 'taleo' (one of greenhouse, lever, ashby, "
        "smartrecruiters, workday, oracle, usajobs, jsonld, icims)",
        "employer 'beta-coding': duplicate name 'ACME health' (also employer 'acme')",
    ]
    assert all(line.startswith(f"emr-jobs: error: {path}: ") for line in result.stderr.splitlines())


def test_validate_a_missing_file(tmp_path):
    assert_one_error_line(run_cli("sources", "validate", str(tmp_path / "nope.toml")), 1, "no such registry file")


# --- list ---

def test_list_json_filtered_by_platform():
    result = run_cli("sources", "list", "--platform", "usajobs", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["platform"] for row in rows} == {"usajobs"}
    va = [row for row in rows if row["employer"] == "veterans-health-administration"]
    assert va == [{"employer": "veterans-health-administration", "type": "government", "platform": "usajobs",
                   "key": "usajobs:series=0675/organization=VATA", "enabled": True, "verified": False}]


@pytest.mark.parametrize(("fmt", "expected"), [
    ("csv", [["employer", "type", "platform", "key", "enabled", "verified"],
             ["acme", "hospital", "greenhouse", "greenhouse:acme", "yes", "yes"],
             ["acme", "hospital", "workday", "workday:acme/wd5/External", "no", "yes"],
             ["beta-coding", "staffing_outsourcing", "lever", "lever:betacoding", "yes", "no"]]),
    ("table", [{"employer": "acme", "type": "hospital", "platform": "greenhouse", "key": "greenhouse:acme",
                "enabled": "yes", "verified": "yes"},
               {"employer": "acme", "type": "hospital", "platform": "workday", "key": "workday:acme/wd5/External",
                "enabled": "no", "verified": "yes"},
               {"employer": "beta-coding", "type": "staffing_outsourcing", "platform": "lever",
                "key": "lever:betacoding", "enabled": "yes", "verified": "no"}]),
])
def test_list_a_registry_file(tmp_path, fmt, expected):
    path = write_registry(tmp_path / "sources.toml", REGISTRY)
    result = run_cli("sources", "list", "--sources", str(path), "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(result.stdout))) == expected
    else:
        assert parse_table(result.stdout) == expected
        assert result.stdout.rstrip().endswith("2 employers, 3 sources")


@pytest.mark.parametrize(("args", "code", "fragment"), [
    (("sources", "list", "--platform", "taleo"), 2, "argument --platform: invalid choice: 'taleo'"),
    (("sources", "health", "--limit", "0"), 2, "--limit must be at least 1, got 0"),
    (("sources", "health", "--limit", "many"), 2, "argument --limit: invalid int value: 'many'"),
    (("sources",), 2, "the following arguments are required: ACTION"),
])
def test_usage_errors_are_one_line(tmp_path, args, code, fragment):
    assert_one_error_line(run_cli("--db", f"sqlite:///{tmp_path / 'x.db'}", *args), code, fragment)


# --- health ---

def test_health_shows_each_sources_runs(sqlite_url, tmp_path):
    seed_runs(sqlite_url, RUNS)
    path = write_registry(tmp_path / "sources.toml", REGISTRY)
    result = run_cli("--db", sqlite_url, "sources", "health", "--limit", "3", "--sources", str(path))
    assert result.returncode == 0, result.stderr
    rows = {row["source"]: row for row in parse_table(result.stdout)}
    assert rows["greenhouse:acme"] == {
        "employer": "acme", "source": "greenhouse:acme", "last status": "ok", "last run (UTC)": "2026-03-05 06:00",
        "kept": "14", "http errors": "0", "runs": "3", "unsuccessful": "0", "streak": "3"}
    assert rows["lever:betacoding"] == {
        "employer": "beta-coding", "source": "lever:betacoding", "last status": "drift",
        "last run (UTC)": "2026-03-03 06:00", "kept": "12", "http errors": "2", "runs": "3", "unsuccessful": "1",
        "streak": "0"}
    assert rows["workday:acme/wd5/External"]["last status"] == "never (disabled)"
    assert "3 sources; runs, unsuccessful: over each source's last 3 runs" in result.stdout


def test_health_on_an_empty_database(sqlite_url):
    upgrade(sqlite_url)  # a read command never creates the database (tests/test_bad_inputs.py)
    result = run_cli("--db", sqlite_url, "sources", "health")
    assert result.returncode == 0, result.stderr
    assert parse_table(result.stdout) == []
    assert "0 sources;" in result.stdout


@pytest.mark.parametrize(("limit", "expected"), [
    # (key, runs, unsuccessful, streak, last status)
    (10, [("lever:betacoding", 3, 1, 0, "drift"), ("greenhouse:acme", 5, 1, 3, "ok")]),
    (2, [("lever:betacoding", 2, 1, 0, "drift"), ("greenhouse:acme", 2, 0, 3, "ok")]),
    (1, [("lever:betacoding", 1, 1, 0, "drift"), ("greenhouse:acme", 1, 0, 3, "ok")]),
])
def test_source_health_query(db_url, limit, expected):
    seed_runs(db_url, RUNS)
    engine = make_engine(db_url)
    with Session(engine) as session:
        health = source_health(session, limit)
        only_acme = source_health(session, limit, keys=["greenhouse:acme"])
    engine.dispose()
    assert [(h.key, h.runs, h.unsuccessful, h.streak, h.last_status) for h in health] == expected
    assert [h.key for h in only_acme] == ["greenhouse:acme"]
    assert health[0].last_started_at == T0 + timedelta(days=2)
    assert health[0].last_error == "drift on day 2"
    assert health_rows(health)[1][2:6] == ["ok", "2026-03-05 06:00", 14, 0]
