"""Pay parsing from text, pay_text and structured ranges."""

import pytest

from emr_jobs.pipeline.pay import normalize_pay, parse_pay_text


def _tuple(pay):
    return None if pay is None else (pay.pay_min, pay.pay_max, pay.pay_period, pay.currency)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pay: $18.50 - $24.00 per hour", (18.5, 24.0, "hour", "USD")),
        # a lower and an upper bound on separate labelled lines are one range
        ("Pay Range\nMinimum hourly: $17.85\nMaximum hourly: $26.78\nThe range is based on...",
         (17.85, 26.78, "hour", "USD")),
        ("Starting at $19.00/hr, up to $25.00/hr with experience.", (19.0, 25.0, "hour", "USD")),
        ("Minimum annual salary: $52,000", (52000.0, None, "year", "USD")),
        ("Maximum hourly rate: $31.20", (None, 31.2, "hour", "USD")),
        # a labelled minimum with no period of its own takes the period of the maximum after it
        ("Minimum Salary: $4,389.00\nMaximum Salary: $6,582.00 Monthly", (4389.0, 6582.0, "month", "USD")),
        # ... but not with a bonus or an upper figure of another period
        ("Starting at $19.00/hr. Sign-on bonus up to $2,000.", (19.0, None, "hour", "USD")),
        ("Starting at $19.00/hr. Earn up to $45,000 per year.", (19.0, None, "hour", "USD")),
        ("Pay range: $18.25 to $24.10 per hour.", (18.25, 24.1, "hour", "USD")),
        ("Salary $46,949 to - $61,031 per year", (46949.0, 61031.0, "year", "USD")),
        ("Compensation: $52,000.00 – $68,000.00 Annually", (52000.0, 68000.0, "year", "USD")),
        ("Salary: $45K-$55K", (45000.0, 55000.0, "year", "USD")),
        ("Salary range: $45-55K per year", (45000.0, 55000.0, "year", "USD")),
        ("Earn up to $25/hr", (None, 25.0, "hour", "USD")),
        ("Pay starts at $16.25 an hour.", (16.25, None, "hour", "USD")),
        ("Starting from $19/hr", (19.0, None, "hour", "USD")),
        ("Pay: $20+ per hour", (20.0, None, "hour", "USD")),
        ("Salary Range: $54.72 - $74.94 + applicable differentials", (54.72, 74.94, "hour", "USD")),
        ("Biweekly salary range: $1,989.60 - $2,656.80", (1989.6, 2656.8, "biweek", "USD")),
        ("Pay: $1,520.00 - $1,860.00 every two weeks", (1520.0, 1860.0, "biweek", "USD")),
        ("Monthly salary: $3,126 - $3,840", (3126.0, 3840.0, "month", "USD")),
        ("Pay: $360 per day for an 8-hour day.", (360.0, 360.0, "day", "USD")),
        ("Pay: $1,480 per week, with guaranteed 40 hours.", (1480.0, 1480.0, "week", "USD")),
        ("Pay: $18.00/hr. Full-time", (18.0, 18.0, "hour", "USD")),
        ("Salary: 52.000 - 68.000 EUR per year", (52000.0, 68000.0, "year", "EUR")),
        ("Pay: CAD 25 - 30 per hour", (25.0, 30.0, "hour", "CAD")),
        ("Pay: £24,000 - £28,000 per annum", (24000.0, 28000.0, "year", "GBP")),
        ("Salary: $52 000 - $68 000 a year", (52000.0, 68000.0, "year", "USD")),
        ("Pay between $20 and $24 hourly", (20.0, 24.0, "hour", "USD")),
        ("Salary: $40,674 to $73,286, Grade 4 to 7", (40674.0, 73286.0, "year", "USD")),
        ("Pay: $30.00 - $41.50 /hour plus a $2.00/hr night differential", (30.0, 41.5, "hour", "USD")),
        ("Compensation: $23/hr - $28/hr depending on experience", (23.0, 28.0, "hour", "USD")),
        ("Salary: USD 52,000 - 68,000 per year", (52000.0, 68000.0, "year", "USD")),
        ("Hourly rate: 18.50 - 24.00", (18.5, 24.0, "hour", "USD")),
        ("Salary: Up to $60,000 annually", (None, 60000.0, "year", "USD")),
    ],
)
def test_parses_base_pay(text, expected):
    pay, _decisions = parse_pay_text(text)
    assert _tuple(pay) == expected


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("A $3,000 retention bonus is paid after one year.", "emr/pay/dropped/not_base_pay"),
        ("Sign-on bonus: $5,000", "emr/pay/dropped/not_base_pay"),
        ("Night shift receives an additional $1.00/hr night differential.", "emr/pay/dropped/not_base_pay"),
        ("Earn $2 per chart completed.", None),
        ("Glassdoor est. $40K - $50K per year", "emr/pay/dropped/site_estimate"),
        ("Estimated pay: $20 - $25 per hour", "emr/pay/dropped/not_base_pay"),
        ("We raised $40 million in funding.", "emr/pay/dropped/not_base_pay"),
        ("Salary: $3,500", "emr/pay/dropped/ambiguous_period"),
        ("Pay: $250 per hour", "emr/pay/dropped/out_of_band"),
        ("Pay: $5 per hour", "emr/pay/dropped/out_of_band"),
        ("Salary: $2,000,000 per year", "emr/pay/dropped/out_of_band"),
        ("Pay: $1,200 semi-monthly", "emr/pay/dropped/unsupported_period"),
        ("401(k) with a 6% match and tuition reimbursement up to $5,250 a year", "emr/pay/dropped/not_base_pay"),
        ("Pay is commensurate with experience.", None),
        ("Per diem coders work on site.", None),
        ("Grade: GS 5 - 6", None),
    ],
)
def test_rejects_non_base_pay(text, decision):
    pay, decisions = parse_pay_text(text)
    assert pay is None
    if decision:
        assert decision in decisions


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        ([{"min": 18.5, "max": 24, "currency": "USD", "interval": "per-hour-wage"}], (18.5, 24.0, "hour", "USD")),
        ([{"min": "52000", "max": "68,000", "currency": "USD", "interval": "PA"}], (52000.0, 68000.0, "year", "USD")),
        ([{"min": 1900, "max": 2600, "currency": "USD", "interval": "BW"}], (1900.0, 2600.0, "biweek", "USD")),
        ([{"min": 3100, "max": 3800, "currency": "USD", "interval": "1 MONTH"}], (3100.0, 3800.0, "month", "USD")),
        ([{"min": 20, "max": 25, "currency": "USD", "interval": "HOUR"}], (20.0, 25.0, "hour", "USD")),
        ([{"min": 60000, "max": 80000, "currency": "USD", "interval": None}], (60000.0, 80000.0, "year", "USD")),
        ([{"min": 0, "max": 0, "interval": "PH"}, {"min": 21, "max": 26, "interval": "PH"}], (21.0, 26.0, "hour", "USD")),
        ([{"min": 22, "max": None, "interval": "Per Hour"}], (22.0, None, "hour", "USD")),
        ([{"min": 50, "max": 60, "currency": "CAD", "interval": "YEAR"}, {"min": 55000, "max": 60000, "interval": "YEAR"}],
         (55000.0, 60000.0, "year", "USD")),
        ([{"min": 22, "max": 28, "title": "Hourly Pay Range"}], (22.0, 28.0, "hour", "USD")),
    ],
)
def test_structured_ranges(ranges, expected):
    result = normalize_pay({"pay_ranges": ranges}, "")
    assert _tuple(result.pay) == expected
    assert "emr/pay/from_structured" in result.decisions


@pytest.mark.parametrize(
    ("pay_text", "expected"),
    [
        ("18.50/hr", (18.5, 18.5, "hour", "USD")),
        ("$18 an hour", (18.0, 18.0, "hour", "USD")),
        ("52,000 - 68,000", (52000.0, 68000.0, "year", "USD")),
        ("DOE", None),
    ],
)
def test_pay_text_field(pay_text, expected):
    assert _tuple(normalize_pay({"pay_text": pay_text}, "").pay) == expected


def test_pay_text_wins_over_description():
    result = normalize_pay({"pay_text": "$19.14 - $26.80 per hour"}, "Pay: $15 - $18 per hour")
    assert _tuple(result.pay) == (19.14, 26.8, "hour", "USD")
    assert "emr/pay/from_pay_text" in result.decisions


def test_structured_wins_over_text():
    raw = {"pay_ranges": [{"min": 30, "max": 35, "interval": "per-hour-wage"}], "pay_text": "$19 per hour"}
    assert _tuple(normalize_pay(raw, "").pay) == (30.0, 35.0, "hour", "USD")


def test_no_pay_records_none():
    result = normalize_pay({}, "No figures here.")
    assert result.pay is None and "emr/pay/none" in result.decisions


def test_evidence_is_the_span():
    pay, _ = parse_pay_text("Compensation: $98,000 - $126,000 per year, plus relocation assistance.")
    assert pay.evidence == "$98,000 - $126,000 per year"


_LEVELS = ("Pay by level:\nCoder I: $20.10 - $27.40 per hour\nCoder II: $22.60 - $30.85 per hour\n"
           "Coder III: $25.30 - $34.55 per hour")


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        # one range per level: the one of the title's level
        ("Coder II - Inpatient", _LEVELS, (22.6, 30.85, "hour", "USD")),
        ("Coder III", _LEVELS, (25.3, 34.55, "hour", "USD")),
        ("Coder 1", _LEVELS, (20.1, 27.4, "hour", "USD")),
        ("Records Specialist II", "Records Specialist I - $18.40 to $25.76/hr\nRecords Specialist II - $20.25 to "
         "$28.35/hr", (20.25, 28.35, "hour", "USD")),
        # no level in the title, or a title spanning levels: the first figure, as before
        ("Coder", _LEVELS, (20.1, 27.4, "hour", "USD")),
        ("Coder I/II", _LEVELS, (20.1, 27.4, "hour", "USD")),
        # the title's level is not among those listed: unchanged
        ("Coder IV", _LEVELS, (20.1, 27.4, "hour", "USD")),
        # a step scale is not one range per level
        ("Medical Records Technician II", "Step 1: $21.03/hr\nStep 2: $22.10/hr\nStep 3: $23.22/hr",
         (21.03, 21.03, "hour", "USD")),
    ],
)
def test_range_of_the_titles_level(title, description, expected):
    assert _tuple(normalize_pay({"title": title}, description).pay) == expected


# --- each step of the figure engine alone: (step, text, need_context) -> verdict, and what it learnt
from emr_jobs.pipeline import pay as engine  # noqa: E402


def _figure(text: str, need_context: bool = True) -> engine._Figure:
    return engine._Figure(text, engine._MONEY_RE.search(text), need_context)


FIGURE_STEP_CASES = [
    ("_looks_like_money", "call 2080 now", engine.SKIP),
    ("_looks_like_money", "$18 per hour", None),
    ("_looks_like_money", "45-55k", None),
    ("_pay_words_on_the_line", "Suite 1,200 on the left", engine.SKIP),
    ("_pay_words_on_the_line", "Pay range 45,000 - 55,000 a year", None),
    ("_bonus_or_differential", "Sign-on bonus of $5,000", "not_base_pay"),
    ("_bonus_or_differential", "Pay: $22.10 per hour", None),
    ("_percentage", "Pay: $3 percent raise", engine.SKIP),
    ("_percentage", "Pay: $18 per hour", None),
    ("_site_estimate", "Glassdoor estimate: $45,000 a year", "site_estimate"),
    ("_site_estimate", "Salary: $45,000 a year", None),
    ("_semimonthly", "Pay: $2,000 semi-monthly", None),  # the period is read by a later step
]


@pytest.mark.parametrize(("step", "text", "expected"), FIGURE_STEP_CASES)
def test_each_figure_step_drops_or_passes(step, text, expected):
    assert getattr(engine, step)(_figure(text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Pay: $22.10 - $28.40 per hour", ("hour", 22.10, 28.40, None)),
    ("Salary: $45-55k", ("year", 45_000.0, 55_000.0, None)),
    ("Salary: 45-55k", (None, 45_000.0, 55_000.0, engine.SKIP)),  # no currency and no unit: not read as pay
    ("Call 45-55k", (None, 0.0, None, engine.SKIP)),  # no currency, no pay word on its line
    ("Salary $45k-55 DOE", ("year", 45_000.0, 55_000.0, None)),
    ("Pay: $2,000 semi-monthly", ("semimonth", 2_000.0, None, "unsupported_period")),
    ("Pay: $30 - $20 per hour", ("hour", 30.0, 20.0, "inverted_range")),
    ("Pay: $999,999 per year", ("year", 999_999.0, None, "out_of_band")),
    ("Pay: $250", (None, 250.0, None, "ambiguous_period")),
])
def test_the_steps_in_order_learn_the_period_and_amounts_then_judge_them(text, expected):
    figure = _figure(text)
    verdict = None
    for step in engine.FIGURE_STEPS:
        verdict = step(figure)
        if verdict is not None:
            break
    assert (figure.period, figure.low, figure.high, verdict) == expected


def test_the_figure_steps_run_in_their_documented_order():
    assert [step.__name__ for step in engine.FIGURE_STEPS] == [
        "_looks_like_money", "_pay_words_on_the_line", "_bonus_or_differential", "_percentage", "_site_estimate",
        "_read_period", "_read_amounts", "_semimonthly", "_period_from_magnitude", "_positive", "_inverted_range",
        "_out_of_band"]


# --- fast forms of the figure engine, each against the plain form it stands for
import random  # noqa: E402
import re  # noqa: E402


def _texts_of(words: tuple[str, ...], count: int, seed: int) -> list[str]:
    """Texts of pieces of `words` (as written, with their regex syntax stripped, upper-cased, run
    together) and characters where lower-casing and IGNORECASE disagree."""
    pieces = [re.sub(r"\\b|\\|\[.*?\]\??", "", word) for word in words]
    pieces += [piece.upper() for piece in pieces] + [piece[: len(piece) // 2] for piece in pieces]
    pieces += list(" -.;,+\nabepst") + ["ı", "ſ", "K", "İ", "Σ", "sign on", "sign-on", "on call"]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(count)]


@pytest.mark.parametrize("words", [engine._NOT_BASE_BEFORE, engine._NOT_BASE_AFTER, ("ab", "ac", r"\bad\b", r"\+", "b")])
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_one_of_matches_what_the_words_joined_match(words, flags):
    joined = re.compile("(" + "|".join(words) + r")[^.;\n]{0,45}", flags)
    grouped = re.compile("(" + engine._one_of(words) + r")[^.;\n]{0,45}", flags)
    for text in _texts_of(words, 2000, seed=len(words) + flags):
        assert [m.span(1) for m in joined.finditer(text)] == [m.span(1) for m in grouped.finditer(text)], text


@pytest.mark.parametrize("word", ["a?b", "", r"\d", "[ab]c", "a|b", r"\bx*", "Ab", r"\ b", "\u212ab", "\\"])
def test_one_of_refuses_words_it_cannot_group(word):
    with pytest.raises(ValueError):
        engine._one_of((word,))


@pytest.mark.parametrize("line", [
    "Pay: $22.10 per hour, Sign-On Bonus $5,000", "PAY: $22.10 PER HOUR", "Glaſſdoor eſt. $40K",
    "İstanbul office: $2,000 per month bonus", "Pay ı $22.10 per hour", "ΣΑΣ $22.10 per hour ΣΑΣ est.",
    "Kelvin \u212a pay $18.50/hr", "Estimated pay: $20 - $25 per hour",
])
def test_the_figure_reads_parts_of_its_line_as_caseless_patterns_read_them(line):
    figure = _figure(line)
    start, end = figure.line
    for pattern in (engine._EXCLUDE_BEFORE_RE, engine._SITE_ESTIMATE_RE, engine._UNIT_BEFORE_RE, engine._PAY_KEYWORD_RE):
        for a in range(start, end + 1, 3):
            for b in range(a, end + 1, 4):
                expected, got = pattern.search(line[a:b]), figure.search_in(pattern, a, b)
                assert (None if expected is None else expected.span()) == (None if got is None else got.span())
                expected, got = pattern.match(line[a:b]), figure.match_in(pattern, a, b)
                assert (None if expected is None else expected.span()) == (None if got is None else got.span())


def test_money_matches_are_finditers():
    pieces = [*engine._CURRENCIES, "1", "23", "4,500", "52.000", "52 000", ".", ",", " ", "  ", "k", "K", "-", " to ",
              " and ", "/hr", " per hour", "%", "+", "a", "\n", "\u0663", "\u00a0", "x1"]
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        expected = [(m.span(), m.groups()) for m in engine._MONEY_RE.finditer(text)]
        assert [(m.span(), m.groups()) for m in engine._money_matches(text)] == expected, text
