"""posting career fields

The career fields of a posting: the fewest years of experience asked for (and the most,
where a range is given), the lowest education asked for and whether equivalent experience may stand
in for it, whether the job is open to someone starting out, the schedule and the shift. Existing rows
get NULL (not stated) until their source is crawled again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("experience_years_min", sa.Float()),
    ("experience_years_max", sa.Float()),
    ("education_min", sa.String(length=20)),
    ("education_or_equivalent", sa.Boolean()),
    ("entry_level", sa.Boolean()),
    ("schedule", sa.String(length=20)),
    ("shift", sa.String(length=20)),
)


def upgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        for name, column_type in COLUMNS:
            batch_op.add_column(sa.Column(name, column_type, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
