"""The HTML market report: one self-contained file (charts are base64 PNG data URIs drawn with
matplotlib's Agg backend; no script, stylesheet or image is fetched from the network) rendered by
Jinja2 with autoescaping, so posting text shows as text. The CSV exports are written beside it."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from sqlalchemy import Engine, Integer, cast, func, literal, select
from sqlalchemy.orm import Session

from emr_jobs.labels import label
from emr_jobs.market.bls import BLS_OEWS_2024, compare
from emr_jobs.market.export import EXPORTS, export_market
from emr_jobs.market.outlook import MIN_CELL, outlook
from emr_jobs.market.queries import (
    ANNUAL_MID,
    HOURLY_MID,
    Filters,
    certification_stats,
    grouped_quantiles,
    not_duplicate,
    pay_usd,
    percent_text,
    share,
    stats_by,
)
from emr_jobs.store.models import Employer, MarketSnapshot, MarketSnapshotValue, Posting
from emr_jobs.vocabulary import PERIODS_PER_YEAR

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAY_BUCKET = 5000  # USD a year per histogram bar
RECENT_POSTINGS = 40
TOP_GROUPS = 15
TOP_CERT_CHART = 12
TOP_CERT_TABLE = 20


@dataclass
class Chart:
    title: str
    data_uri: str
    n: int  # the postings behind the chart
    note: str = ""  # shown under the chart's title (what is left out, what it compares with)


def png_data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def dollars(value: float, _position: object = None) -> str:
    return f"${value:,.0f}"


def whole(value: float, _position: object = None) -> str:
    return f"{value:,.0f}"


def _count_axis(axis) -> None:
    """A count axis: whole numbers only, with thousands separators."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(whole))


def _pay_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(dollars))


def _bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None], xlabel: str, n: int,
               reference: float | None = None, reference_label: str = "", pay: bool = False,
               note: str = "") -> Chart:
    figure = Figure(figsize=(7.5, max(2.2, 0.32 * len(labels) + 1.0)))
    axes = figure.subplots()
    shown = [(label, value) for label, value in zip(labels, values, strict=True) if value is not None]
    axes.barh([label for label, _ in shown][::-1], [value for _, value in shown][::-1], color="#3b6ea5")
    if reference is not None:
        axes.axvline(reference, color="#c0392b", linestyle="--", label=reference_label)
        axes.legend(loc="lower right", fontsize=8)
    if pay:
        _pay_axis(axes.xaxis)
    axes.set_xlabel(xlabel)
    axes.set_title(f"{title} (n = {n:,})")
    return Chart(title, png_data_uri(figure), n, note)


def _pay_histogram(session: Session) -> Chart:
    if session.get_bind().dialect.name == "sqlite":
        bucket = cast(ANNUAL_MID / PAY_BUCKET, Integer)  # truncation is floor for positive pay
    else:
        bucket = cast(func.floor(ANNUAL_MID / PAY_BUCKET), Integer)
    rows = session.execute(select(bucket, func.count()).where(Posting.closed_at.is_(None), not_duplicate(),
                                                             pay_usd(), ANNUAL_MID.is_not(None))
                           .group_by(bucket).order_by(bucket)).all()
    n = sum(count for _, count in rows)
    figure = Figure(figsize=(7.5, 3.4))
    axes = figure.subplots()
    axes.bar([int(b) * PAY_BUCKET + PAY_BUCKET / 2 for b, _ in rows], [count for _, count in rows],
             width=PAY_BUCKET * 0.9, color="#3b6ea5", label="advertised (midpoint of range)")
    for value, name, style in ((BLS_OEWS_2024.annual_p10, "BLS national 10th pct", ":"),
                               (BLS_OEWS_2024.annual_median, "BLS national median", "--"),
                               (BLS_OEWS_2024.annual_p90, "BLS national 90th pct", ":")):
        axes.axvline(value, color="#c0392b", linestyle=style, label=f"{name} ${value:,.0f}")
    _pay_axis(axes.xaxis)
    _count_axis(axes.yaxis)
    axes.set_xlabel("annual pay (USD; hourly pay x 2,080 hours)")
    axes.set_ylabel("open unique jobs")
    axes.legend(fontsize=7)
    axes.set_title(f"Advertised annual pay, open unique jobs with pay (n = {n:,})")
    return Chart("Pay distribution", png_data_uri(figure), n)


def _trend_chart(rows: list[dict[str, Any]]) -> Chart:
    figure = Figure(figsize=(7.5, 3.0))
    axes = figure.subplots()
    dates = [str(row["snapshot_date"]) for row in rows]
    axes.plot(dates, [row.get("active_unique") for row in rows], marker="o", label="unique jobs")
    axes.plot(dates, [row.get("active_total") for row in rows], marker=".", linestyle="--", label="all postings")
    _count_axis(axes.yaxis)
    axes.set_ylabel("active postings")
    axes.legend(fontsize=8)
    if len(rows) < 2:
        message = ("first snapshot: the trend starts with the second" if rows
                   else "no snapshot yet: the trend starts with the second")
        axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center", fontsize=11,
                  color="#555", bbox={"facecolor": "white", "edgecolor": "#ccc"})
    axes.set_title(f"Active postings by snapshot date (n = {len(rows):,} snapshot{'s' if len(rows) != 1 else ''})")
    figure.autofmt_xdate()
    note = "" if len(rows) >= 2 else ("First snapshot: a trend needs two." if rows else "No snapshot yet.")
    return Chart("Trend of active postings", png_data_uri(figure), len(rows), note)


def _cert_chart(certs, scope: int) -> Chart:
    top = certs[:TOP_CERT_CHART]
    figure = Figure(figsize=(7.5, max(2.2, 0.35 * len(top) + 1.0)))
    axes = figure.subplots()
    labels = [c.code for c in top][::-1]
    left = [0.0] * len(top)
    for strength, color in (("required", "#1f4e79"), ("obtain_after_hire", "#5b9bd5"), ("preferred", "#bdd7ee")):
        shares = [100 * (share(c.by_strength.get(strength, 0), c.scope) or 0) for c in top][::-1]
        axes.barh(labels, shares, left=left, color=color, label=label(strength))
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    axes.set_xlabel("% of open unique jobs")
    axes.legend(fontsize=8, loc="lower right")
    axes.set_title(f"Certification demand (n = {scope:,} open unique jobs)")
    return Chart("Certification demand", png_data_uri(figure), scope, top_note(len(top), len(certs), "credentials"))


def top_note(shown: int, total: int, what: str) -> str:
    """"Top 15 of 25 states" when a table or chart leaves some out; empty when it shows them all."""
    return f"Top {shown:,} of {total:,} {what}." if shown < total else ""


def trend_rows(session: Session) -> list[dict[str, Any]]:
    rows: dict[Any, dict[str, Any]] = {}
    for snapshot_date, metric, value in session.execute(
            select(MarketSnapshot.snapshot_date, MarketSnapshotValue.metric, MarketSnapshotValue.value)
            .join(MarketSnapshotValue, MarketSnapshotValue.snapshot_id == MarketSnapshot.id)
            .where(MarketSnapshotValue.dimension == "overall", MarketSnapshotValue.category == "",
                   MarketSnapshotValue.metric.in_(("active_unique", "active_total", "new_unique", "closed_unique",
                                                   "pay_annual_median")))
            .order_by(MarketSnapshot.snapshot_date)):
        rows.setdefault(snapshot_date, {"snapshot_date": snapshot_date})[metric] = value
    return list(rows.values())


def _too_few_note(groups: list, what: str) -> str:
    """Says how many groups with some pay a chart leaves out for having fewer than MIN_CELL postings with pay."""
    left_out = sum(1 for g in groups if 0 < g.with_pay < MIN_CELL)
    return f"Left out for fewer than {MIN_CELL} postings with pay: {left_out} of the {what}." if left_out else ""


def report_context(session: Session) -> dict[str, Any]:
    snapshot = session.scalar(select(MarketSnapshot).order_by(MarketSnapshot.snapshot_date.desc()).limit(1))
    by_state = stats_by(session, "state")
    by_role = stats_by(session, "role")
    by_mode = stats_by(session, "work-mode")
    certs = certification_stats(session)
    unique_jobs = sum(g.postings for g in by_mode)  # every posting has a work mode ("unknown" included)
    total_postings = sum(g.postings_total for g in by_mode)
    with_pay = sum(g.with_pay for g in by_mode)
    current = [Posting.closed_at.is_(None), not_duplicate(), pay_usd()]
    annual = grouped_quantiles(session, select(literal("all").label("g"), ANNUAL_MID.label("x")).where(*current))
    hourly = grouped_quantiles(session, select(literal("all").label("g"), HOURLY_MID.label("x")).where(*current))
    annual_q = annual.get("all", [None] * 3)
    hourly_q = hourly.get("all", [None] * 3)
    trend = trend_rows(session)
    charts: list[Chart] = []
    # a median from fewer than MIN_CELL postings with pay is too few to chart (the tables mark it)
    priced_states = [g for g in by_state if g.pay_annual[1] is not None and g.with_pay >= MIN_CELL]
    top_states = priced_states[:TOP_GROUPS]
    if unique_jobs:
        charts.append(_pay_histogram(session))
        charts.append(_bar_chart(
            "Median advertised annual pay by state", [label(g.group) for g in top_states],
            [g.pay_annual[1] for g in top_states], "median annual pay (USD)", sum(g.with_pay for g in top_states),
            BLS_OEWS_2024.annual_median, f"BLS national median ${BLS_OEWS_2024.annual_median:,.0f}", pay=True,
            note=" ".join(filter(None, [top_note(len(top_states), len(priced_states), "states with pay"),
                                        _too_few_note(by_state, "states"),
                                        "The dashed line is the BLS national median, not a state figure."]))))
        priced_roles = [g for g in by_role if g.pay_annual[1] is not None and g.with_pay >= MIN_CELL]
        charts.append(_bar_chart(
            "Median advertised annual pay by role", [label(g.group) for g in priced_roles],
            [g.pay_annual[1] for g in priced_roles], "median annual pay (USD)", sum(g.with_pay for g in priced_roles),
            BLS_OEWS_2024.annual_median, f"BLS national median ${BLS_OEWS_2024.annual_median:,.0f}", pay=True,
            note=_too_few_note(by_role, "roles")))
        charts.append(_bar_chart("Work mode", [label(g.group) for g in by_mode],
                                 [100 * (g.share or 0) for g in by_mode], "% of open unique jobs", unique_jobs))
        charts.append(_cert_chart(certs, certs[0].scope if certs else unique_jobs))
        charts.append(_trend_chart(trend))
    recent = session.execute(
        select(Posting.title, Employer.name, Posting.city, Posting.state, Posting.work_mode, Posting.pay_min,
               Posting.pay_max, Posting.pay_period, Posting.url, Posting.first_seen)
        .join(Employer, Employer.id == Posting.employer_id)
        .where(Posting.closed_at.is_(None), not_duplicate())
        .order_by(Posting.first_seen.desc(), Posting.id.desc()).limit(RECENT_POSTINGS)).all()
    return {
        "snapshot": snapshot, "unique_jobs": unique_jobs, "total_postings": total_postings, "with_pay": with_pay,
        "annual": annual_q, "hourly": hourly_q, "bls": BLS_OEWS_2024,
        "comparison": compare(annual_q[1], hourly_q[1]), "charts": charts,
        "by_state": by_state[:TOP_GROUPS], "states_note": top_note(min(TOP_GROUPS, len(by_state)), len(by_state), "states"),
        "by_role": by_role, "by_mode": by_mode, "certs": certs[:TOP_CERT_TABLE],
        "certs_note": top_note(min(TOP_CERT_TABLE, len(certs)), len(certs), "credentials"),
        "cert_scope": certs[0].scope if certs else unique_jobs, "hours_per_year": PERIODS_PER_YEAR["hour"],
        "trend": trend, "recent": recent, "exports": [f"{name}.csv" for name in EXPORTS],
        "outlook": outlook(session), "min_cell": MIN_CELL,
    }


def write_report(engine: Engine, out_dir: str | Path) -> Path:
    """Write report.html and the CSV exports into `out_dir`; return the report's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in EXPORTS:
        export_market(engine, name, out / f"{name}.csv", Filters())
    with Session(engine) as session:
        context = report_context(session)
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True)
    environment.filters["money"] = lambda v, digits=0: "–" if v is None else f"${v:,.{digits}f}"
    environment.filters["pct"] = lambda v: "–" if v is None else percent_text(v)
    environment.filters["label"] = label
    environment.filters["count"] = lambda v: "–" if v is None else f"{int(v):,}"
    html = environment.get_template("report.html.j2").render(**context)
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
