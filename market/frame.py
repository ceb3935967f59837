"""Snapshot figures computed column by column.

One streamed SQL pass reads the postings in a snapshot's scope as narrow columns (dimension
labels, flags, pay, days open), one more reads their certifications; every count, share and
quantile is then a vectorized group operation in numpy. SQLite sorts all rows for each GROUP BY,
so the twenty-odd grouped aggregates of a snapshot took about 15 s over a million postings as
SQL; read once and grouped in numpy they take about 3 s (bench/summary.py).

Quantiles interpolate linearly between order statistics, exactly like
`emr_jobs.market.queries.grouped_quantiles` (and PostgreSQL's percentile_cont), so a snapshot's figures
and `emr-jobs stats --by` agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select

from emr_jobs.market.dimensions import LABEL_GROUPS

DIMENSIONS = tuple(column for group in LABEL_GROUPS for column in group)  # posting columns the frame groups by
FLAGS = ("active", "unique", "new", "closed", "paid", "stated")  # bit 0, 1, 2, ... of the flags column
MEASURES = ("annual", "hourly", "days_open")
LABEL_SEPARATOR = "\x1f"  # joins the dimension labels into one column (ASCII unit separator)
# The scope select's columns, in order: id, per group of LABEL_GROUPS its dimension labels joined by
# LABEL_SEPARATOR, the flags as bits of one integer, then the measures (or NULL). Few columns:
# fetching a million rows costs one Python object per value.
LABEL_COLUMNS = tuple(f"labels_{position}" for position in range(len(LABEL_GROUPS)))
SCOPE_COLUMNS = ("id", *LABEL_COLUMNS, "flags", *MEASURES)
CHUNK_ROWS = 50_000
OVERALL = "all"  # the one group of the "overall" dimension


@dataclass
class Codes:
    """A label column as small integer codes and the label each code stands for."""

    codes: np.ndarray
    labels: list[Any]


@dataclass
class Frame:
    ids: np.ndarray  # posting ids, ascending
    dimensions: dict[str, Codes]
    flags: dict[str, np.ndarray]  # bool
    bits: np.ndarray  # the same flags as bits of one integer per row (bit i: FLAGS[i])
    measures: dict[str, np.ndarray]  # float, NaN where absent
    cert_rows: np.ndarray  # frame row of each certification mention of an active posting
    cert_codes: Codes
    cert_strengths: Codes
    # figures computed once and shared by the snapshot and the stats rows (key: what they are of)
    memo: dict[tuple, Any] = field(default_factory=dict, repr=False)

    def _remember(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def mask(self, flags: Sequence[str]) -> np.ndarray:
        """Rows having every flag of `flags` (every row for none)."""
        return self._remember(("mask", tuple(flags)), lambda: np.logical_and.reduce([self.flags[f] for f in flags])
                              if flags else np.ones(len(self.ids), dtype=bool))

    def current(self) -> np.ndarray:
        """Active unique jobs: what the market figures are about."""
        return self.mask(("active", "unique"))

    def groups(self, dimension: str) -> Codes:
        if dimension == "overall":
            return Codes(np.zeros(len(self.ids), dtype=np.int32), [OVERALL])
        return self.dimensions[dimension]

    def counts(self, dimension: str, flags: Sequence[str]) -> np.ndarray:
        """Rows per group of `dimension` having every flag of `flags`: sums of one table of counts
        per group and combination of flags (one pass over the rows per dimension)."""
        def compute() -> np.ndarray:
            table = self._remember(("flag_table", dimension), lambda: _flag_table(self.groups(dimension), self.bits))
            required = sum(1 << FLAGS.index(name) for name in flags)
            combinations = np.arange(table.shape[1])
            return table[:, (combinations & required) == required].sum(axis=1)
        return self._remember(("counts", dimension, tuple(flags)), compute)

    def ranked(self, measure: str) -> Ranked:
        """A measure's values over the current jobs, ranked."""
        return self._remember(("ranked", measure), lambda: Ranked.of(self.measures[measure], self.current()))

    def quantiles(self, dimension: str, measure: str, points: Sequence[float]) -> dict[Any, list[float]]:
        """Quantiles of a measure over the current jobs per group of `dimension`."""
        return self._remember(("quantiles", dimension, measure, tuple(points)),
                              lambda: group_quantiles(self.groups(dimension), self.ranked(measure), points))


def _raw_chunks(connection: Connection, statement: Select) -> Iterator[list[tuple]]:
    """Rows of `statement` in chunks, straight from the DBAPI cursor (no Row objects per posting)."""
    result = connection.execute(statement)
    try:
        while chunk := result.cursor.fetchmany(CHUNK_ROWS):
            yield chunk
    finally:
        result.close()


def _encode(values: Sequence[Any], index: dict[Any, int]) -> np.ndarray:
    for value in set(values) - index.keys():
        index[value] = len(index)
    return np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=len(values))


def read_frame(connection: Connection, scope: Select, certifications: Select) -> Frame:
    """Columns of `scope` (SCOPE_COLUMNS) and of `certifications` (posting id, code, strength)."""
    combination_indexes: dict[str, dict[Any, int]] = {name: {} for name in LABEL_COLUMNS}
    parts: dict[str, list[np.ndarray]] = {name: [] for name in SCOPE_COLUMNS}
    for chunk in _raw_chunks(connection, scope):
        column = {name: map(itemgetter(position), chunk) for position, name in enumerate(SCOPE_COLUMNS)}
        parts["id"].append(np.fromiter(column["id"], dtype=np.int64, count=len(chunk)))
        for name in LABEL_COLUMNS:
            parts[name].append(_encode(list(column[name]), combination_indexes[name]))
        parts["flags"].append(np.fromiter(column["flags"], dtype=np.int16, count=len(chunk)))
        for name in MEASURES:
            parts[name].append(np.array(list(column[name]), dtype=np.float64))  # NULL -> NaN
    joined = {name: np.concatenate(chunks) if chunks else np.zeros(0) for name, chunks in parts.items()}
    order = np.argsort(joined["id"], kind="stable")
    ids = joined["id"].astype(np.int64)[order]
    dimensions: dict[str, Codes] = {}
    for name, group in zip(LABEL_COLUMNS, LABEL_GROUPS, strict=True):
        dimensions |= _split_combinations(joined[name].astype(np.int32)[order], _labels(combination_indexes[name]),
                                          group)
    bits = joined["flags"].astype(np.int16)[order]
    flags = {name: (bits & (1 << bit)) != 0 for bit, name in enumerate(FLAGS)}
    measures = {name: joined[name].astype(np.float64)[order] for name in MEASURES}

    posting_ids: list[np.ndarray] = []
    code_parts: list[np.ndarray] = []
    strength_parts: list[np.ndarray] = []
    code_index: dict[Any, int] = {}
    strength_index: dict[Any, int] = {}
    for chunk in _raw_chunks(connection, certifications):
        posting_ids.append(np.fromiter(map(itemgetter(0), chunk), dtype=np.int64, count=len(chunk)))
        code_parts.append(_encode(list(map(itemgetter(1), chunk)), code_index))
        strength_parts.append(_encode(list(map(itemgetter(2), chunk)), strength_index))
    cert_ids = np.concatenate(posting_ids) if posting_ids else np.zeros(0, dtype=np.int64)
    rows = np.searchsorted(ids, cert_ids)
    known = rows < len(ids)
    known[known] = ids[rows[known]] == cert_ids[known]
    return Frame(
        ids=ids, dimensions=dimensions, flags=flags, bits=bits, measures=measures, cert_rows=rows[known],
        cert_codes=Codes(np.concatenate(code_parts)[known] if code_parts else np.zeros(0, np.int32), _labels(code_index)),
        cert_strengths=Codes(np.concatenate(strength_parts)[known] if strength_parts else np.zeros(0, np.int32),
                             _labels(strength_index)))


def _split_combinations(combinations: np.ndarray, joined_labels: list[str], group: Sequence[str]
                        ) -> dict[str, Codes]:
    """Per dimension of `group`, the codes of its labels, from the codes of the joined label combinations."""
    dimensions = {}
    for position, name in enumerate(group):
        index: dict[str, int] = {}
        lookup = np.array([index.setdefault(joined.split(LABEL_SEPARATOR)[position], len(index))
                           for joined in joined_labels], dtype=np.int32)
        dimensions[name] = Codes(lookup[combinations] if len(lookup) else combinations, _labels(index))
    return dimensions


def _labels(index: dict[Any, int]) -> list[Any]:
    labels: list[Any] = [None] * len(index)
    for label, code in index.items():
        labels[code] = label
    return labels


def group_counts(groups: Codes, mask: np.ndarray) -> np.ndarray:
    """How many rows of each group `mask` selects."""
    return np.bincount(groups.codes[mask], minlength=len(groups.labels))


def _flag_table(groups: Codes, bits: np.ndarray) -> np.ndarray:
    """Rows per group (one line each) and combination of flags (one column per value of the bits)."""
    width = 1 << len(FLAGS)
    keys = groups.codes.astype(np.int64) * width + bits
    return np.bincount(keys, minlength=len(groups.labels) * width).reshape(len(groups.labels), width)


@dataclass
class Ranked:
    """The rows of a measure that count (masked, with a value), in ascending order of the value."""

    rows: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray, mask: np.ndarray) -> Ranked:
        rows = np.flatnonzero(mask & ~np.isnan(values))
        order = np.argsort(values[rows], kind="stable")
        return cls(rows[order], values[rows][order])


def group_quantiles(groups: Codes, ranked: Ranked, points: Sequence[float]) -> dict[Any, list[float]]:
    """Linear-interpolated quantiles of a ranked measure per group (one sort by value serves every
    dimension: a stable sort by group keeps each group's values in order)."""
    codes = groups.codes[ranked.rows]
    if len(groups.labels) < 2**15:
        codes = codes.astype(np.int16)  # numpy sorts small integers by radix: linear time
    by_group = np.argsort(codes, kind="stable")
    codes, figures = codes[by_group], ranked.values[by_group]
    every_group = np.arange(len(groups.labels))
    starts = np.searchsorted(codes, every_group, side="left")
    ends = np.searchsorted(codes, every_group, side="right")
    fractions = [Fraction(point).limit_denominator(1000) for point in points]
    result: dict[Any, list[float]] = {}
    for code, label in enumerate(groups.labels):
        start, count = int(starts[code]), int(ends[code] - starts[code])
        if count == 0:
            continue
        quantiles = []
        for fraction in fractions:
            position = fraction * (count - 1)
            lower = int(position)
            low = float(figures[start + lower])
            high = float(figures[start + lower + 1]) if lower + 1 < count else low
            quantiles.append(round(low + (high - low) * float(position - lower), 2))
        result[label] = quantiles
    return result


def pair_counts(groups: Codes, categories: Codes, mask: np.ndarray, rows: np.ndarray | None = None
                ) -> dict[tuple[Any, Any], int]:
    """Non-zero counts per (group, category); `rows` maps category entries to frame rows when the
    categories are not one per frame row (certification mentions)."""
    group_codes = groups.codes if rows is None else groups.codes[rows]
    width = max(len(categories.labels), 1)
    keys = group_codes[mask].astype(np.int64) * width + categories.codes[mask]
    counts = np.bincount(keys, minlength=len(groups.labels) * width)
    found = np.flatnonzero(counts)
    return {(groups.labels[key // width], categories.labels[key % width]): int(counts[key]) for key in found}
