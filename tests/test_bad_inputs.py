"""Every subcommand over bad inputs, each in a fresh process: exactly one line on stderr, no
traceback, the exit code the README documents (issue 13). Read-only folders and files are real:
when the tests run as root (who may write anywhere) the command runs without the capabilities that
let root ignore file modes."""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from emr_jobs.store.db import upgrade
from tests.conftest import ROOT
from tests.market_data import add_posting, market_engine

USAGE, FAILURE = 2, 1  # README "Exit codes"

UNREACHABLE_REGISTRY = """[[employers]]
slug = "x"
name = "X"
employer_type = "hospital"
[[employers.sources]]
platform = "greenhouse"
token = "x"
base_url = "http://127.0.0.1:9"
"""
FTP_REGISTRY = UNREACHABLE_REGISTRY.replace('platform = "greenhouse"\ntoken = "x"\nbase_url = "http://127.0.0.1:9"',
                                            'platform = "jsonld"\nurl = "ftp://example.com/careers"')
GOOD_LINE = ('{"id": "1", "title": "Medical Records Clerk", "employer": "Mercy Hospital", "location": "Tulsa, OK", '
             '"description": "Pay: $17.50 - $21.00 per hour. RHIT preferred. This is an on-site role."}\n')


PR_CAPBSET_DROP = 24
DAC_CAPABILITIES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _drop_root() -> None:
    """Root without the capabilities that ignore file modes: a 0555 folder is read-only to it too."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in DAC_CAPABILITIES:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            os._exit(99)


def run_as_user(*args: str, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """`emr-jobs ARGS` in a fresh interpreter, as an ordinary user would run it: when we are root,
    without the capabilities that override file modes (so read-only means read-only)."""
    full_env = {key: value for key, value in os.environ.items() if key != "EMR_JOBS_DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "emr_jobs", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=ROOT,
                          preexec_fn=_drop_root if os.geteuid() == 0 else None)


@pytest.fixture(scope="module")
def ws() -> Path:
    """A folder every user may write, holding: a database at head with postings, one at an older
    schema, an empty file, a read-only folder, a read-only file, registries and input files."""
    path = Path(tempfile.mkdtemp(prefix="emr-bad-inputs-"))
    path.chmod(0o777)
    engine = market_engine(f"sqlite:///{path / 'market.db'}")
    with Session(engine) as session, session.begin():
        add_posting(session, "p1", state="OH", annual=(40000, 50000))
    engine.dispose()
    upgrade(f"sqlite:///{path / 'old.db'}", "0005")
    (path / "empty.db").write_bytes(b"")
    (path / "adir").mkdir()
    (path / "afile").write_text("not a directory")
    (path / "ro").mkdir()
    (path / "ro-file.csv").write_text("")
    (path / "ro-file.csv").chmod(0o444)
    (path / "unreachable.toml").write_text(UNREACHABLE_REGISTRY)
    (path / "ftp.toml").write_text(FTP_REGISTRY)
    (path / "bad-utf8.jsonl").write_bytes(GOOD_LINE.encode() + b'{"id": "2", "title": "\xff\xfe"}\n')
    for item in path.iterdir():
        if item.name != "ro-file.csv":
            item.chmod(0o777 if item.is_dir() else 0o666)
    (path / "ro").chmod(0o555)
    yield path
    (path / "ro").chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


# (args, exit code, text the one stderr line holds); {ws} is the workspace, {db} its database
CASES = [
    # outputs that cannot be written
    (["export", "postings", "-o", "{ws}/adir"], USAGE, "adir is a directory"),
    (["export", "postings", "-o", "{ws}/ro/postings.csv"], USAGE, "cannot write into {ws}/ro: permission denied"),
    (["export", "postings", "-o", "{ws}/ro-file.csv"], USAGE, "cannot write {ws}/ro-file.csv: permission denied"),
    (["export", "postings", "-o", "{ws}/nope/postings.csv"], USAGE, "directory {ws}/nope does not exist"),
    (["report", "-o", "{ws}/afile"], USAGE, "afile exists and is not a directory"),
    (["report", "-o", "{ws}/ro/report"], USAGE, "cannot write into {ws}/ro: permission denied"),
    (["demo", "--out", "{ws}/afile"], USAGE, "afile exists and is not a directory"),
    (["demo", "--out", "{ws}/ro/demo"], USAGE, "cannot write into {ws}/ro: permission denied"),
    (["normalize", "-i", "{ws}/bad-utf8.jsonl", "-o", "{ws}/ro/out.jsonl"], USAGE, "cannot write into {ws}/ro"),
    # databases that cannot be created, do not exist, or are not at head
    (["--db", "sqlite:///{ws}/ro/sub/x.db", "db", "upgrade"], FAILURE, "cannot create the database folder {ws}/ro/sub"),
    (["--db", "sqlite:///{ws}/ro/x.db", "crawl", "--sources", "{ws}/unreachable.toml"], FAILURE,
     "cannot write the database in {ws}/ro"),
    (["--db", "sqlite:///{ws}/missing/x.db", "stats"], FAILURE, "no database at {ws}/missing/x.db"),
    (["--db", "sqlite:///{ws}/missing/x.db", "stats", "--by", "state"], FAILURE, "no database at"),
    (["--db", "sqlite:///{ws}/missing/x.db", "outlook"], FAILURE, "no database at"),
    (["--db", "sqlite:///{ws}/missing/x.db", "export", "postings", "-o", "-"], FAILURE, "no database at"),
    (["--db", "sqlite:///{ws}/missing/x.db", "report", "-o", "{ws}/report-missing"], FAILURE, "no database at"),
    (["--db", "sqlite:///{ws}/missing/x.db", "sources", "health"], FAILURE, "no database at"),
    (["--db", "sqlite:///{ws}/empty.db", "stats"], FAILURE, "is not an emr-jobs database (no schema)"),
    (["--db", "sqlite:///{ws}/old.db", "stats"], FAILURE, "is at revision 0005, older than this version's"),
    (["--db", "sqlite:///{ws}/old.db", "export", "summary", "-o", "-"], FAILURE, "older than this version's"),
    # flags checked against their vocabulary
    (["stats", "--state", "ZZ"], USAGE, "argument --state: not a US state code: 'ZZ'"),
    (["outlook", "--state", "Ohio"], USAGE, "not a US state code: 'Ohio'"),
    (["export", "postings", "-o", "-", "--state", "XX"], USAGE, "not a US state code: 'XX'"),
    (["stats", "--role", "nurse"], USAGE, "argument --role: invalid choice: 'nurse'"),
    (["stats", "--by", "color"], USAGE, "argument --by: invalid choice: 'color'"),
    (["crawl", "--platform", "taleo"], USAGE, "argument --platform: invalid choice: 'taleo'"),
    (["export", "summary", "-o", "-", "--state", "AZ"], USAGE, "export summary does not take --state"),
    (["export", "summary", "-o", "-", "--role", "coding"], USAGE, "export summary does not take --role"),
    (["export", "trend", "-o", "-", "--include-closed"], USAGE, "export trend does not take --include-closed"),
    (["export", "employers", "-o", "-", "--include-closed"], USAGE, "does not take --include-closed"),
    (["export", "trend", "-o", "-", "--state", "OH", "--role", "coding"], USAGE, "give --state or --role, not both"),
    # settings and schedules
    (["schedule", "--misfire-grace-hours", "0"], USAGE, "not a positive number of hours: '0'"),
    (["schedule", "--misfire-grace-hours", "-2"], USAGE, "not a positive number of hours: '-2'"),
    (["schedule", "--cron", "not a cron"], USAGE, "--cron:"),
    (["crawl", "--sources", "{ws}/unreachable.toml", "-s", "DOWNLOAD_DELAY=abc"], USAGE,
     "-s DOWNLOAD_DELAY=abc: expected a number"),
    (["refresh", "--sources", "{ws}/unreachable.toml", "-s", "RETRY_TIMES=many"], USAGE,
     "-s RETRY_TIMES=many: expected a number"),
    (["crawl", "--sources", "{ws}/unreachable.toml", "-s", "ROBOTSTXT_OBEY=maybe"], USAGE, "expected True or False"),
    (["sources", "health", "--limit", "0"], USAGE, "--limit must be at least 1"),
    # the demo makes its own database
    (["demo", "--out", "{ws}/demo-db", "--db", "{db}"], USAGE, "it does not take --db"),
    # registries
    (["sources", "validate", "{ws}/ftp.toml"], FAILURE, "jsonld url must be an http(s) URL, got 'ftp://example.com"),
    # an unreachable board: one line for its source (the detail is in its crawl run and --verbose)
    (["crawl", "--quiet", "--sources", "{ws}/unreachable.toml", "-s", "RETRY_TIMES=0"], FAILURE,
     "failed: greenhouse:x: http://127.0.0.1:9/v1/boards/x/jobs?content=true: Connection was refused"),
    # a half-read input file: the good line's output is kept, the exit says that a line failed
    (["normalize", "-i", "{ws}/bad-utf8.jsonl"], FAILURE, "1 line(s) could not be normalized"),
]


def _fill(value: str, ws: Path, db: str) -> str:
    return value.replace("{ws}", str(ws)).replace("{db}", db)


@pytest.mark.parametrize(("args", "code", "text"), CASES, ids=[" ".join(case[0])[:60] for case in CASES])
def test_bad_input_is_one_line_and_its_exit_code(ws, args, code, text):
    db = f"sqlite:///{ws / 'market.db'}"
    args = [_fill(arg, ws, db) for arg in args]
    if "--db" not in args and args[0] not in ("sources", "demo"):
        args = ["--db", db, *args]
    result = run_as_user(*args)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert _fill(text, ws, db) in lines[0]
    assert result.returncode == code, result.stderr


def test_schedule_refuses_a_bad_grace_before_saying_when_it_runs(ws):
    result = run_as_user("--db", f"sqlite:///{ws / 'market.db'}", "schedule", "--misfire-grace-hours", "0")
    assert "next at" not in result.stdout + result.stderr
    assert result.returncode == USAGE


@pytest.mark.parametrize("command", [["stats"], ["stats", "--by", "state"], ["outlook"], ["export", "postings", "-o", "-"],
                                     ["report", "-o", "REPORT"], ["sources", "health"]])
def test_read_commands_never_create_a_missing_database(ws, command):
    missing = ws / "never" / "made" / "emr_jobs.db"
    command = [str(ws / "report-never") if part == "REPORT" else part for part in command]
    result = run_as_user("--db", f"sqlite:///{missing}", *command)
    assert result.returncode == FAILURE
    assert result.stderr.strip() == (f"emr-jobs: error: no database at {missing} (run 'emr-jobs crawl' or "
                                     "'emr-jobs db upgrade' to create one, or give --db URL)")
    assert not (ws / "never").exists()
    assert not (ws / "report-never").exists()


@pytest.mark.parametrize(("command", "code", "text"), [
    (["db", "upgrade"], FAILURE, "cannot create the database folder {ws}/ro/.local/share/emr-jobs"),
    (["stats"], FAILURE, "no database at {ws}/ro/.local/share/emr-jobs/emr_jobs.db"),
])
def test_default_database_when_home_is_not_writable(ws, command, code, text):
    result = run_as_user(*command, env={"HOME": str(ws / "ro"), "XDG_DATA_HOME": ""})
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert _fill(text, ws, "") in result.stderr
    assert result.returncode == code


def test_invalid_utf8_file_keeps_the_good_lines_like_stdin(ws):
    from_file = run_as_user("normalize", "-i", str(ws / "bad-utf8.jsonl"))
    from_stdin = subprocess.run([sys.executable, "-m", "emr_jobs", "normalize"], input=(ws / "bad-utf8.jsonl").read_bytes(),
                                capture_output=True, cwd=ROOT)
    assert from_file.stdout.encode() == from_stdin.stdout
    lines = from_file.stdout.splitlines()
    assert len(lines) == 2
    assert '"id": "1", "relevant": true, "role": "medical_records"' in lines[0]
    assert lines[1] == '{"id": null, "line": 2, "error": "not valid UTF-8 (character 23)"}'
    assert (from_file.returncode, from_stdin.returncode) == (FAILURE, FAILURE)


def test_unreachable_board_detail_is_in_the_crawl_run_and_verbose(ws):
    db = f"sqlite:///{ws / 'crawl.db'}"
    quiet = run_as_user("--db", db, "crawl", "--quiet", "--sources", str(ws / "unreachable.toml"), "-s", "RETRY_TIMES=0")
    assert quiet.returncode == FAILURE and quiet.stderr.count("\n") == 1
    verbose = run_as_user("--db", db, "crawl", "--verbose", "--quiet", "--sources", str(ws / "unreachable.toml"),
                          "-s", "RETRY_TIMES=0")
    assert "Connection was refused" in verbose.stderr and verbose.stderr.count("\n") > 3
    health = run_as_user("--db", db, "sources", "health")
    assert health.returncode == 0, health.stderr
    assert "greenhouse:x" in health.stdout and "failed" in health.stdout


def test_a_read_only_database_copy_can_be_read(ws, tmp_path):
    """A copy in a read-only folder, itself read-only, at head: stats read it, and nothing is written
    (no migration, no switch to WAL, no -wal or -shm file)."""
    folder = ws / "ro-copy"
    folder.mkdir()
    shutil.copy(ws / "market.db", folder / "market.db")
    (folder / "market.db").chmod(0o444)
    folder.chmod(0o555)
    before = hashlib.sha256((folder / "market.db").read_bytes()).hexdigest()
    try:
        result = run_as_user("--db", f"sqlite:///{folder / 'market.db'}", "stats", "--format", "json")
        assert result.returncode == 0, result.stderr
        assert '"postings": 1' in result.stdout
        assert sorted(item.name for item in folder.iterdir()) == ["market.db"]
        assert hashlib.sha256((folder / "market.db").read_bytes()).hexdigest() == before
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(("error", "code", "line"), [
    (RuntimeError("boom\nsecond line"), 70, "emr-jobs: error: unexpected RuntimeError: boom (run again with --verbose "
                                            "for the details)"),
    (PermissionError(13, "Permission denied", "/some/file"), FAILURE, "emr-jobs: error: cannot use /some/file: "
                                                                      "Permission denied"),
])
def test_an_unexpected_error_is_one_line_and_verbose_shows_it(monkeypatch, capsys, error, code, line):
    from emr_jobs.cli import main as cli

    def broken(args):
        raise error

    monkeypatch.setitem(cli.HANDLERS, "stats", broken)
    assert cli.main(["stats"]) == code
    assert capsys.readouterr().err == line + "\n"
    with pytest.raises(type(error)):
        cli.main(["--verbose", "stats"])
