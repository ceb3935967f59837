"""market stats cache and data version

`market_stats_cache` holds the `stats --by` rows the snapshot computed; `market_data_version` is
one counter that triggers raise on inserts, updates and deletes of the tables those rows are
computed from, so a cached row is used only while the counter still has the value it was
computed at (market/stats_cache.py). SQLite only: its triggers run per row, so they raise the
counter only on the first write after the snapshot cleared `changed` (one write transaction at a
time on SQLite: no write can slip between), and every later row costs one read instead of a
write. PostgreSQL gets no triggers: one counter row raised by every statement would make
concurrent writers (several crawl workers) wait on each other, so `stats` there is always live.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import emr_jobs.store.models

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept in step with emr_jobs.market.stats_cache.WATCHED_TABLES and its trigger names (a test checks them).
WATCHED_TABLES = ("postings", "posting_duplicates", "posting_certifications", "certifications")
SQLITE_EVENTS = ("insert", "update", "delete")
BUMP = "UPDATE market_data_version SET version = version + 1, changed = true WHERE id = 1"
UNCHANGED = "(SELECT changed FROM market_data_version WHERE id = 1) = 0"


def upgrade() -> None:
    op.create_table('market_data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('changed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_data_version'))
    )
    op.create_table('market_stats_cache',
    sa.Column('dimension', sa.String(length=40), nullable=False),
    sa.Column('method', sa.String(length=80), nullable=False),
    sa.Column('data_version', sa.BigInteger(), nullable=False),
    sa.Column('computed_at', emr_jobs.store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('dimension', name=op.f('pk_market_stats_cache'))
    )
    op.execute("INSERT INTO market_data_version (id, version, changed) VALUES (1, 0, true)")
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED_TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"CREATE TRIGGER trg_{table}_{event}_market_version AFTER {event.upper()} ON {table} "
                           f"WHEN {UNCHANGED} BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED_TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_{event}_market_version")
    op.drop_table('market_stats_cache')
    op.drop_table('market_data_version')
