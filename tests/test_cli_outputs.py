"""Outputs that fit the shell and the spreadsheet, and filters that are checked (issue 13): --db on
either side of the command, --version, `export -o -`, status on stderr, shares rounded once and the
same everywhere, CSV types, the postings export's columns, every filter applied or refused, the
README's normalize example, "no open postings"."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from emr_jobs import __version__
from emr_jobs.market.export import EXPORT_FILTERS
from emr_jobs.market.queries import percent_text, share
from emr_jobs.market.snapshot import take_snapshot
from emr_jobs.store.models import PostingDuplicate
from emr_jobs.vocabulary import US_STATE_CODES, Role, values
from tests.conftest import ROOT, run_cli
from tests.market_data import SEEN, add_posting, market_engine

# (external id, state, role, work mode, employment type, certifications, annual pay)
POSTINGS = [
    ("a1", "OH", "medical_records", "onsite", "full_time", (("RHIT", "required"),), (40000, 50000)),
    ("a2", "OH", "medical_records", "onsite", "part_time", (("RHIT", "preferred"), ("CCS", "obtain_after_hire")), None),
    ("a3", "OH", "coding", "remote", "full_time", (("CCS", "required"),), (60000, 70000)),
    ("a4", "TX", "coding", "remote", "full_time", (), (62000, 72000)),
    ("a5", "TX", "cdi", "hybrid", "contract", (("RHIA", "preferred"),), None),
    ("a6", "AZ", "registry", "onsite", "full_time", (), (50000, 56000)),
    ("a7", "AZ", "release_of_information", "unknown", None, (), None),
]
EVIDENCE = {"role": "Medical Records Clerk", "work_mode": "on-site role", "employment_type": "Full-time"}


@pytest.fixture(scope="module")
def market(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("outputs") / "market.db"
    url = f"sqlite:///{path}"
    engine = market_engine(url)
    with Session(engine) as session, session.begin():
        ids = {}
        for external_id, state, role, mode, employment, certs, annual in POSTINGS:
            ids[external_id] = add_posting(session, external_id, state=state, role=role, work_mode=mode,
                                           employment_type=employment, certs=certs, annual=annual,
                                           evidence=EVIDENCE).id
        # a repost on another source: one job with a1 (a1 canonical)
        ids["r1"] = add_posting(session, "r1", source="lever:pine", state="OH", role="medical_records",
                                work_mode="onsite", annual=(40000, 50000)).id
        session.add_all([PostingDuplicate(posting_id=ids["a1"], canonical_posting_id=ids["a1"], matched_by="text",
                                          similarity=1.0, grouped_at=SEEN),
                         PostingDuplicate(posting_id=ids["r1"], canonical_posting_id=ids["a1"], matched_by="text",
                                          similarity=0.95, grouped_at=SEEN)])
    take_snapshot(engine, date(2026, 11, 1), SEEN)
    engine.dispose()
    return url


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("command", [["stats", "--format", "json"], ["sources", "health"], ["db", "upgrade"],
                                     ["export", "employers", "-o", "-"], ["outlook", "--format", "json"]])
def test_db_before_or_after_the_command(market, command):
    before = run_cli("--db", market, *command)
    after = run_cli(*command, "--db", market)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout
    assert before.stderr == after.stderr


def test_version():
    result = run_cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"emr-jobs {__version__}")


@pytest.mark.parametrize(("what", "first_column", "rows"), [
    ("postings", "id", 8), ("summary", "snapshot_date", None), ("certifications", "code", 3),
    ("employers", "slug", 1), ("trend", "snapshot_date", 1),
])
def test_export_to_stdout_with_status_on_stderr(market, what, first_column, rows):
    result = run_cli("--db", market, "export", what, "-o", "-")
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0][0] == first_column
    if rows is not None:
        assert len(table) - 1 == rows
    assert result.stderr == f"wrote {len(table) - 1} {what} row(s) to stdout\n"


@pytest.mark.parametrize(("command", "stdout_holds"), [
    (["db", "upgrade"], ""), (["report", "-o", "{tmp}/report"], ""),
    (["export", "postings", "-o", "{tmp}/p.csv"], ""),
])
def test_status_messages_go_to_stderr(market, tmp_path, command, stdout_holds):
    result = run_cli("--db", market, *[part.replace("{tmp}", str(tmp_path)) for part in command])
    assert result.returncode == 0, result.stderr
    assert result.stdout == stdout_holds
    assert result.stderr.strip()


@pytest.mark.parametrize(("part", "whole", "expected", "text"), [
    (1, 8, 0.125, "12.50%"), (1, 3, 0.3333, "33.33%"), (2, 3, 0.6667, "66.67%"),
    (2469, 20000, 0.1235, "12.35%"),  # exactly half way: rounded up once (a float would say 0.1234 or 12.3%)
    (1, 20000, 0.0001, "0.01%"), (0, 5, 0.0, "0.00%"), (5, 0, None, "-"), (7, 7, 1.0, "100.00%"),
])
def test_a_share_is_rounded_once(part, whole, expected, text):
    assert share(part, whole) == expected
    assert percent_text(share(part, whole)) == text


def test_stats_stats_by_and_the_report_agree_to_the_digit(market, tmp_path):
    overview = run_cli("--db", market, "stats").stdout
    by_mode = run_cli("--db", market, "stats", "--by", "work-mode").stdout
    run_cli("--db", market, "report", "-o", str(tmp_path / "report"))
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    expected = {"onsite": "42.86%", "remote": "28.57%", "hybrid": "14.29%", "unknown": "14.29%"}  # of 7 unique jobs
    for mode, percent in expected.items():
        assert re.search(rf"^{mode}\s+\d+\s+{re.escape(percent)}$", overview, re.M), overview
        assert re.search(rf"^{mode}\s+.*\s{re.escape(percent)}\s", by_mode, re.M), by_mode
    assert all(percent in html for percent in expected.values())


def test_csv_types(market):
    summary = csv_rows(run_cli("--db", market, "export", "summary", "-o", "-").stdout)
    trend = csv_rows(run_cli("--db", market, "export", "trend", "-o", "-").stdout)
    for row in summary + trend:
        assert row["method_version"].startswith("v") and not re.fullmatch(r"[\d.]+", row["method_version"])
    counts = [row["value"] for row in summary if row["metric"] in ("active_unique", "active_total", "new_unique")]
    assert counts and all(re.fullmatch(r"\d+", value) for value in counts)
    assert (trend[0]["active_unique"], trend[0]["active_total"], trend[0]["new_unique"]) == ("7", "8", "7")
    assert re.fullmatch(r"0\.\d+|1\.0", trend[0]["pay_disclosed_share"])


def test_postings_export_columns(market):
    rows = {row["external_id"]: row for row in csv_rows(run_cli("--db", market, "export", "postings", "-o", "-").stdout)}
    assert rows["a2"]["certifications"] == "CCS:obtain_after_hire;RHIT:preferred"
    assert rows["a1"]["certifications"] == "RHIT:required"
    assert rows["a4"]["certifications"] == ""
    assert (rows["a2"]["role"], rows["a2"]["employment_type"]) == ("medical_records", "part_time")
    assert (rows["a1"]["evidence_role"], rows["a1"]["evidence_work_mode"], rows["a1"]["evidence_employment_type"]) == \
        ("Medical Records Clerk", "on-site role", "Full-time")
    assert rows["a1"]["duplicate_of"] == ""  # the canonical posting is no one's duplicate
    assert rows["r1"]["duplicate_of"] == rows["a1"]["id"]
    assert (rows["a1"]["unique_job"], rows["r1"]["unique_job"]) == ("True", "False")


# Every (export, filter) the CLI offers narrows that export; every other is refused.
FILTER_VALUES = {"--state": ["--state", "tx"], "--role": ["--role", "coding"], "--since": ["--since", "2000-01-01"],
                 "--include-closed": ["--include-closed"]}


@pytest.mark.parametrize(("what", "flag"), [(what, flag) for what in EXPORT_FILTERS for flag in FILTER_VALUES])
def test_every_export_filter_applies_or_is_refused(market, what, flag):
    plain = run_cli("--db", market, "export", what, "-o", "-")
    filtered = run_cli("--db", market, "export", what, "-o", "-", *FILTER_VALUES[flag])
    if flag not in EXPORT_FILTERS[what]:
        assert filtered.returncode == 2
        assert f"export {what} does not take {flag}" in filtered.stderr
        return
    assert filtered.returncode == 0, filtered.stderr
    if flag in ("--state", "--role") and what != "trend":
        assert filtered.stdout != plain.stdout
    rows = csv_rows(filtered.stdout)
    if what == "postings" and flag == "--state":
        assert {row["state"] for row in rows} == {"TX"}
    if what == "postings" and flag == "--role":
        assert {row["role"] for row in rows} == {"coding"}
    if what == "trend" and flag in ("--state", "--role"):  # the trend of that state's / role's series
        assert [row["active_unique"] for row in rows] == ["2"]


@pytest.mark.parametrize(("flag", "value", "same_as"), [
    ("--state", "oh", "OH"), ("--state", "Tx", "TX"), ("--role", "coding", "coding"),
])
def test_state_in_any_case(market, flag, value, same_as):
    lower = run_cli("--db", market, "stats", flag, value, "--format", "json")
    upper = run_cli("--db", market, "stats", flag, same_as, "--format", "json")
    assert lower.returncode == 0 and lower.stdout == upper.stdout


@pytest.mark.parametrize("command", [["stats"], ["outlook"], ["export", "postings"]])
def test_help_lists_the_choices(command):
    text = " ".join(run_cli(*command, "--help").stdout.split())
    assert all(role in text for role in values(Role))
    assert "AK ... WY, DC, PR" in text
    assert len(US_STATE_CODES) == 52


@pytest.mark.parametrize(("command", "expected"), [
    (["stats"], "no open postings\n"), (["stats", "--by", "state"], "no open postings\n"),
    (["stats", "--by", "certification"], "no open postings\n"), (["outlook"], "no open postings\n"),
    (["stats", "--state", "WY"], "no open postings\n"),
])
def test_no_data_says_no_open_postings(sqlite_url, market, command, expected):
    db = market if "--state" in command else sqlite_url
    if db == sqlite_url:
        market_engine(sqlite_url).dispose()
    result = run_cli("--db", db, *command)
    assert (result.returncode, result.stdout) == (0, expected)


def test_report_over_no_data_is_refused(sqlite_url, tmp_path):
    market_engine(sqlite_url).dispose()
    result = run_cli("--db", sqlite_url, "report", "-o", str(tmp_path / "report"))
    assert result.returncode == 1
    assert result.stderr == "emr-jobs: error: no open postings: no report written (crawl first, or give --db)\n"
    assert not (tmp_path / "report").exists()


def test_readme_normalize_example_works_when_pasted():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(echo .*?emr-jobs normalize)\n```", readme, re.S).group(1)
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(["bash", "-c", block], capture_output=True, text=True, cwd=ROOT,
                            env={"PATH": f"{bin_dir}:/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["role"], record["pay"]["period"], record["certifications"], record["state"]) == \
        ("medical_records", "hour", {"RHIT": "preferred"}, "OK")


def test_platform_choices_are_the_vocabulary_and_the_spiders():
    from emr_jobs.runs.crawl import SPIDER_CLASSES
    from emr_jobs.spiders.registry import PLATFORM_IDENTIFIERS
    from emr_jobs.vocabulary import Platform

    assert set(values(Platform)) == set(PLATFORM_IDENTIFIERS) == set(SPIDER_CLASSES)


def test_state_codes_are_those_the_location_normalizer_gives():
    from emr_jobs.pipeline.location import STATE_CODES

    assert set(US_STATE_CODES) == set(STATE_CODES)
