#!/usr/bin/env python3
"""Score `emr-jobs normalize` against the held-out set tests/fixtures/holdout/postings.jsonl: 76
postings labelled by a second author from the field definitions in the README beside the set, before
reading the normalizers. Not a test: it prints per-field accuracy and every mismatch.

usage: python3 bench/holdout.py .venv/bin/emr-jobs [postings.jsonl | set directory] [--show-all]

The second argument may be a postings file or a directory holding `postings.jsonl`, e.g.
tests/fixtures/holdout2 (64 postings written for issue 11's precision classes).

For every field present in a posting's `labels`:
  * if the normalizer's output line has the field, the value is compared (scored);
  * if the output line lacks the field, it is counted as "not supported" and listed separately.
`certifications` ({CODE: strength}) is scored as per-credential presence (micro precision/recall/F1)
and per-credential strength accuracy (over credentials present in both), plus exact-dict accuracy.
`pay` ({min, max, period, currency} or null) must match on all four parts (numbers to 0.01).
"""
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "holdout")
INPUT_KEYS = ("id", "title", "employer", "location", "description", "pay_text")


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def run_normalizer(exe, postings):
    stdin = "".join(json.dumps({k: p.get(k) for k in INPUT_KEYS}, ensure_ascii=False) + "\n"
                    for p in postings)
    proc = subprocess.run([exe, "normalize"], input=stdin, capture_output=True, text=True, timeout=600)
    out = {}
    for line in proc.stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "id" in obj:
            out[str(obj["id"])] = obj
    return proc.returncode, proc.stderr, out


def num_eq(a, b):
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 0.005
    except (TypeError, ValueError):
        return a == b


def pay_eq(exp, got):
    if exp is None or got is None:
        return exp is None and got is None
    if not isinstance(got, dict):
        return False
    return (num_eq(exp.get("min"), got.get("min")) and num_eq(exp.get("max"), got.get("max"))
            and exp.get("period") == got.get("period")
            and (exp.get("currency") or "USD") == (got.get("currency") or "USD"))


def canon_certs(v):
    if not v:
        return {}
    if isinstance(v, dict):
        res = {}
        for k, s in v.items():
            res[str(k).upper()] = s.get("strength") if isinstance(s, dict) else s
        return res
    if isinstance(v, list):  # tolerate [{"code":..,"strength":..}] shapes
        res = {}
        for item in v:
            if isinstance(item, dict) and "code" in item:
                res[str(item["code"]).upper()] = item.get("strength")
            elif isinstance(item, str):
                res[item.upper()] = None
        return res
    return {}


def field_eq(field, exp, got):
    if field == "pay":
        return pay_eq(exp, got)
    if field in ("experience_years_min", "experience_years_max"):
        return num_eq(exp, got)
    if isinstance(exp, bool) or isinstance(got, bool):
        return type(exp) is type(got) and exp == got
    return exp == got


def short(v, n=90):
    s = json.dumps(v, ensure_ascii=False, sort_keys=True)
    return s if len(s) <= n else s[: n - 3] + "..."


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    exe = argv[1]
    path = next((a for a in argv[2:] if not a.startswith("--")), HERE)
    if os.path.isdir(path):
        path = os.path.join(path, "postings.jsonl")
    postings = load(path)
    rc, stderr, out = run_normalizer(exe, postings)

    print(f"normalizer: {exe}")
    print(f"set: {os.path.relpath(path)}")
    print(f"postings: {len(postings)}  output lines matched by id: {len(out)}  exit status: {rc}")
    if stderr.strip():
        print("stderr (first 5 lines):")
        for line in stderr.strip().splitlines()[:5]:
            print("   ", line)

    counts = defaultdict(lambda: [0, 0])          # field -> [n, correct]
    unsupported = defaultdict(list)               # field -> [ids]
    mismatches = []                               # (id, field, expected, got)
    missing_out, errors = [], []
    cert_tp = cert_fp = cert_fn = 0
    strength_n = strength_ok = 0
    strength_conf = Counter()                     # (expected strength, got strength)
    cert_code_stats = defaultdict(lambda: [0, 0, 0])  # code -> [tp, fp, fn]
    field_order = []

    for p in postings:
        pid, labels = p["id"], p.get("labels", {})
        o = out.get(pid)
        if o is None:
            missing_out.append(pid)
            continue
        if "error" in o and o.get("error"):
            errors.append((pid, o["error"]))
            continue
        for field, exp in labels.items():
            if field not in field_order:
                field_order.append(field)
            if field not in o:
                unsupported[field].append(pid)
                continue
            got = o[field]
            if field == "certifications":
                e, g = canon_certs(exp), canon_certs(got)
                for code in set(e) | set(g):
                    if code in e and code in g:
                        cert_tp += 1
                        cert_code_stats[code][0] += 1
                        strength_n += 1
                        strength_conf[(e[code], g[code])] += 1
                        if e[code] == g[code]:
                            strength_ok += 1
                        else:
                            mismatches.append((pid, f"certifications.{code}.strength", e[code], g[code]))
                    elif code in g:
                        cert_fp += 1
                        cert_code_stats[code][1] += 1
                        mismatches.append((pid, f"certifications.{code}", "(absent)", g[code]))
                    else:
                        cert_fn += 1
                        cert_code_stats[code][2] += 1
                        mismatches.append((pid, f"certifications.{code}", e[code], "(absent)"))
                counts[field][0] += 1
                if e == g:
                    counts[field][1] += 1
                continue
            counts[field][0] += 1
            if field_eq(field, exp, got):
                counts[field][1] += 1
            else:
                mismatches.append((pid, field, exp, got))

    print()
    print(f"{'field':<26}{'n':>5}{'correct':>9}{'%':>8}   not supported")
    print("-" * 62)
    for field in field_order:
        n, c = counts[field]
        pct = f"{100.0 * c / n:.1f}" if n else "-"
        ns = len(unsupported[field])
        print(f"{field:<26}{n:>5}{c:>9}{pct:>8}   {ns if ns else ''}")

    prec = cert_tp / (cert_tp + cert_fp) if cert_tp + cert_fp else 0.0
    rec = cert_tp / (cert_tp + cert_fn) if cert_tp + cert_fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print()
    print("certifications (per credential, micro over postings where labelled and output):")
    print(f"  presence: tp={cert_tp} fp={cert_fp} fn={cert_fn}  precision={prec:.3f} recall={rec:.3f} F1={f1:.3f}")
    if strength_n:
        print(f"  strength accuracy (on credentials found): {strength_ok}/{strength_n} = {100.0 * strength_ok / strength_n:.1f}%")
    else:
        print("  strength accuracy: n=0")
    if strength_conf:
        print("  strength expected -> got:")
        for (e, g), k in sorted(strength_conf.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
            print(f"    {str(e):<18} -> {str(g):<18} {k}")
    # per expected strength: how many labelled credentials of that strength were found with it
    by_strength = defaultdict(lambda: [0, 0, 0])  # strength -> [labelled, found, found_with_same_strength]
    for p in postings:
        o = out.get(p["id"])
        if not o or "certifications" not in p.get("labels", {}) or "certifications" not in o:
            continue
        e, g = canon_certs(p["labels"]["certifications"]), canon_certs(o["certifications"])
        for code, s in e.items():
            by_strength[s][0] += 1
            if code in g:
                by_strength[s][1] += 1
                if g[code] == s:
                    by_strength[s][2] += 1
    if by_strength:
        print("  by labelled strength: labelled / found / found with that strength")
        for s in sorted(by_strength, key=str):
            a, b, c = by_strength[s]
            print(f"    {str(s):<18} {a:>4} {b:>6} {c:>6}")

    # relevance confusion
    tp = fp = fn = tn = 0
    for p in postings:
        o = out.get(p["id"])
        if not o or "relevant" not in p.get("labels", {}) or "relevant" not in o:
            continue
        e, g = p["labels"]["relevant"], o["relevant"]
        tp += e and g
        fp += (not e) and bool(g)
        fn += e and not g
        tn += (not e) and not g
    print()
    print(f"relevance: tp={tp} fp={fp} fn={fn} tn={tn}")

    if unsupported:
        print()
        print("label fields not present in the output (not supported):")
        for field in field_order:
            if unsupported[field]:
                print(f"  {field}: {len(unsupported[field])} postings")
    if missing_out:
        print(f"\npostings with no output line: {', '.join(missing_out)}")
    if errors:
        print("\npostings with an error:")
        for pid, err in errors:
            print(f"  {pid}: {short(err, 120)}")

    print()
    print(f"mismatches ({len(mismatches)}):")
    for pid, field, exp, got in mismatches:
        print(f"  {pid:<8} {field:<32} expected={short(exp)}  got={short(got)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
