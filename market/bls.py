"""The official benchmark for SOC 29-2072 (Medical Records Specialists): BLS Occupational
Employment and Wage Statistics, May 2024, national (the figures are in this module), and its
comparison with advertised pay. OEWS wages are straight-time base pay; annual = hourly x 2,080."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class WageBenchmark:
    source: str
    soc_code: str
    occupation: str
    period: str
    annual_median: float
    hourly_median: float
    annual_p10: float
    annual_p90: float

    @property
    def hourly_p10(self) -> float:  # derived: OEWS annual = hourly x 2080
        return round(self.annual_p10 / 2080, 2)

    @property
    def hourly_p90(self) -> float:
        return round(self.annual_p90 / 2080, 2)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"hourly_p10": self.hourly_p10, "hourly_p90": self.hourly_p90}


BLS_OEWS_2024 = WageBenchmark(
    source="BLS Occupational Employment and Wage Statistics (OEWS)", soc_code="29-2072",
    occupation="Medical Records Specialists", period="May 2024",
    annual_median=50_250.0, hourly_median=24.16, annual_p10=35_780.0, annual_p90=80_950.0)


@dataclass(frozen=True)
class Comparison:
    measure: str
    advertised: float | None
    benchmark: float

    @property
    def difference_pct(self) -> float | None:
        if self.advertised is None:
            return None
        return round(100 * (self.advertised - self.benchmark) / self.benchmark, 1)

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "advertised": self.advertised, "bls": self.benchmark,
                "difference_pct": self.difference_pct}


def compare(annual_median: float | None, hourly_median: float | None,
            benchmark: WageBenchmark = BLS_OEWS_2024) -> list[Comparison]:
    """Advertised medians beside the benchmark's (the percentiles are shown for context)."""
    return [Comparison("median annual pay (USD)", annual_median, benchmark.annual_median),
            Comparison("median hourly pay (USD)", hourly_median, benchmark.hourly_median)]
