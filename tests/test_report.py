"""The HTML report: one self-contained file (charts as data: URIs, nothing fetched over http(s)),
posting text escaped, the BLS benchmark beside advertised pay, and the CSVs written beside it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.orm import Session

from emr_jobs.market.export import EXPORTS
from emr_jobs.market.snapshot import take_snapshot
from emr_jobs.report.html import write_report
from tests.market_data import SEEN, add_posting, market_engine

SCRIPT_TITLE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("report")
    engine = market_engine(f"sqlite:///{tmp_path / 'report.db'}")
    with Session(engine) as session, session.begin():
        add_posting(session, "x", title=SCRIPT_TITLE, hourly=(20, 22), url="javascript:alert(2)")
        add_posting(session, "y", title="Coder & Abstractor", state="TX", annual=(52000, 56000),
                    url="https://example.org/jobs/y", certs=(("CCS", "required"),))
        add_posting(session, "z", title="Medical Records Clerk", work_mode="remote")
    take_snapshot(engine, date(2026, 11, 1), SEEN, [{"source": "lever:<b>down</b>", "status": "failed",
                                                     "error": "HTTP 503"}])
    path = write_report(engine, tmp_path / "out")
    engine.dispose()
    return path, path.read_text(encoding="utf-8")


def test_report_and_csvs_are_written(report):
    path, html = report
    assert path.name == "report.html"
    assert sorted(p.name for p in path.parent.glob("*.csv")) == sorted(f"{name}.csv" for name in EXPORTS)


def test_charts_are_embedded_and_nothing_is_fetched(report):
    _, html = report
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(images) == 6 and all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', html, re.I)
    assert "<script" not in html.lower()


@pytest.mark.parametrize(("present", "absent"), [
    ("&lt;script&gt;alert(1)&lt;/script&gt;", SCRIPT_TITLE),
    ("Coder &amp; Abstractor", "Coder & Abstractor"),
    ("lever:&lt;b&gt;down&lt;/b&gt;", "<b>down</b>"),
    ('href="https://example.org/jobs/y"', 'href="javascript:'),
])
def test_posting_text_is_escaped(report, present, absent):
    _, html = report
    assert present in html and absent not in html


@pytest.mark.parametrize("figure", ["$50,250", "$24.16", "$35,780", "$80,950", "May 2024", "29-2072"])
def test_bls_benchmark_is_shown(report, figure):
    _, html = report
    assert figure in html
