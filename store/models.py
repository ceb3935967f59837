"""SQLAlchemy 2 ORM models: employers, sources, postings, certifications and crawl runs.

The schema is owned by Alembic (migrations/); `alembic check` compares it with these models.
Datetimes are UTC-aware on every backend through `UTCDateTime`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from emr_jobs.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC; SQLite would otherwise drop the offset silently."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime not allowed: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Employer(Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    employer_type: Mapped[str | None] = mapped_column(String(40))
    hq_state: Mapped[str | None] = mapped_column(String(2))

    sources: Mapped[list[Source]] = relationship(back_populates="employer")


class Source(Base):
    """One board of one employer on one platform (a registry entry)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)  # "greenhouse:onemedical"
    platform: Mapped[str] = mapped_column(String(40), index=True)
    identifiers: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_url: Mapped[str | None] = mapped_column(String(500))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    lease_holder: Mapped[str | None] = mapped_column(String(200))  # "host:pid:token" of the crawl holding it
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    employer: Mapped[Employer] = relationship(back_populates="sources")


class Posting(Base):
    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_postings_state_role", "state", "role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    requisition_id: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(500))
    role: Mapped[str | None] = mapped_column(String(40), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    employer_type: Mapped[str | None] = mapped_column(String(40))
    location_text: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str | None] = mapped_column(String(2))
    country: Mapped[str | None] = mapped_column(String(2))
    work_mode: Mapped[str] = mapped_column(String(10), default="unknown")
    employment_type: Mapped[str | None] = mapped_column(String(20))
    pay_min: Mapped[float | None] = mapped_column(Float)
    pay_max: Mapped[float | None] = mapped_column(Float)
    pay_period: Mapped[str | None] = mapped_column(String(10))
    pay_currency: Mapped[str | None] = mapped_column(String(3))
    pay_annual_min: Mapped[float | None] = mapped_column(Float)
    pay_annual_max: Mapped[float | None] = mapped_column(Float)
    pay_hourly_min: Mapped[float | None] = mapped_column(Float)
    pay_hourly_max: Mapped[float | None] = mapped_column(Float)
    pay_evidence: Mapped[str | None] = mapped_column(Text)
    # career fields (migration 0005): the evidence of each is in `evidence` under the same name
    experience_years_min: Mapped[float | None] = mapped_column(Float)  # years
    experience_years_max: Mapped[float | None] = mapped_column(Float)  # years, where a range is given
    education_min: Mapped[str | None] = mapped_column(String(20))  # emr_jobs.pipeline.posting.EDUCATION_LEVELS
    education_or_equivalent: Mapped[bool | None] = mapped_column(Boolean)  # "or equivalent experience"
    entry_level: Mapped[bool | None] = mapped_column(Boolean)
    schedule: Mapped[str | None] = mapped_column(String(20))  # emr_jobs.pipeline.posting.SCHEDULES
    shift: Mapped[str | None] = mapped_column(String(20))  # emr_jobs.pipeline.posting.SHIFTS
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    source: Mapped[Source] = relationship()
    employer: Mapped[Employer] = relationship()
    certifications: Mapped[list[PostingCertification]] = relationship(
        back_populates="posting", cascade="all, delete-orphan"
    )


class Certification(Base):
    """The credential catalog, seeded by migration."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    issuing_body: Mapped[str] = mapped_column(String(120))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)


class PostingCertification(Base):
    __tablename__ = "posting_certifications"

    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id"), primary_key=True)
    strength: Mapped[str] = mapped_column(String(20))
    within_months: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)

    posting: Mapped[Posting] = relationship(back_populates="certifications")
    certification: Mapped[Certification] = relationship()


class CrawlRun(Base):
    """One crawl of one source: its outcome, counts and Scrapy stats."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))  # a emr_jobs.vocabulary.CrawlStatus
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    items_kept: Mapped[int] = mapped_column(Integer, default=0)
    items_filtered: Mapped[int] = mapped_column(Integer, default=0)
    items_dropped: Mapped[int] = mapped_column(Integer, default=0)
    http_errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PostingDuplicate(Base):
    """A posting's membership in a duplicate group: the same job listed on several sources (a
    Workday posting and the employer's own page, an agency repost). Every member keeps its own
    postings row and URL; a group is the rows sharing `canonical_posting_id`, the canonical posting
    pointing at itself. A posting with no duplicate has no row here."""

    __tablename__ = "posting_duplicates"

    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    canonical_posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    matched_by: Mapped[str] = mapped_column(String(20))  # requisition | text
    similarity: Mapped[float | None] = mapped_column(Float)  # description similarity to the canonical posting
    grouped_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarketSnapshot(Base):
    """The market as one refresh saw it, one per UTC date (a re-run the same day replaces it)."""

    __tablename__ = "market_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_date: Mapped[date] = mapped_column(Date, unique=True)
    method_version: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())  # the refresh's start: new/closed windows end here
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the previous snapshot's as_of
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    failed_sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    benchmark: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    values: Mapped[list[MarketSnapshotValue]] = relationship(back_populates="snapshot", cascade="all, delete-orphan",
                                                             passive_deletes=True)


class MarketSnapshotValue(Base):
    """One figure of a snapshot: a metric (with an optional category, e.g. a certification code)
    for one group of one dimension (overall, state, role, employer_type, work_mode)."""

    __tablename__ = "market_snapshot_values"
    __table_args__ = (Index("ix_market_snapshot_values_series", "dimension", "group_value", "metric"),)

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("market_snapshots.id", ondelete="CASCADE"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    group_value: Mapped[str] = mapped_column(String(60), primary_key=True)  # "all" for overall
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    value: Mapped[float | None] = mapped_column(Float)

    snapshot: Mapped[MarketSnapshot] = relationship(back_populates="values")


class MarketDataVersion(Base):
    """One row counting writes to the tables the market statistics read (postings, their duplicate
    groups and certifications): database triggers (migration 0006) raise it on writes, so an
    unchanged count proves unchanged data. `changed`: written since the snapshot cleared it (SQLite's
    row triggers raise the count only on the first such write)."""

    __tablename__ = "market_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(BigInteger)
    changed: Mapped[bool] = mapped_column(Boolean)


class MarketStatsCache(Base):
    """`emr-jobs stats --by` rows of one dimension as the snapshot computed them, valid only while
    market_data_version still holds `data_version` (market/stats_cache.py)."""

    __tablename__ = "market_stats_cache"

    dimension: Mapped[str] = mapped_column(String(40), primary_key=True)  # a --by choice
    method: Mapped[str] = mapped_column(String(80))  # how the rows were computed (method version, column)
    data_version: Mapped[int] = mapped_column(BigInteger)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


__all__ = [
    "Base",
    "CrawlRun",
    "Certification",
    "Employer",
    "MarketDataVersion",
    "MarketSnapshot",
    "MarketSnapshotValue",
    "MarketStatsCache",
    "Posting",
    "PostingCertification",
    "PostingDuplicate",
    "Source",
    "UTCDateTime",
    "utcnow",
]
