"""The SQL store on SQLite and PostgreSQL: UTC datetimes, registry sync, batched upserts keyed by
content hash, certifications, lifecycle (close and reopen) and crawl runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from emr_jobs.pipeline.posting import CertMention, NormalizedPosting, Pay
from emr_jobs.spiders.registry import SourceConfig
from emr_jobs.store import writes as store
from emr_jobs.store.db import upgrade
from emr_jobs.store.models import CrawlRun, Employer, Posting, PostingCertification, Source

SOURCE = SourceConfig(platform="greenhouse", identifiers={"token": "pinecrest"}, employer_slug="pinecrest",
                      employer_name="Pinecrest Health", employer_type="hospital")
NIGHT_1 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
NIGHT_2 = NIGHT_1 + timedelta(days=1)


def normalized(pay_min: float = 20.0, certs=(("RHIT", "required"),)) -> NormalizedPosting:
    return NormalizedPosting(
        relevant=True, role="medical_records",
        pay=Pay(pay_min, pay_min + 5, "hour", "USD", f"${pay_min} - ${pay_min + 5} per hour", "text"),
        work_mode="onsite", certifications=[CertMention(code, strength, f"{code} {strength}") for code, strength in certs],
        employer_type="hospital", city="Tulsa", state="OK", country="US", employment_type="full_time",
        description_text="Keep records.", evidence={"pay": "x"})


def raw(external_id: str) -> dict:
    return {"source_key": SOURCE.key, "external_id": external_id, "title": "Medical Records Clerk",
            "url": f"https://example.org/{external_id}", "location": "Tulsa, OK",
            "posted_at": datetime(2026, 10, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5))), "raw": {"id": external_id}}


@pytest.fixture
def engine(db_url):
    upgrade(db_url)
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def sync(engine) -> store.SourceIds:
    with Session(engine) as session, session.begin():
        return store.sync_registry(session, [SOURCE])[SOURCE.key]


def test_registry_sync_is_an_upsert(engine):
    first = sync(engine)
    second = sync(engine)
    assert first == second
    with Session(engine) as session:
        assert session.scalar(select(Employer.name)) == "Pinecrest Health"
        assert session.scalar(select(Source.key)) == "greenhouse:pinecrest"


def test_datetimes_round_trip_as_utc(engine):
    ids = sync(engine)
    store.PostingWriter(engine).write([store.posting_row(raw("1"), normalized(), ids, NIGHT_1)])
    with Session(engine) as session:
        posting = session.scalars(select(Posting)).one()
    assert posting.posted_at == datetime(2026, 10, 1, 13, 0, tzinfo=UTC)
    assert posting.posted_at.tzinfo is not None and posting.posted_at.utcoffset() == timedelta(0)
    assert posting.first_seen == NIGHT_1


@pytest.mark.parametrize(
    "second_night, expected_counts, expected_pay_min",
    [
        ("same", (0, 0, 2), 20.0),
        ("changed", (0, 1, 1), 24.0),
    ],
)
def test_second_write_detects_unchanged_content(engine, second_night, expected_counts, expected_pay_min):
    ids = sync(engine)
    writer = store.PostingWriter(engine)
    first = writer.write([store.posting_row(raw(n), normalized(), ids, NIGHT_1) for n in ("1", "2")])
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    pay = 24.0 if second_night == "changed" else 20.0
    rows = [store.posting_row(raw("1"), normalized(pay, certs=(("RHIT", "preferred"),) if pay != 20.0 else
                                                    (("RHIT", "required"),)), ids, NIGHT_2),
            store.posting_row(raw("2"), normalized(), ids, NIGHT_2)]
    second = writer.write(rows)
    assert (second.inserted, second.updated, second.unchanged) == expected_counts
    with Session(engine) as session:
        posting = session.scalars(select(Posting).where(Posting.external_id == "1")).one()
        assert (posting.first_seen, posting.last_seen, posting.pay_min) == (NIGHT_1, NIGHT_2, expected_pay_min)
        assert posting.pay_annual_min == expected_pay_min * 2080
        strengths = [c.strength for c in session.scalars(select(PostingCertification))]
    assert sorted(strengths) == (["preferred", "required"] if second_night == "changed" else ["required", "required"])


def test_close_missing_then_reopen(engine):
    ids = sync(engine)
    writer = store.PostingWriter(engine)
    writer.write([store.posting_row(raw(n), normalized(), ids, NIGHT_1) for n in ("1", "2", "3")])
    writer.write([store.posting_row(raw(n), normalized(), ids, NIGHT_2) for n in ("1", "2")])
    with Session(engine) as session, session.begin():
        assert store.close_missing(session, ids.source_id, NIGHT_2) == 1
    with Session(engine) as session:
        closed = dict(session.execute(select(Posting.external_id, Posting.closed_at)).all())
    assert closed == {"1": None, "2": None, "3": NIGHT_2}
    night_3 = NIGHT_2 + timedelta(days=1)
    writer.write([store.posting_row(raw(n), normalized(), ids, night_3) for n in ("1", "2", "3")])
    with Session(engine) as session:
        assert session.scalar(select(Posting.closed_at).where(Posting.external_id == "3")) is None


def test_batch_with_duplicate_keys_keeps_the_last(engine):
    ids = sync(engine)
    counts = store.PostingWriter(engine).write([store.posting_row(raw("1"), normalized(20.0), ids, NIGHT_1),
                                                store.posting_row(raw("1"), normalized(22.0), ids, NIGHT_1)])
    assert counts.inserted == 1
    with Session(engine) as session:
        assert session.scalar(select(Posting.pay_min)) == 22.0


@pytest.mark.parametrize(("certs", "expected"), [
    ((("RHIT", "required"), ("CCS", "preferred")), {("RHIT", "required"), ("CCS", "preferred")}),
    ((("RHIT", "required"), ("RHIT", "preferred")), {("RHIT", "required")}),  # one link per credential: the first
    ((("CPC", "obtain_after_hire"), ("NOT-A-CODE", "required")), {("CPC", "obtain_after_hire")}),
    ((), set()),
])
def test_certification_links_are_one_per_credential(engine, certs, expected):
    ids = sync(engine)
    writer = store.PostingWriter(engine)
    writer.write([store.posting_row(raw("1"), normalized(20.0, certs=certs), ids, NIGHT_1)])
    writer.write([store.posting_row(raw("1"), normalized(21.0, certs=certs), ids, NIGHT_2)])  # changed: links rewritten
    with Session(engine) as session:
        from emr_jobs.store.models import Certification

        links = set(session.execute(select(Certification.code, PostingCertification.strength)
                                    .join(Certification, Certification.id == PostingCertification.certification_id)))
    assert links == expected


@pytest.mark.postgres
def test_a_posting_stored_by_another_writer_meanwhile_is_upserted_not_lost(postgres_url):
    """PostgreSQL COPies postings it did not find a moment ago straight into the table; when another
    writer stored one of them in between, the COPY's savepoint is rolled back and the batch upserted."""
    upgrade(postgres_url)
    engine = create_engine(postgres_url)
    try:
        ids = sync(engine)
        writer = store.PostingWriter(engine)
        writer.write([store.posting_row(raw("1"), normalized(20.0, certs=(("RHIT", "required"),)), ids, NIGHT_1)])
        rows = [store.posting_row(raw(key), normalized(30.0, certs=(("CCS", "preferred"),)), ids, NIGHT_2)
                for key in ("1", "2")]
        with engine.begin() as connection:  # as if the pre-select had not seen posting 1
            written = writer._upsert(connection, rows, stored={})
        assert sorted(row["external_id"] for row in written) == ["1", "2"]
        with Session(engine) as session:
            assert sorted(session.execute(select(Posting.external_id, Posting.pay_min)).all()) == [("1", 30.0),
                                                                                                 ("2", 30.0)]
            from emr_jobs.store.models import Certification

            links = session.execute(select(Posting.external_id, Certification.code)
                                    .join(PostingCertification, PostingCertification.posting_id == Posting.id)
                                    .join(Certification, Certification.id == PostingCertification.certification_id))
            assert sorted(links) == [("1", "CCS"), ("2", "CCS")]
    finally:
        engine.dispose()


def test_crawl_run_is_recorded(engine):
    ids = sync(engine)
    with Session(engine) as session, session.begin():
        store.record_crawl_run(session, ids.source_id, started_at=NIGHT_1, finished_at=NIGHT_1 + timedelta(minutes=3),
                               status="failed", counters={"items_seen": 0, "http_errors": 2},
                               errors=["https://x/jobs: HTTP 503"], stats={"finish_reason": "finished"})
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun)).one()
    assert (run.status, run.http_errors, run.error) == ("failed", 2, "https://x/jobs: HTTP 503")
    assert run.stats["crawl"]["finish_reason"] == "finished"
    assert run.finished_at - run.started_at == timedelta(minutes=3)


def test_last_seen_only_moves_forward_and_a_late_write_changes_nothing(engine):
    ids = sync(engine)
    writer = store.PostingWriter(engine)
    writer.write([store.posting_row(raw("1"), normalized(20.0), ids, NIGHT_2)])
    writer.write([store.posting_row(raw("1"), normalized(30.0), ids, NIGHT_1)])  # an older crawl, finishing late
    writer.write([store.posting_row(raw("1"), normalized(20.0), ids, NIGHT_1)])  # unchanged, older
    with Session(engine) as session:
        posting = session.scalars(select(Posting)).one()
        assert (posting.last_seen, posting.pay_min) == (NIGHT_2, 20.0)


@pytest.mark.parametrize(("bad", "why"), [
    ({"title": "x" * 600}, "cut to its column"),
    ({"title": "Medical\x00Records Clerk", "raw": {"note": "a\x00b"}}, "NUL removed"),
])
def test_rows_are_cleaned_to_fit_the_database(engine, bad, why):
    ids = sync(engine)
    row = store.posting_row({**raw("1"), **bad}, normalized(), ids, NIGHT_1)
    counts = store.PostingWriter(engine).write([row])
    assert counts.inserted == 1, why
    with Session(engine) as session:
        posting = session.scalars(select(Posting)).one()
        assert "\x00" not in posting.title and len(posting.title) <= 500


def test_one_row_the_database_refuses_is_set_aside_and_the_batch_is_kept(engine):
    from emr_jobs.store.durable import DurableWriter

    ids = sync(engine)
    rows = [store.posting_row(raw(str(n)), normalized(), ids, NIGHT_1) for n in range(7)]
    rows[3]["title"] = None  # a row the database refuses (NOT NULL)
    result = DurableWriter(store.PostingWriter(engine), retries=0).write(rows)
    assert sorted(row["external_id"] for row in result.written) == ["0", "1", "2", "4", "5", "6"]
    assert [row["external_id"] for row, _ in result.rejected] == ["3"]
    with Session(engine) as session:
        assert sorted(session.scalars(select(Posting.external_id))) == ["0", "1", "2", "4", "5", "6"]


def test_a_passing_error_is_retried_and_a_lasting_one_raises(engine):
    from sqlalchemy.exc import OperationalError

    from emr_jobs.store.durable import DurableWriter, StoreUnavailable

    ids = sync(engine)
    writer = store.PostingWriter(engine)
    failures = {"left": 2}
    real_write = writer.write

    def flaky(rows):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real_write(rows)

    writer.write = flaky
    waits: list[float] = []
    rows = [store.posting_row(raw("1"), normalized(), ids, NIGHT_1)]
    assert len(DurableWriter(writer, retries=3, retry_wait=0.5, sleep=waits.append).write(rows).written) == 1
    assert waits == [0.5, 1.0]
    failures["left"] = 5
    with pytest.raises(StoreUnavailable, match="refused a batch 3 times"):
        DurableWriter(writer, retries=2, retry_wait=0.1, sleep=waits.append).write(rows)


def test_reading_a_batch_back_searches_the_unique_index_not_the_table(engine):
    """A re-crawl's cost grows with the postings it sees, not with the size of the table."""
    ids = sync(engine)
    writer = store.PostingWriter(engine)
    for start in range(0, 5000, 500):
        writer.write([store.posting_row(raw(str(n)), normalized(), ids, NIGHT_1) for n in range(start, start + 500)])
    query = writer.stored_query(ids.source_id, [str(n) for n in range(1000, 5000, 80)])
    compiled = query.compile(engine, compile_kwargs={"literal_binds": engine.dialect.name == "sqlite"})
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            # SQLite names a table's UNIQUE constraint index sqlite_autoindex_postings_N
            assert "SEARCH postings USING INDEX" in plan and "(source_id=? AND external_id=?)" in plan, plan
        else:
            connection.exec_driver_sql("ANALYZE postings")
            plan = " ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
            assert "Index" in plan and "uq_postings_source_id" in plan and "Seq Scan" not in plan, plan
