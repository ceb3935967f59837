"""The normalized posting: what every normalizer returns, with the evidence behind each value.

Plain dataclasses, no Scrapy and no SQL, so the crawl pipeline, `emr-jobs normalize` and the
tests all share one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emr_jobs.vocabulary import (
    PERIODS_PER_YEAR,
    CertStrength,
    EducationLevel,
    EmployerType,
    EmploymentType,
    PayPeriod,
    Role,
    Schedule,
    Shift,
    WorkMode,
    values,
)

# The vocabulary as plain tuples of strings (emr_jobs.vocabulary spells each value once).
PAY_PERIODS = values(PayPeriod)
WORK_MODES = values(WorkMode)
CERT_STRENGTHS = values(CertStrength)
ROLES = values(Role)
EMPLOYER_TYPES = values(EmployerType)
EDUCATION_LEVELS = values(EducationLevel)
SCHEDULES = values(Schedule)
SHIFTS = values(Shift)
EMPLOYMENT_TYPES = values(EmploymentType)

@dataclass(frozen=True)
class Pay:
    """Advertised base pay of one posting. min or max may be None (\"up to\", \"starting at\")."""

    pay_min: float | None
    pay_max: float | None
    pay_period: str  # one of PAY_PERIODS
    currency: str  # ISO 4217, e.g. "USD"
    evidence: str  # the text span or structured field the figures came from
    origin: str  # "structured" or "text"

    def annual(self) -> tuple[float | None, float | None]:
        factor = PERIODS_PER_YEAR[self.pay_period]
        return (
            None if self.pay_min is None else round(self.pay_min * factor, 2),
            None if self.pay_max is None else round(self.pay_max * factor, 2),
        )

    def hourly(self) -> tuple[float | None, float | None]:
        factor = PERIODS_PER_YEAR[self.pay_period] / PERIODS_PER_YEAR["hour"]
        return (
            None if self.pay_min is None else round(self.pay_min * factor, 2),
            None if self.pay_max is None else round(self.pay_max * factor, 2),
        )


@dataclass(frozen=True)
class CertMention:
    """One credential the candidate must or should hold."""

    code: str  # canonical code, e.g. "RHIT", "CCS-P", "EPIC"
    strength: str  # one of CERT_STRENGTHS
    evidence: str
    within_months: int | None = None  # "must obtain within 12 months" -> 12
    # the other credentials of an any-of list this one belongs to ("RHIT, RHIA, CCS or CPC required": any one
    # of them qualifies); empty when it is asked for on its own. See emr_jobs.pipeline.certifications.
    any_of: tuple[str, ...] = ()


@dataclass
class NormalizedPosting:
    """Every normalized field of one posting, each with the evidence it came from."""

    relevant: bool
    role: str | None
    pay: Pay | None
    work_mode: str
    certifications: list[CertMention]
    employer_type: str
    city: str | None
    state: str | None
    country: str | None
    employment_type: str | None
    description_text: str  # the description as plain text (HTML removed, entities decoded)
    evidence: dict[str, str] = field(default_factory=dict)  # field name -> text span
    # Stats keys for the decisions taken, e.g. "emr/pay/from_text", "emr/pay/dropped/out_of_band",
    # "emr/cert/unmapped/CHDS"; the crawl pipeline increments each in Scrapy stats.
    decisions: list[str] = field(default_factory=list)
    relevance_reason: str | None = None  # why not relevant (emr_jobs.pipeline.roles DROP_REASONS), None when relevant
    # career fields: each with its evidence under the same key in `evidence`
    experience_years_min: float | None = None  # years; "1-2 years" -> 1, "six months" -> 0.5
    experience_years_max: float | None = None  # years, where a range is given
    education_min: str | None = None  # one of EDUCATION_LEVELS
    education_or_equivalent: bool | None = None  # "or equivalent experience" may stand in for the education
    entry_level: bool | None = None
    schedule: str | None = None  # one of SCHEDULES
    shift: str | None = None  # one of SHIFTS

    def career_fields(self) -> dict[str, Any]:
        """The career fields by name: as `emr-jobs normalize` prints them and the store writes them."""
        return {name: getattr(self, name) for name in CAREER_FIELDS}


CAREER_FIELDS = ("experience_years_min", "experience_years_max", "education_min", "education_or_equivalent",
                 "entry_level", "schedule", "shift")
