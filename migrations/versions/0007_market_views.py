"""market views for the people who query the database

Three read-only views over the live tables, the same SQL on SQLite and PostgreSQL, answering the
common questions the way `emr-jobs stats` does (tests/test_views.py checks them against the market
queries):

- `open_jobs`: unique open jobs (open, and not a non-canonical member of a duplicate group) with
  employer, role, location, work mode, schedule, experience and education asked, and pay (as stated, and annual / hourly with the
  midpoint of the range, annual = hourly x 2,080);
- `certification_demand`: per credential, the open unique jobs asking for it at each strength and
  its share of all open unique jobs;
- `pay_by_state`: per state ("unknown" when none), open unique jobs, how many state pay, and the
  median advertised annual and hourly pay (USD; the middle value, or the mean of the two middle ones).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_JOBS = """
CREATE VIEW open_jobs AS
SELECT p.id AS posting_id,
       p.title AS title,
       e.name AS employer,
       p.employer_type AS employer_type,
       p.role AS role,
       p.city AS city,
       p.state AS state,
       p.work_mode AS work_mode,
       p.schedule AS schedule,
       p.employment_type AS employment_type,
       p.entry_level AS entry_level,
       p.experience_years_min AS experience_years_min,
       p.education_min AS education_min,
       p.pay_min AS pay_min,
       p.pay_max AS pay_max,
       p.pay_period AS pay_period,
       p.pay_currency AS pay_currency,
       p.pay_annual_min AS pay_annual_min,
       p.pay_annual_max AS pay_annual_max,
       COALESCE((p.pay_annual_min + p.pay_annual_max) / 2, p.pay_annual_min, p.pay_annual_max) AS pay_annual_mid,
       p.pay_hourly_min AS pay_hourly_min,
       p.pay_hourly_max AS pay_hourly_max,
       COALESCE((p.pay_hourly_min + p.pay_hourly_max) / 2, p.pay_hourly_min, p.pay_hourly_max) AS pay_hourly_mid,
       p.url AS url,
       s.key AS source,
       p.first_seen AS first_seen,
       p.last_seen AS last_seen
FROM postings p
JOIN employers e ON e.id = p.employer_id
JOIN sources s ON s.id = p.source_id
WHERE p.closed_at IS NULL
  AND p.id NOT IN (SELECT d.posting_id FROM posting_duplicates d WHERE d.posting_id <> d.canonical_posting_id)
"""

CERTIFICATION_DEMAND = """
CREATE VIEW certification_demand AS
SELECT c.code AS code,
       c.name AS name,
       c.issuing_body AS issuing_body,
       COUNT(*) AS jobs,
       SUM(CASE WHEN pc.strength = 'required' THEN 1 ELSE 0 END) AS required,
       SUM(CASE WHEN pc.strength = 'obtain_after_hire' THEN 1 ELSE 0 END) AS obtain_after_hire,
       SUM(CASE WHEN pc.strength = 'preferred' THEN 1 ELSE 0 END) AS preferred,
       (SELECT COUNT(*) FROM open_jobs) AS open_jobs,
       ROUND(COUNT(*) * 100.0 / (SELECT COUNT(*) FROM open_jobs), 1) AS share_pct,
       ROUND(SUM(CASE WHEN pc.strength = 'required' THEN 1 ELSE 0 END) * 100.0
             / (SELECT COUNT(*) FROM open_jobs), 1) AS required_pct
FROM certifications c
JOIN posting_certifications pc ON pc.certification_id = c.id
JOIN open_jobs o ON o.posting_id = pc.posting_id
GROUP BY c.code, c.name, c.issuing_body
"""

# Medians by window functions (SQLite >= 3.25 and PostgreSQL alike): the value at rank (n + 1) / 2
# and at (n + 2) / 2 (integer division), averaged: the middle one, or the mean of the two middle ones.
PAY_BY_STATE = """
CREATE VIEW pay_by_state AS
WITH jobs AS (
    SELECT COALESCE(state, 'unknown') AS state, pay_period, pay_currency, pay_annual_mid, pay_hourly_mid
    FROM open_jobs
), annual AS (
    SELECT state, pay_annual_mid AS x,
           ROW_NUMBER() OVER (PARTITION BY state ORDER BY pay_annual_mid) AS r,
           COUNT(*) OVER (PARTITION BY state) AS n
    FROM jobs WHERE pay_period IS NOT NULL AND pay_currency = 'USD' AND pay_annual_mid IS NOT NULL
), hourly AS (
    SELECT state, pay_hourly_mid AS x,
           ROW_NUMBER() OVER (PARTITION BY state ORDER BY pay_hourly_mid) AS r,
           COUNT(*) OVER (PARTITION BY state) AS n
    FROM jobs WHERE pay_period IS NOT NULL AND pay_currency = 'USD' AND pay_hourly_mid IS NOT NULL
), annual_median AS (
    SELECT state, MAX(n) AS n, AVG(x) AS median FROM annual WHERE r IN ((n + 1) / 2, (n + 2) / 2) GROUP BY state
), hourly_median AS (
    SELECT state, AVG(x) AS median FROM hourly WHERE r IN ((n + 1) / 2, (n + 2) / 2) GROUP BY state
), counts AS (
    SELECT state, COUNT(*) AS open_jobs, SUM(CASE WHEN pay_period IS NOT NULL THEN 1 ELSE 0 END) AS with_pay
    FROM jobs GROUP BY state
)
SELECT counts.state AS state,
       counts.open_jobs AS open_jobs,
       counts.with_pay AS with_pay,
       COALESCE(annual_median.n, 0) AS with_pay_usd,
       ROUND(CAST(annual_median.median AS NUMERIC), 2) AS annual_median_usd,
       ROUND(CAST(hourly_median.median AS NUMERIC), 2) AS hourly_median_usd
FROM counts
LEFT JOIN annual_median ON annual_median.state = counts.state
LEFT JOIN hourly_median ON hourly_median.state = counts.state
"""

VIEWS = ("pay_by_state", "certification_demand", "open_jobs")  # dependents first


def upgrade() -> None:
    op.execute(OPEN_JOBS)
    op.execute(CERTIFICATION_DEMAND)
    op.execute(PAY_BY_STATE)


def downgrade() -> None:
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")
