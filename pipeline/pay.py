"""Pay normalizer: the advertised base pay of a posting, from structured ranges or text.

Order: structured `pay_ranges` -> the source's `pay_text` -> the description. Precision first:
a figure whose period cannot be told, that sits next to a bonus/differential/estimate, or that is
outside this occupation's plausibility band is not returned (a wrong pay is worse than none).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from emr_jobs.pipeline.lazy import lazy
from emr_jobs.pipeline.posting import Pay
from emr_jobs.pipeline.text import Caseless, lines_containing, lower_same

# Plausibility bands for SOC 29-2072/29-9021 and their leaders, derived from hour 9-120 and
# year 18,000-250,000 (2080 h, 260 d, 52 w, 26 biweeks, 12 months a year).
PAY_BANDS: dict[str, tuple[float, float]] = {
    "hour": (9.0, 120.0),
    "day": (70.0, 960.0),
    "week": (345.0, 4_810.0),
    "biweek": (690.0, 9_620.0),
    "month": (1_500.0, 20_850.0),
    "year": (18_000.0, 250_000.0),
}

_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "C$": "CAD", "CA$": "CAD", "€": "EUR", "£": "GBP"}
_CURRENCIES = ("US$", "C$", "CA$", "$", "€", "£", "USD", "CAD", "EUR", "GBP")
_CUR = "(?:" + "|".join(map(re.escape, _CURRENCIES)) + ")"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:\.\d{3})+(?!\d)|\d{1,3}(?:\u0020\d{3})+(?![\d.,])|\d+(?:\.\d{1,2})?"


def _amount(suffix: str) -> str:
    return rf"(?P<c{suffix}>{_CUR})?\s?(?P<n{suffix}>{_NUM})(?:\s?(?P<k{suffix}>[kK]))?(?![\w%])"


_RANGE_SEP = r"\s*(?:-{1,2}|–|—|to\s*-?|and)\s*"
_MONEY_RE = re.compile(
    r"(?<![\w.,])"
    + _amount("1")
    + r"(?:\s*(?P<c1b>USD|CAD|EUR|GBP))?"
    + r"(?:(?P<u1>\s*(?:/\s*|per\s+|an?\s+)(?:hour|hr|year|yr|annum|week|wk|month|mo|day))(?="
    + _RANGE_SEP + r"(?:US\$|C\$|CA\$|\$|€|£|USD|CAD|EUR|GBP)?\s?\d))?"
    + r"(?:" + _RANGE_SEP + _amount("2") + r"(?:\s*(?P<c2b>USD|CAD|EUR|GBP))?)?"
    + r"(?P<plus>\+)?"
)

_UNIT_WORDS = [
    ("biweek", r"bi-?weekly|bi-?week|every (?:two|2) weeks|per pay period|a pay period|/pay period"),
    ("semimonth", r"semi-?monthly|twice (?:a|per) month"),
    ("hour", r"hourly|hour|hr\.?|h\b"),
    ("day", r"daily|day"),
    ("week", r"weekly|week|wk\.?"),
    ("month", r"monthly|month|mo\.?"),
    ("year", r"annually|annual(?: salary)?|annum|yearly|year|yr\.?"),
]
_UNIT_AFTER_RE = Caseless(
    r"^\s*(?:usd|cad|dollars)?\s*\)?\s*(?:(?:per|an?|/|each|every)\s*)?(?P<unit>"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _UNIT_WORDS)
    + r")\b"
)
_UNIT_BEFORE_RE = Caseless(
    r"\b(?P<unit>(?P<biweek>bi-?weekly|per pay period)|(?P<semimonth>semi-?monthly)|(?P<hour>hourly)|"
    r"(?P<day>daily)|(?P<week>weekly)|(?P<month>monthly)|(?P<year>annual|annually|yearly|year))"
    r"\b[^$\d\n]{0,30}$"
)
# "up to $X", "Maximum hourly: $X" (a label of at most two words between the keyword and the figure)
_UP_TO_RE = Caseless(r"\b(?:up to|as much as|maximum of|max(?:imum)?(?:\s+[a-z]+){0,2}\s*:?)\s*$")
_FROM_RE = Caseless(
    r"\b(?:starting (?:at|from|pay(?: is)?(?: at)?|rate(?: is)?(?: of)?|wage(?: of)?)|starts? at|"
    r"begins? at|from|minimum of|min(?:imum)?(?:\s+[a-z]+){0,2}\s*:?|at least|no less than)\s*$"
)


_ONE_OF_FIRSTS = frozenset(string.ascii_lowercase + string.digits + " ")


def _one_of(words: tuple[str, ...]) -> str:
    """A group matching what "|".join(words) matches, written for sre, which tries the alternatives
    of a branch one by one at each position: the words grouped under their first character
    ("a(?:llowance|ward)|b(?:onus|udget)"), a leading \\b tested after its letter ("e(?<!\\we)st" for
    "\\best": the same test, a letter being a word character). Every alternative then starts with a
    literal, so sre also skips the positions no word starts at. Only the words of one first character
    can match at one position, in their order: the same matches, spans and groups (about 3x faster).
    Each word starts with a lower-case ASCII letter, digit or space (not repeated), an escaped ASCII
    punctuation character, or \\b and a letter, and holds no "|"."""
    groups: dict[str, list[str]] = {}
    for word in words:
        boundary = word.startswith("\\b") and word[2:3] in _ONE_OF_FIRSTS and word[2:3].isalpha()
        body = word[2:] if boundary else word
        first = body[:2] if body.startswith("\\") else body[:1]
        rest = body[len(first) :]
        plain_first = first in _ONE_OF_FIRSTS or (len(first) == 2 and first[0] == "\\" and first[1] in string.punctuation)
        if not plain_first or rest[:1] in ("?", "*", "+", "{") or "|" in word:
            raise ValueError(f"not a word _one_of() can group: {word!r}")
        if boundary:  # no word character before the letter
            rest = f"(?<!\\w{first}){rest}"
        groups.setdefault(first, []).append(rest)
    return "(?:" + "|".join(first + (rests[0] if len(rests) == 1 else f"(?:{'|'.join(rests)})")
                            for first, rests in groups.items()) + ")"


# words before a figure, in its clause, that make it other pay than the base
_NOT_BASE_BEFORE = (
    "differential", "sign[- ]?on", "signing", "referral", "retention", "relocation", "bonus", "incentive", "stipend",
    "allowance", "reimburse", "tuition", "401", "revenue", "funding", "raised", "valuation", "estimat", r"\best\b",
    "glassdoor", "indeed", "per chart", "per record", "per encounter", "per visit", "per case", "per page",
    "per request", "premium", "shift diff", "on[- ]call", "overtime", "extra", "additional", r"\bplus\b", r"\+", "fee",
    "charge", "copay", "cost", "deductible", "budget", "award", "scholarship", "grant", "million", "billion",
)
_EXCLUDE_BEFORE_RE = Caseless("(" + _one_of(_NOT_BASE_BEFORE) + r")[^.;\n]{0,45}$")
_CLAUSE_SPLIT_RE = re.compile(r"[.;!?]\s|[,(]")
_PERCENT_RE = Caseless(r"^\s*(?:%|percent)")
# words right after a figure (and its unit) that make it other pay than the base, or not pay at all
_NOT_BASE_AFTER = (
    "differential", r"diff\b", "sign[- ]?on", "signing", "referral", "retention", "relocation", "bonus", "incentive",
    "stipend", "allowance", "reimbursement", "tuition", "match", "revenue", "in funding", "valuation", "estimate",
    "premium", "per chart", "per record", "per encounter", "per visit", "per case", "per page", "per request", "fee",
    "million", "billion", r"\bm\b", r"\bbn\b", "members", "employees", "patients", "beds", "copay", "gift card",
)
_EXCLUDE_AFTER_RE = Caseless(
    r"^(?:(?!\bplus\b|\bwith\b|\band\b)[^,.;\n(+]){0,30}?\b(" + _one_of(_NOT_BASE_AFTER) + ")"
)
_PAY_KEYWORD_RE = Caseless(
    r"\b(pay|salary|salaries|wage|wages|rate|compensation|comp\b|range|earn|hiring|starting|base|"
    r"hourly|annual|grade|step)\b"
)
_SITE_ESTIMATE_RE = Caseless(r"\b(estimated|glassdoor|est\.|indeed est|employer est)")


@dataclass
class PayResult:
    pay: Pay | None
    evidence: str | None = None
    decisions: list[str] = field(default_factory=list)


_DOT_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")  # 52.000


def _to_number(raw: str) -> float:
    if _DOT_THOUSANDS_RE.fullmatch(raw):
        return float(raw.replace(".", ""))
    return float(raw.replace(",", "").replace(" ", ""))


def _currency(*tokens: str | None) -> str:
    for token in tokens:
        if not token:
            continue
        upper = token.upper()
        if upper in ("USD", "CAD", "EUR", "GBP"):
            return upper
        if token in _CURRENCY_SYMBOLS:
            return _CURRENCY_SYMBOLS[token]
    return "USD"


def period_from_magnitude(values: list[float]) -> str | None:
    """hour or year when the figures leave no doubt for this occupation, else None."""
    if not values:
        return None
    low, high = min(values), max(values)
    if 9 <= low and high <= 120:
        return "hour"
    if 18_000 <= low and high <= 250_000:
        return "year"
    return None


def in_band(values: list[float], period: str) -> bool:
    low, high = PAY_BANDS[period]
    for value in values:  # a loop, not all() over a generator: called for most figures
        if not low <= value <= high:
            return False
    return True


def _unit_from(match: re.Match[str] | None) -> str | None:
    if not match:
        return None
    for name, _ in _UNIT_WORDS:
        if match.group(name):
            return name
    return None


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, (len(text) if line_end < 0 else line_end)


class _Figure:
    """One money-looking match in a text, and what the steps have learnt about it so far."""

    def __init__(self, text: str, match: re.Match[str], need_context: bool) -> None:
        self.text = text
        self.match = match
        self.need_context = need_context
        self.has_currency = bool(match.group("c1") or match.group("c2") or match.group("c1b") or match.group("c2b"))
        self.period: str | None = None
        self.low = 0.0
        self.high: float | None = None

    @lazy
    def line(self) -> tuple[int, int]:
        return _line_bounds(self.text, self.match.start(), self.match.end())

    @lazy
    def before(self) -> str:
        """Up to 60 characters before the figure on its line."""
        return self.text[max(self.line[0], self.match.start() - 60) : self.match.start()]

    @lazy
    def unit(self) -> re.Match[str] | None:
        """The unit right after the figure ("/hr", "per year")."""
        return self.match_in(_UNIT_AFTER_RE, self.match.end(), self.line[1])

    @lazy
    def lowered_line(self) -> str | None:
        """The figure's line lower-cased once for every pattern the steps run on parts of it; None when
        a slice of it might not be what Caseless reads in that part (then each pattern runs as Caseless)."""
        line = self.text[self.line[0] : self.line[1]]
        # where lower_same() holds, each character lowers to one, read by a plain pattern as IGNORECASE reads
        # it, so a slice of the lowered line is that part lowered alone; but for a capital sigma, whose lower
        # case depends on its neighbours
        return None if "\u03a3" in line else lower_same(line)

    def search_in(self, pattern: Caseless, start: int, end: int) -> re.Match[str] | None:
        """pattern.search(text[start:end]), start and end on the figure's line."""
        return self._read(pattern, start, end, anywhere=True)

    def match_in(self, pattern: Caseless, start: int, end: int) -> re.Match[str] | None:
        """pattern.match(text[start:end]), start and end on the figure's line."""
        return self._read(pattern, start, end, anywhere=False)

    def _read(self, pattern: Caseless, start: int, end: int, *, anywhere: bool) -> re.Match[str] | None:
        lowered = self.lowered_line
        if lowered is None:
            part = self.text[start:end]
            return pattern.search(part) if anywhere else pattern.match(part)
        line_start = self.line[0]
        part = lowered[start - line_start : end - line_start]
        return pattern.plain.search(part) if anywhere else pattern.plain.match(part)

    @property
    def values(self) -> list[float]:
        return [self.low] if self.high is None else [self.low, self.high]


SKIP = "skip"  # a step's verdict for a figure that is not pay at all: dropped without a decision


# --- the steps, in order: each drops the figure (SKIP, or the reason it is not base pay), learns
# something about it, or passes (None) -----------------------------------------------------------
def _looks_like_money(figure: _Figure) -> str | None:
    """A bare number needs a currency, a range, a "k", a thousands comma or decimals to be money."""
    match = figure.match
    if figure.has_currency or match.group("n2") or match.group("k1") or "," in match.group("n1") \
            or "." in match.group("n1"):
        return None
    return SKIP


def _pay_words_on_the_line(figure: _Figure) -> str | None:
    """Without a currency, a figure in running text counts only after a pay word on its line."""
    if figure.has_currency or not figure.need_context:
        return None
    return None if figure.search_in(_PAY_KEYWORD_RE, figure.line[0], figure.match.start()) else SKIP


def _bonus_or_differential(figure: _Figure) -> str | None:
    """Next to a bonus, differential, stipend or other pay that is not the base."""
    start, end = figure.match.span()
    clause = _CLAUSE_SPLIT_RE.split(figure.before)[-1]
    if (figure.search_in(_EXCLUDE_BEFORE_RE, start - len(clause), start)
            or figure.match_in(_EXCLUDE_AFTER_RE, end + (figure.unit.end() if figure.unit else 0), figure.line[1])):
        return "not_base_pay"
    return None


def _percentage(figure: _Figure) -> str | None:
    return SKIP if figure.match_in(_PERCENT_RE, figure.match.end(), figure.line[1]) else None


def _site_estimate(figure: _Figure) -> str | None:
    """A job site's own estimate, not the employer's figure."""
    lowered = figure.lowered_line
    if lowered is not None and "est" not in lowered and "glassdoor" not in lowered:
        return None  # each match of _SITE_ESTIMATE_RE holds one of the two (two C scans instead of a regex search)
    return "site_estimate" if figure.search_in(_SITE_ESTIMATE_RE, *figure.line) else None


def _read_period(figure: _Figure) -> str | None:
    """The period the text gives: a unit after the figure, inside the range, or before it on its line."""
    period = _unit_from(figure.unit)
    if period is None and figure.match.group("u1"):
        period = _unit_from(figure.match_in(_UNIT_AFTER_RE, *figure.match.span("u1")))
    if period is None:
        period = _unit_from(figure.search_in(_UNIT_BEFORE_RE, figure.line[0], figure.match.start()))
    figure.period = period
    return None


def _read_amounts(figure: _Figure) -> str | None:
    """The numbers, "k" meaning thousands (on both ends of "45-55k", and of "45k-55" when the end is small)."""
    n1, n2, k1, k2 = figure.match.group("n1", "n2", "k1", "k2")
    low = _to_number(n1)
    high = _to_number(n2) if n2 else None
    if k1 or k2:
        if high is None:
            low *= 1000
        else:
            if k1 or low < 1000:
                low *= 1000
            if k2 or high < 1000:
                high *= 1000
    figure.low, figure.high = low, high
    return None


def _semimonthly(figure: _Figure) -> str | None:
    return "unsupported_period" if figure.period == "semimonth" else None


def _period_from_magnitude(figure: _Figure) -> str | None:
    """No period given: the size of the figure tells it, when only one period's band holds it."""
    if figure.period is not None:
        return None
    if not figure.has_currency and figure.need_context:
        return SKIP
    figure.period = period_from_magnitude(figure.values)
    return "ambiguous_period" if figure.period is None else None


def _positive(figure: _Figure) -> str | None:
    return SKIP if min(figure.values) <= 0 else None


def _inverted_range(figure: _Figure) -> str | None:
    return "inverted_range" if figure.high is not None and figure.high < figure.low else None


def _out_of_band(figure: _Figure) -> str | None:
    """Outside this occupation's plausibility band for the period (PAY_BANDS)."""
    return None if in_band(figure.values, figure.period) else "out_of_band"


FIGURE_STEPS: tuple[Callable[[_Figure], str | None], ...] = (
    _looks_like_money, _pay_words_on_the_line, _bonus_or_differential, _percentage, _site_estimate, _read_period,
    _read_amounts, _semimonthly, _period_from_magnitude, _positive, _inverted_range, _out_of_band,
)


def _pay_of(figure: _Figure) -> Pay:
    """A figure that passed every step as pay: a lone figure after "up to" is a maximum, after "from"
    or with a "+" a minimum."""
    match = figure.match
    pay_min, pay_max = figure.low, (figure.high if figure.high is not None else figure.low)
    if figure.high is None:
        before_start = match.start() - len(figure.before)
        if figure.search_in(_UP_TO_RE, before_start, match.start()):
            pay_min, pay_max = None, figure.low
        elif figure.search_in(_FROM_RE, before_start, match.start()) or match.group("plus"):
            pay_max = None
    span_end = match.end() + (figure.unit.end() if figure.unit else 0)
    currency = _currency(*match.group("c1", "c1b", "c2", "c2b"))
    return Pay(pay_min, pay_max, figure.period, currency, figure.text[match.start() : span_end].strip(), "text")


_DIGIT_RE = re.compile(r"\d")
# A match of _MONEY_RE starts with its first number, or a currency and a space before it: at most this
# many characters before a digit.
_MONEY_STARTS_BEFORE_DIGIT = max(map(len, _CURRENCIES)) + 1


def _money_matches(text: str) -> Iterator[re.Match[str]]:
    """_MONEY_RE.finditer(text), each search started a few characters before the next digit (a C scan):
    _MONEY_RE, which has no literal to skip ahead by, tries each position it passes in turn. Its
    look-behind still sees the text before a search's start."""
    pos = 0
    while (digit := _DIGIT_RE.search(text, pos)) is not None:
        match = _MONEY_RE.search(text, max(pos, digit.start() - _MONEY_STARTS_BEFORE_DIGIT))
        if match is None:
            return
        yield match
        pos = match.end()  # where finditer goes on after a match (never empty)


def _candidates(text: str, *, need_context: bool):
    """Yield (Pay | None, reason, start offset) for every money-looking figure in text, in order:
    each figure goes through FIGURE_STEPS until one drops it."""
    for match in _money_matches(text):
        figure = _Figure(text, match, need_context)
        for step in FIGURE_STEPS:
            verdict = step(figure)
            if verdict is not None:
                break
        if verdict is None:
            yield _pay_of(figure), "ok", match.start()
        elif verdict != SKIP:
            yield None, verdict, match.start()


# Words of a line that can carry a pay figure.
_PAY_LINE_WORDS = ("$", "€", "£", "usd", "cad", "eur", "gbp", "pay", "salar", "wage", "rate", "compensation", "range",
                   "earn", "hourly", "annual", "grade", "step", "hiring", "starting", "base")


def _pay_lines(text: str) -> str:
    """Only the lines that can carry a pay figure (keeps the money regex off long duty lists)."""
    return text if len(text) < 400 else lines_containing(text, _PAY_LINE_WORDS)


# How far after an open-ended lower figure ("Minimum: $X", "starting at $X") its upper figure
# ("Maximum: $Y", "up to $Y") may stand to be read as one range.
PAIR_WINDOW = 300


def parse_pay_text(text: str, *, need_context: bool = True) -> tuple[Pay | None, list[str]]:
    """The first plausible base-pay figure in text, plus decisions for figures dropped on the way.

    A lower bound given alone ("Minimum hourly: $17.85") is joined with an upper bound of the same
    period and currency that follows it closely ("Maximum hourly: $26.78") into one range."""
    decisions: list[str] = []
    lines = _pay_lines(text)
    lower: Pay | None = None
    lower_at = 0
    open_lower: tuple[float, int] | None = None  # "Minimum: $4,389" whose period only the maximum gives
    for pay, reason, where in _candidates(lines, need_context=need_context):
        if (open_lower is not None and pay is not None and pay.pay_min is None and pay.pay_max is not None
                and where - open_lower[1] <= PAIR_WINDOW and open_lower[0] <= pay.pay_max
                and in_band([open_lower[0]], pay.pay_period)):
            evidence = lines[open_lower[1] : where + len(pay.evidence)]
            return Pay(open_lower[0], pay.pay_max, pay.pay_period, pay.currency, evidence, "text"), decisions
        if reason == "ambiguous_period" and lower is None and open_lower is None:
            money = _MONEY_RE.match(lines, where)
            if money and not money.group("n2") and not money.group("k1") and _FROM_RE.search(lines[max(0, where - 60) : where]):
                open_lower = (_to_number(money.group("n1")), where)
        if lower is not None:
            if where - lower_at > PAIR_WINDOW:
                break
            if (pay is not None and pay.pay_min is None and pay.pay_max is not None
                    and (pay.pay_period, pay.currency) == (lower.pay_period, lower.currency)
                    and pay.pay_max >= lower.pay_min):
                evidence = lines[lower_at : where + len(pay.evidence)]
                return Pay(lower.pay_min, pay.pay_max, lower.pay_period, lower.currency, evidence, "text"), decisions
            continue
        if pay is not None:
            if pay.pay_max is None:
                lower, lower_at = pay, where
                continue
            return pay, decisions
        decision = f"emr/pay/dropped/{reason}"
        if decision not in decisions:
            decisions.append(decision)
    return lower, decisions


# --- structured ranges --------------------------------------------------------------------------

_INTERVAL_MAP = [
    (re.compile(r"bi-?week|^bw$|every two weeks|pay period", re.I), "biweek"),
    (re.compile(r"semi-?month|^sm$", re.I), "semimonth"),
    (re.compile(r"hour|^ph$|hourly|\bhr\b", re.I), "hour"),
    (re.compile(r"^pd$|day|daily", re.I), "day"),
    (re.compile(r"^pw$|week", re.I), "week"),
    (re.compile(r"^pm$|month", re.I), "month"),
    (re.compile(r"^pa$|year|annual|annum|^py$|salary", re.I), "year"),
]


def _interval_to_period(interval: Any) -> str | None:
    if not isinstance(interval, str) or not interval.strip():
        return None
    label = interval.strip()
    for pattern, period in _INTERVAL_MAP:
        if pattern.search(label):
            return period
    return None


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        cleaned = re.sub(r"[^\d.,]", "", value)
        if not re.fullmatch(r"\d[\d,]*(?:\.\d+)?", cleaned):
            return None
        number = float(cleaned.replace(",", ""))
    else:
        return None
    if number != number or number <= 0 or number > 1e9:  # NaN, 0 dummies, nonsense
        return None
    return number


def _structured(ranges: Any) -> tuple[Pay | None, list[str]]:
    decisions: list[str] = []
    if not isinstance(ranges, (list, tuple)):
        return None, decisions
    for item in ranges:
        if not isinstance(item, Mapping):
            continue
        low, high = _to_float(item.get("min")), _to_float(item.get("max"))
        if low is None and high is None:
            continue
        values = [v for v in (low, high) if v is not None]
        interval = item.get("interval") or item.get("title") or item.get("unit")
        period = _interval_to_period(interval)
        if period == "semimonth":
            decisions.append("emr/pay/dropped/unsupported_period")
            continue
        if period is None:
            period = period_from_magnitude(values)
        if period is None:
            decisions.append("emr/pay/dropped/ambiguous_period")
            continue
        if low is not None and high is not None and high < low:
            low, high = high, low
        if not in_band(values, period):
            decisions.append("emr/pay/dropped/out_of_band")
            continue
        currency = item.get("currency") if isinstance(item.get("currency"), str) else None
        currency = (currency or "USD").strip().upper()[:3] or "USD"
        evidence = f"{low if low is not None else ''}-{high if high is not None else ''} {currency} {interval or ''}"
        return Pay(low, high, period, currency, evidence.strip(), "structured"), decisions
    return None, decisions


# "Coder II" -> 2; a title spanning levels ("Coder I/II") has none.
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
_TITLE_LEVEL_RE = re.compile(r"\b(?:Level\s+)?(I{1,3}|IV|V|[1-5])\b(?!\s*[/&-]\s*(?:I{1,3}|IV|V|[1-5])\b)(?![ \t]*[A-Za-z])")
_SPANNING_LEVELS_RE = re.compile(r"\b(?:I{1,3}|IV|[1-4])\s*[/&-]\s*(?:I{1,3}|IV|V|[1-5])\b")
# A line opening with a level label and holding a figure: "Coder II: $22.60 - $30.85 per hour".
_LEVEL_LINE_RE = re.compile(
    r"^[^\w\n]{0,3}(?:[A-Za-z][\w /&,.'()-]{0,60}?\s)?(?P<word>[A-Za-z]\w*)\s(?:Level\s)?(?P<level>I{1,3}|IV|V|[1-5])\s*"
    r"[:\u2013\u2014-][^\n]*?(?:[$\u20ac\u00a3]|USD)",
    re.M,
)
_NOT_A_ROLE_WORD = frozenset({"step", "grade", "gs", "band", "range", "tier", "year", "years", "minimum", "maximum",
                              "shift", "week", "weeks", "month", "months", "day", "days"})


def _level(token: str) -> int:
    return int(token) if token.isdigit() else _ROMAN[token]


def _line_of_title_level(title: Any, text: str) -> str | None:
    """The pay line for the title's level when the text gives one range per level, else None."""
    if not isinstance(title, str) or not text:
        return None
    level = _title_level(title)
    if level is None:
        return None
    lines = _pay_lines(text)
    by_level: dict[int, str] = {}
    for match in _LEVEL_LINE_RE.finditer(lines):
        if match.group("word").lower() in _NOT_A_ROLE_WORD:
            return None  # a step or grade scale, not one range per job level
        line_end = lines.find("\n", match.end())
        by_level.setdefault(_level(match.group("level")), lines[match.start() : len(lines) if line_end < 0 else line_end])
    if len(by_level) < 2:
        return None
    return by_level.get(_level(level))


@lru_cache(maxsize=4096)
def _title_level(title: str) -> str | None:
    """The level a title names ("Coder II" -> "II"), None for none or for a span ("Coder I/II");
    cached by title (a crawl reads the same titles over and over)."""
    if _SPANNING_LEVELS_RE.search(title):
        return None
    found = _TITLE_LEVEL_RE.search(title)
    return found.group(1) if found else None


def normalize_pay(raw: Mapping[str, Any], description_text: str) -> PayResult:
    """Pay from structured ranges, then pay_text, then the description."""
    pay, decisions = _structured(raw.get("pay_ranges"))
    if pay is not None:
        return PayResult(pay, pay.evidence, decisions + ["emr/pay/from_structured"])
    pay_text = raw.get("pay_text")
    title = raw.get("title")
    if isinstance(pay_text, str) and pay_text.strip():
        pay_text = pay_text[:2000]
        pay, more = parse_pay_text(_line_of_title_level(title, pay_text) or pay_text, need_context=False)
        decisions += more
        if pay is not None:
            return PayResult(pay, pay.evidence, decisions + ["emr/pay/from_pay_text"])
    level_line = _line_of_title_level(title, description_text)
    if level_line:
        decisions.append("emr/pay/level_of_title")
    pay, more = parse_pay_text(level_line or description_text)
    decisions += more
    if pay is not None:
        return PayResult(pay, pay.evidence, decisions + ["emr/pay/from_text"])
    return PayResult(None, None, decisions + ["emr/pay/none"])
