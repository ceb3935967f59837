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


# --- a report an analyst can hand on (issue 13) ---

def test_every_vocabulary_value_has_a_label():
    from emr_jobs.labels import LABELLED_ENUMS, LABELS, label

    missing = [f"{enum.__name__}.{member.name}" for enum in LABELLED_ENUMS for member in enum if member not in LABELS]
    assert missing == []
    assert label("him_leadership") == "HIM leadership" and label("work_from_mars") == "work from mars"


def test_labels_are_readable_not_stored_values(report):
    _, html = report
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert "Medical records" in cells and "On site" in cells and "Remote" in cells
    assert not {"medical_records", "onsite", "obtain_after_hire", "him_leadership", "entry_level"} & set(cells)


def test_every_chart_and_table_gives_its_n(report):
    _, html = report
    alts = re.findall(r'<img[^>]+alt="([^"]+)"', html)
    assert len(alts) == 6 and all(re.search(r"\(n = [\d,]+\)", alt) for alt in alts)
    tables = re.findall(r"<table>(.*?)</table>", html, re.S)
    assert tables and all(re.search(r"n\s?=\s?[\d,]+|\(n\)|n=\d", table) for table in tables)


def test_the_trend_says_first_snapshot_until_there_are_two(report):
    _, html = report
    assert "First snapshot" in html


def test_hourly_annualization_is_explained(report):
    _, html = report
    sentence = re.search(r'<p class="muted" id="annualized">(.*?)</p>', html, re.S).group(1)
    assert "2,080 hours" in sentence and "part-time" in sentence and "per-diem" in sentence


def test_bls_figures_beside_state_figures_are_labelled_national(report):
    _, html = report
    by_state = html[html.index("<h2>By state</h2>"):html.index("<h2>By role</h2>")]
    assert "BLS national median" in by_state and "national figure, not the state" in by_state
    assert "BLS OEWS (national)" in html


@pytest.fixture(scope="module")
def wide_report(tmp_path_factory):
    """17 states and every credential of the catalog (20): the state table shows the top 15 and the
    certification chart the top 12, and both say so."""
    tmp_path = tmp_path_factory.mktemp("wide")
    engine = market_engine(f"sqlite:///{tmp_path / 'wide.db'}")
    states = ["AL", "AZ", "CA", "CO", "FL", "GA", "IL", "MA", "MI", "MN", "NC", "NY", "OH", "OR", "PA", "TX", "WA"]
    with Session(engine) as session, session.begin():
        from sqlalchemy import select

        from emr_jobs.store.models import Certification
        codes = session.scalars(select(Certification.code).order_by(Certification.code)).all()[:25]
        for index, state in enumerate(states):
            add_posting(session, f"s{index}", state=state, hourly=(18 + index, 20 + index),
                        certs=tuple((code, "preferred") for code in codes[index % 5::5]))
        add_posting(session, "all-certs", state="OH", certs=tuple((code, "required") for code in codes))
    path = write_report(engine, tmp_path / "out")
    engine.dispose()
    return path.read_text(encoding="utf-8"), len(codes)


def test_tables_say_when_they_show_the_top_rows(wide_report):
    html, certs = wide_report
    assert "Top 15 of 17 states." in html
    assert certs > 12 and f"Top 12 of {certs} credentials." in html
    assert "No snapshot yet" in html


def test_a_report_over_no_data_says_no_open_postings(tmp_path):
    engine = market_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    html = write_report(engine, tmp_path / "out").read_text(encoding="utf-8")
    engine.dispose()
    assert "No open postings" in html
    assert "<img" not in html


def test_pay_and_count_axes_are_formatted():
    from emr_jobs.report.html import dollars, whole

    assert dollars(52000.0) == "$52,000" and whole(1200.0) == "1,200"


@pytest.fixture(scope="module")
def thin_report(tmp_path_factory):
    """Six priced records jobs in OH, two priced coding jobs in TX: TX's pay is from too few postings."""
    tmp_path = tmp_path_factory.mktemp("thin")
    engine = market_engine(f"sqlite:///{tmp_path / 'thin.db'}")
    with Session(engine) as session, session.begin():
        for i in range(6):
            add_posting(session, f"oh{i}", hourly=(20, 22))
        for i in range(2):
            add_posting(session, f"tx{i}", state="TX", role="coding", annual=(90000, 90000))
    path = write_report(engine, tmp_path / "out")
    engine.dispose()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("section", "row", "cells"), [
    # with pay (n), then annual p25 / median / p75 / hourly median: hourly 21 x 2,080 = 43,680
    ("By state", "OH", ["6", "$43,680", "$43,680", "$43,680", "$21.00"]),
    ("By state", "TX", ["2", *["too few (n=2)"] * 4]),
    ("By role", "Medical records", ["6", "$43,680", "$21.00"]),
    ("By role", "Coding", ["2", "too few (n=2)", "too few (n=2)"]),
])
def test_pay_from_too_few_postings_is_marked_in_the_tables(thin_report, section, row, cells):
    start = thin_report.index(f"<h2>{section}</h2>")
    table = thin_report[start:thin_report.index("</table>", start)]
    found = re.search(rf"<tr><td>{row}</td>(.*?)</tr>", table)
    values = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="n">(.*?)</td>', found.group(1))]
    assert values[-len(cells):] == cells


def test_pay_charts_leave_out_groups_with_too_few_postings(thin_report):
    assert "Left out for fewer than 5 postings with pay: 1 of the states." in thin_report
    assert "Left out for fewer than 5 postings with pay: 1 of the roles." in thin_report
