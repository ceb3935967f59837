"""Duplicate groups on SQLite and PostgreSQL: requisition id with the employer, title + location +
description similarity across sources, never within one source; the canonical posting; idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from emr_jobs.market.duplicates import refresh_duplicates, shingles, similarity
from emr_jobs.store.models import Posting, PostingDuplicate
from tests.market_data import SEEN, add_posting, market_engine

CLERK = ("Maintain complete and accurate electronic health records, respond to release of information requests "
         "in line with HIPAA, and scan and index incoming documents into the chart.")
OTHER = "Abstract inpatient charts and assign ICD-10-CM and PCS codes for DRG validation and audits."
AGENCY_OWN = "Staffing firm seeks a records clerk for a contract assignment with weekly pay and benefits."
LATER = SEEN + timedelta(hours=1)

POSTINGS = [  # external id, source, employer, requisition id, city, description, first seen
    ("a", "greenhouse:pine", "pine", "R-1", "Dayton", CLERK, SEEN),
    ("b", "jsonld:pine", "pine", " r-1 ", "Dayton", OTHER, LATER),  # same req + employer, other source
    ("c", "greenhouse:agency", "agency", None, "Dayton", CLERK, LATER + timedelta(hours=1)),  # agency repost
    ("d", "greenhouse:agency", "agency", None, "Dayton", AGENCY_OWN, LATER),  # same title, other text
    ("e", "greenhouse:pine", "pine", None, "Kettering", CLERK, SEEN),
    ("f", "greenhouse:pine", "pine", None, "Kettering", CLERK, SEEN),  # same source as e: two openings
    ("g", "lever:other", "other", "R-1", "Dayton", CLERK, SEEN),  # same req and text, other employer and title
]
TITLES = {"g": "Health Information Technician"}


@pytest.fixture
def engine(db_url):
    engine = market_engine(db_url)
    with Session(engine) as session, session.begin():
        for external_id, source, employer, requisition, city, description, first_seen in POSTINGS:
            add_posting(session, external_id, source=source, employer=employer, requisition_id=requisition,
                        city=city, description=description, first_seen=first_seen,
                        title=TITLES.get(external_id, "Medical Records Clerk"))
    yield engine
    engine.dispose()


def groups_of(engine) -> dict[str, tuple[str, str]]:
    with Session(engine) as session:
        names = dict(session.execute(select(Posting.id, Posting.external_id)).all())
        return {names[row.posting_id]: (names[row.canonical_posting_id], row.matched_by)
                for row in session.scalars(select(PostingDuplicate))}


def test_groups_and_canonical_posting(engine):
    counts = refresh_duplicates(engine)
    assert groups_of(engine) == {"a": ("a", "requisition"), "b": ("a", "requisition"), "c": ("a", "requisition")}
    assert (counts.groups, counts.members, counts.written) == (1, 3, 3)


def test_recomputing_an_unchanged_market_writes_nothing(engine):
    refresh_duplicates(engine)
    again = refresh_duplicates(engine)
    assert (again.written, again.removed, again.members) == (0, 0, 3)


def test_an_open_member_replaces_a_closed_canonical(engine):
    refresh_duplicates(engine)
    with Session(engine) as session, session.begin():
        session.scalar(select(Posting).where(Posting.external_id == "a")).closed_at = LATER
    refresh_duplicates(engine, closed_since=SEEN)
    assert groups_of(engine) == {"a": ("b", "requisition"), "b": ("b", "requisition"), "c": ("b", "requisition")}


@pytest.mark.parametrize(("first", "second", "expected"), [
    (CLERK, CLERK, 1.0), (CLERK, OTHER, 0.0), ("", CLERK, None), ("one two", "one two", 1.0),
])
def test_similarity(first, second, expected):
    assert similarity(shingles(first), shingles(second)) == expected


@pytest.mark.parametrize("placeholder", ["See Opening ID", "12345"])
def test_a_requisition_placeholder_groups_nothing(engine, placeholder):
    """Boards that put one value on every posting (here twice on each source) are not merged by it."""
    with Session(engine) as session, session.begin():
        for external_id, source, title, description in [
                ("p1", "greenhouse:maple", "Medical Records Clerk", CLERK),
                ("p2", "greenhouse:maple", "Inpatient Coder", OTHER),
                ("p3", "jsonld:maple", "Cancer Registrar", AGENCY_OWN),
                ("p4", "jsonld:maple", "HIM Director", OTHER + " Lead the department.")]:
            add_posting(session, external_id, source=source, employer="maple", requisition_id=placeholder,
                        city="Toledo", title=title, description=description)
    refresh_duplicates(engine)
    assert not {"p1", "p2", "p3", "p4"} & set(groups_of(engine))


# Two employers' postings with the same title, place and text: one job only when nothing they both
# state disagrees (issue 13). Columns: the second posting's employer type, pay, city.
@pytest.mark.parametrize(("second_type", "second_pay", "second_city", "merged"), [
    ("hospital", (40000, 50000), "Dayton", True),  # everything agrees: an agency repost of the same job
    ("hospital", None, "Dayton", True),  # pay stated by one only: no disagreement
    ("staffing_outsourcing", (40000, 50000), "Dayton", False),  # employer type differs
    ("hospital", (42000, 50000), "Dayton", False),  # pay differs
    ("hospital", (40000, 50000), "Kettering", False),  # location differs (its own block)
])
def test_other_employers_merge_only_when_nothing_disagrees(db_url, second_type, second_pay, second_city, merged):
    engine = market_engine(db_url)
    with Session(engine) as session, session.begin():
        add_posting(session, "h1", source="greenhouse:pine", employer="pine", city="Dayton", description=CLERK,
                    annual=(40000, 50000), employer_type="hospital")
        add_posting(session, "x1", source="lever:other", employer="other", city=second_city, description=CLERK,
                    annual=second_pay, employer_type=second_type, first_seen=LATER)
    refresh_duplicates(engine)
    expected = {"h1": ("h1", "text"), "x1": ("h1", "text")} if merged else {}
    assert groups_of(engine) == expected
    engine.dispose()
