#!/usr/bin/env python3
"""Checks what grading a hostile submission gave (see hostile.py and run.sh).

    check.py RESULTS EXPECTATIONS LOG SECONDS TIMEOUT [TOKEN …]

Every attacked part gets what its expectation says (0, or full marks when the attack still
returned the right answer), every other part full marks, the file is complete, grading took at
most parts × time limit + 15 s, and no TOKEN (text of the hidden cases, of a classmate's
submission) appears in the results or the grader's output.
"""
import json, sys

results_path, expectations_path, log_path, seconds, timeout = sys.argv[1:6]
tokens = sys.argv[6:]
results_text = open(results_path).read()
results = json.loads(results_text)
expectations = json.load(open(expectations_path))
log = open(log_path, errors="replace").read()
failures = []

extra = results.get("extra_data", {})
if not extra.get("complete") or extra.get("parts_graded") != extra.get("parts_expected"):
    failures.append("results are incomplete: %s" % extra)
for test in results["tests"]:
    base = test["number"].split("·")[0]
    expect = expectations.get(base, "full")
    got, full = test["score"], test["max_score"]
    if expect == "zero" and got != 0:
        failures.append("%s: expected 0 points (attacked, wrong answer), got %s: %s" % (test["number"], got, test["output"]))
    if expect == "full" and got != full:
        failures.append("%s: expected %s points, got %s: %s" % (test["number"], full, got, test["output"]))
expected_total = sum(t["score"] for t in results["tests"])
if results["score"] != expected_total:
    failures.append("score %s is not the sum of the parts %s" % (results["score"], expected_total))
bound = len(results["tests"]) * float(timeout) + 15
if float(seconds) > bound:
    failures.append("grading took %s s, more than parts × time limit + 15 s = %s s" % (seconds, bound))
for token in tokens:
    for name, text in (("results.json", results_text), ("the grader's output", log)):
        if token in text:
            failures.append("%r (hidden or another student's text) appears in %s" % (token, name))
if failures:
    print("check.py: %d problem(s) in %s:" % (len(failures), results_path))
    for failure in failures:
        print("  ✗ " + failure)
    sys.exit(1)
attacked = sorted(k for k in expectations)
print("   %d attacks (parts %s): each attacked part got what its answers earn, every other part full marks, "
      "%s/%s points, complete, %s s (bound %d s), no hidden or classmate text in any output"
      % (len(attacked), " ".join(attacked), results["score"], sum(t["max_score"] for t in results["tests"]), seconds, bound))
