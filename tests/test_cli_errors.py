"""A CLI mistake prints one clear line and exits non-zero, never a traceback."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/emr_jobs"


@pytest.mark.parametrize(
    "args, expected_code, expected_text",
    [
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
        ([], 2, "required: COMMAND"),
        (["stats", "--format", "xml"], 2, "invalid choice: 'xml'"),
        (["export", "postings"], 2, "required: -o/--output"),
        (["--db", UNREACHABLE, "stats"], 1, "cannot open database postgresql://postgres@127.0.0.1:1/emr_jobs"),
        (["--db", "not a url", "stats"], 1, "not a database URL: 'not a url'"),
        (["--db", "mysql+nosuchdriver://x/y", "db", "upgrade"], 1, "cannot use database URL"),
        (["crawl", "--sources", "/nonexistent/sources.toml"], 1, "/nonexistent/sources.toml: no such registry file"),
        # an input file that cannot be read is a failure outside the command line, as a registry file is
        (["normalize", "-i", "/nonexistent/postings.jsonl"], 1, "cannot read /nonexistent/postings.jsonl"),
        (["normalize", "-i", "/"], 1, "cannot read /: Is a directory"),
        (["import", "jobspy", "/nonexistent/jobs.csv"], 1, "cannot read /nonexistent/jobs.csv: no such file"),
        (["import", "jobspy", "/"], 1, "cannot read /: not a file"),
    ],
)
def test_mistakes_print_one_line(args, expected_code, expected_text, sqlite_url):
    if "--db" not in args:
        args = ["--db", sqlite_url, *args]
    result = run_cli(*args)
    assert result.returncode == expected_code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("emr-jobs: error: ")
    assert expected_text in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "registry_text, expected_text",
    [
        ("[[employers]\nslug=", "not valid TOML"),
        ('[[employers]]\nslug = "x"\nname = "X"\n[[employers.sources]]\nplatform = "taleo"\n', "unknown platform 'taleo'"),
        ('[[employers]]\nslug = "x"\nname = "X"\nemployer_type = "bank"\n[[employers.sources]]\nplatform = "lever"\ntoken = "x"\n',
         "unknown employer_type 'bank'"),
        ('[[employers]]\nslug = "x"\nname = "X"\n[[employers.sources]]\nplatform = "greenhouse"\n', "greenhouse source needs 'token'"),
    ],
)
def test_malformed_registry_is_one_line_per_problem(tmp_path, sqlite_url, registry_text, expected_text):
    registry = tmp_path / "sources.toml"
    registry.write_text(registry_text)
    result = run_cli("--db", sqlite_url, "crawl", "--sources", str(registry))
    assert result.returncode == 1
    assert expected_text in result.stderr
    assert all(line.startswith("emr-jobs: error: ") for line in result.stderr.strip().splitlines())
    assert "Traceback" not in result.stderr


def test_export_into_missing_directory(sqlite_url, tmp_path):
    result = run_cli("--db", sqlite_url, "export", "postings", "-o", str(tmp_path / "nope" / "postings.csv"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"emr-jobs: error: directory {tmp_path / 'nope'} does not exist"
