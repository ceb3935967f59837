"""Scores `emr-jobs normalize` (run as a subprocess) against the labelled development set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_SET = Path(os.environ.get("EMR_JOBS_DEV_SET") or REPO_ROOT.parent / "shared/eval/dev.jsonl")


def _load_cases() -> list[dict]:
    with DEV_SET.open(encoding="utf-8") as fp:
        return [json.loads(line) for line in fp if line.strip()]


def _pay_equal(got: dict | None, expected: dict | None) -> bool:
    if got is None or expected is None:
        return got is expected
    return (
        got["period"] == expected["period"]
        and got["currency"] == expected["currency"]
        and all(
            (got[k] is None and expected[k] is None)
            or (got[k] is not None and expected[k] is not None and abs(got[k] - expected[k]) < 0.005)
            for k in ("min", "max")
        )
    )


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> dict:
    if not DEV_SET.is_file():
        pytest.skip(f"dev set not found at {DEV_SET} (set EMR_JOBS_DEV_SET to its path)")
    cases = _load_cases()
    input_path = tmp_path_factory.mktemp("dev") / "dev_inputs.jsonl"
    with input_path.open("w", encoding="utf-8") as fp:
        for case in cases:
            fp.write(json.dumps({"id": case["id"], **case["input"]}) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "emr_jobs", "normalize", "-i", str(input_path)],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, check=False,
    )
    assert proc.returncode == 0, f"CLI failed ({proc.returncode}): {proc.stderr[-2000:]}"
    outputs = {rec["id"]: rec for rec in map(json.loads, proc.stdout.splitlines()) if rec.get("id")}

    counts = {"pay": 0, "pay_wrong": 0, "work_mode": 0, "employer_type": 0, "role": 0, "relevant": 0}
    tp = fp_ = fn = strength_ok = strength_n = 0
    misses: list[str] = []
    for case in cases:
        expected, got = case["expect"], outputs.get(case["id"], {})
        if _pay_equal(got.get("pay"), expected["pay"]):
            counts["pay"] += 1
        else:
            misses.append(f"{case['id']} pay: expected {expected['pay']} got {got.get('pay')}")
            if got.get("pay") is not None:
                counts["pay_wrong"] += 1
        for key in ("work_mode", "employer_type", "role", "relevant"):
            if got.get(key) == expected[key]:
                counts[key] += 1
            else:
                misses.append(f"{case['id']} {key}: expected {expected[key]!r} got {got.get(key)!r}")
        got_certs, exp_certs = got.get("certifications") or {}, expected["certifications"]
        for code, strength in got_certs.items():
            if code in exp_certs:
                tp += 1
                strength_n += 1
                strength_ok += strength == exp_certs[code]
                if strength != exp_certs[code]:
                    misses.append(f"{case['id']} cert {code}: expected {exp_certs[code]} got {strength}")
            else:
                fp_ += 1
                misses.append(f"{case['id']} cert {code}: not expected")
        for code in set(exp_certs) - set(got_certs):
            fn += 1
            misses.append(f"{case['id']} cert {code}: missed")
    n = len(cases)
    precision = tp / (tp + fp_) if tp + fp_ else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    scores = {key: counts[key] / n for key in ("pay", "work_mode", "employer_type", "role", "relevant")}
    scores["pay_wrong"] = counts["pay_wrong"]
    scores["cert_f1"] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    scores["cert_strength"] = strength_ok / strength_n if strength_n else 1.0
    summary = ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in scores.items())
    return {"scores": scores, "summary": summary + "\n" + "\n".join(misses)}


@pytest.mark.parametrize(
    ("field", "threshold"),
    [
        ("pay", 0.95),
        ("work_mode", 0.95),
        ("cert_f1", 0.95),
        ("cert_strength", 0.90),
        ("employer_type", 0.90),
        ("role", 0.95),
        ("relevant", 0.95),
    ],
)
def test_field_score(scored, field, threshold):
    assert scored["scores"][field] >= threshold, scored["summary"]


def test_at_most_one_wrong_pay(scored):
    assert scored["scores"]["pay_wrong"] <= 1, scored["summary"]
