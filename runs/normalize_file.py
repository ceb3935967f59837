"""`emr-jobs normalize`: JSON lines of raw postings in, JSON lines of normalized fields out.

Each credential in `certifications` (code -> strength) also appears in `certification_evidence`
(code -> {strength, evidence, within_months?, any_of?}) with the text it was read from.

Streams one line at a time. Each non-blank input line gives one output line: the normalized
fields, or `{"id", "line", "error"}` for a line that is not JSON, not an object, or has no
description. The run goes on after a bad line; run() returns how many lines failed.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from emr_jobs.pipeline.normalize import normalize
from emr_jobs.pipeline.posting import CertMention, NormalizedPosting


def posting_to_record(posting_id: Any, posting: NormalizedPosting) -> dict[str, Any]:
    """The JSON shape of one normalized posting."""
    pay = annual = None
    if posting.pay is not None:
        pay = {
            "min": posting.pay.pay_min,
            "max": posting.pay.pay_max,
            "period": posting.pay.pay_period,
            "currency": posting.pay.currency,
        }
        annual_min, annual_max = posting.pay.annual()
        annual = {"min": annual_min, "max": annual_max}
    return {
        "id": posting_id,
        "relevant": posting.relevant,
        "role": posting.role,
        "pay": pay,
        "pay_annual": annual,
        "work_mode": posting.work_mode,
        "certifications": {cert.code: cert.strength for cert in posting.certifications},
        # each credential with the text it was read from (the map above stays code -> strength)
        "certification_evidence": {cert.code: _cert_detail(cert) for cert in posting.certifications},
        "employer_type": posting.employer_type,
        "state": posting.state,
        "city": posting.city,
        "employment_type": posting.employment_type,
        **posting.career_fields(),
        "evidence": posting.evidence,
    }


def _cert_detail(cert: CertMention) -> dict[str, Any]:
    detail: dict[str, Any] = {"strength": cert.strength, "evidence": cert.evidence}
    if cert.within_months is not None:
        detail["within_months"] = cert.within_months
    if cert.any_of:
        detail["any_of"] = list(cert.any_of)
    return detail


def _error(posting_id: Any, line_number: int, reason: str) -> dict[str, Any]:
    return {"id": posting_id, "line": line_number, "error": reason}


def _process_line(line: str, line_number: int) -> tuple[dict[str, Any], bool]:
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as exc:  # bytes that were not UTF-8, read as surrogates
        return _error(None, line_number, f"not valid UTF-8 (character {exc.start + 1})"), False
    try:
        raw = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        return _error(None, line_number, f"not valid JSON: {exc}"[:300]), False
    if not isinstance(raw, dict):
        return _error(None, line_number, f"not a JSON object (got {type(raw).__name__})"), False
    posting_id = raw.get("id")
    if not isinstance(posting_id, str | int | float) or isinstance(posting_id, bool):
        posting_id = None if posting_id is None else str(posting_id)
    description = raw.get("description")
    if description is None:
        return _error(posting_id, line_number, "missing description"), False
    if not isinstance(description, str):
        return _error(posting_id, line_number, f"description is not a string (got {type(description).__name__})"), False
    if not description.strip():
        return _error(posting_id, line_number, "empty description"), False
    posting = normalize(raw)
    if any(d.startswith("emr/error/") for d in posting.decisions):
        failed = ", ".join(d.removeprefix("emr/error/") for d in posting.decisions if d.startswith("emr/error/"))
        return _error(posting_id, line_number, f"normalizer failed: {failed}"), False
    return posting_to_record(posting_id, posting), True


def run(in_fp: TextIO, out_fp: TextIO) -> int:
    """Normalize every JSON line of in_fp into out_fp; return the number of failed lines."""
    failed = 0
    for line_number, line in enumerate(in_fp, start=1):
        if not line.strip():
            continue
        record, ok = _process_line(line, line_number)
        if not ok:
            failed += 1
        out_fp.write(json.dumps(record, ensure_ascii=False) + "\n")
    out_fp.flush()
    return failed
