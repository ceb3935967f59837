"""The product's vocabulary, spelled once: every value a field, a flag or a table can hold.

Every room imports its words from here: a crawl's status (worst first, and which statuses have
earned the right to close postings), a certification's strength with its rank, work mode, role,
employer type, pay period, education, schedule, shift, employment type, and the market's
dimensions (`stats --by`). CLI choices are built from these enums, so a new value is one line here."""

from __future__ import annotations

from enum import StrEnum


class CrawlStatus(StrEnum):
    """Outcome of one source's crawl. Only `ok` and `empty` close postings; `suspect` is a
    complete crawl that would close more of the source's open postings than the guard allows."""

    FAILED = "failed"  # a request, body, exception, write or lease failed: the listing is unknown
    DRIFT = "drift"  # the response no longer has the shape the spider expects
    SUSPECT = "suspect"  # complete, but closing would exceed the mass-closure guard: nothing closed
    PARTIAL = "partial"  # the listing is incomplete (a detail call failed, a cap, fewer than the total)
    EMPTY = "empty"  # the board answered with no jobs
    OK = "ok"

    @property
    def closes_postings(self) -> bool:
        return self in (CrawlStatus.OK, CrawlStatus.EMPTY)

    @property
    def is_failure(self) -> bool:
        """Reported as a failed source (in summaries, snapshots and exit codes)."""
        return self in (CrawlStatus.FAILED, CrawlStatus.DRIFT, CrawlStatus.SUSPECT)


# Sources filled by importing another tool's file (`emr-jobs import jobspy`), one per site: "jobspy:indeed".
# An import is not a whole board, so the lifecycle never closes their postings for being missing.
JOBSPY_PLATFORM = "jobspy"
LIFECYCLE_OFF_PLATFORMS = (JOBSPY_PLATFORM,)

STATUS_ORDER = tuple(CrawlStatus)
CLOSING_STATUSES = tuple(status for status in CrawlStatus if status.closes_postings)
FAILURE_STATUSES = tuple(status for status in CrawlStatus if status.is_failure)


class Platform(StrEnum):
    """The job-board platforms a registry source can name (`--platform`); each has a spider."""

    ASHBY = "ashby"
    GREENHOUSE = "greenhouse"
    ICIMS = "icims"
    JSONLD = "jsonld"
    LEVER = "lever"
    ORACLE = "oracle"
    SMARTRECRUITERS = "smartrecruiters"
    USAJOBS = "usajobs"
    WORKDAY = "workday"


class CertStrength(StrEnum):
    """How strongly a posting asks for a certification, in the order tables show them."""

    REQUIRED = "required"
    PREFERRED = "preferred"
    OBTAIN_AFTER_HIRE = "obtain_after_hire"  # may be "eligible" at hire, must hold it within a stated time

    @property
    def rank(self) -> int:
        """Higher is stronger: a posting naming one credential twice keeps its strongest mention."""
        return STRENGTH_RANK[self.value]


STRENGTH_RANK = {"required": 3, "obtain_after_hire": 2, "preferred": 1}


class PayPeriod(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    BIWEEK = "biweek"
    MONTH = "month"
    YEAR = "year"

    @property
    def per_year(self) -> int:
        """Periods in a year (BLS OEWS convention: 2,080 working hours a year)."""
        return PERIODS_PER_YEAR[self.value]


PERIODS_PER_YEAR = {"hour": 2080, "day": 260, "week": 52, "biweek": 26, "month": 12, "year": 1}


class WorkMode(StrEnum):
    ONSITE = "onsite"
    HYBRID = "hybrid"
    REMOTE = "remote"
    UNKNOWN = "unknown"


class Role(StrEnum):
    """The occupation's role families (SOC 29-2072)."""

    MEDICAL_RECORDS = "medical_records"
    RELEASE_OF_INFORMATION = "release_of_information"
    CODING = "coding"
    CDI = "cdi"
    REGISTRY = "registry"
    HIM_LEADERSHIP = "him_leadership"


class EmployerType(StrEnum):
    HOSPITAL = "hospital"
    PHYSICIAN_PRACTICE = "physician_practice"
    LONG_TERM_CARE = "long_term_care"
    AMBULATORY_SURGERY = "ambulatory_surgery"
    GOVERNMENT = "government"
    INSURANCE = "insurance"
    HEALTH_TECH = "health_tech"
    STAFFING_OUTSOURCING = "staffing_outsourcing"
    OTHER = "other"


class EducationLevel(StrEnum):
    """Lowest first: `education_min` is the lowest level a posting accepts."""

    NONE = "none"
    HIGH_SCHOOL = "high_school"
    CERTIFICATE = "certificate"
    ASSOCIATE = "associate"
    BACHELOR = "bachelor"
    MASTER = "master"


class Schedule(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    PER_DIEM = "per_diem"
    CONTRACT = "contract"
    TEMPORARY = "temporary"


class EmploymentType(StrEnum):
    """A platform's employment type: the schedules plus internships (which have no schedule)."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    PER_DIEM = "per_diem"
    CONTRACT = "contract"
    TEMPORARY = "temporary"
    INTERNSHIP = "internship"


class Shift(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    WEEKEND = "weekend"
    ROTATING = "rotating"
    VARIABLE = "variable"


class Dimension(StrEnum):
    """A `stats --by` dimension as spelled on the command line; `column` is the postings column."""

    STATE = "state"
    ROLE = "role"
    EMPLOYER_TYPE = "employer-type"
    WORK_MODE = "work-mode"
    ENTRY_LEVEL = "entry-level"
    EDUCATION = "education"
    SCHEDULE = "schedule"

    @property
    def column(self) -> str:
        return {"employer-type": "employer_type", "work-mode": "work_mode", "entry-level": "entry_level",
                "education": "education_min"}.get(self.value, self.value)


# US state codes a posting's `state` can hold (the 50 states, DC and Puerto Rico); `--state` takes
# one of them in any case.
US_STATE_CODES = (
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY",
    "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH",
    "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
)


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """An enum's values as plain strings, in its order (for tuples, CLI choices and SQL)."""
    return tuple(member.value for member in enum)
