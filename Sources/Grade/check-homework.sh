#!/usr/bin/env bash
# The homework pipeline end to end, as an instructor and Gradescope use it (make check-homework).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
json() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }

echo "── make handout (build it, grade it: 0 points, every part not attempted)"
make --no-print-directory handout OUT="$work/handout"

echo "── a compile error in the student's code is reported as a build failure, 0 points"
echo 'this is not Swift' >> "$work/handout/Sources/Homework/Assignment1Activations.swift"
(cd "$work/handout" && .build/debug/backprop-grade --results "$work/broken.json" > "$work/broken.txt")
grep -q "Build failed" "$work/broken.txt"
[ "$(json "$work/broken.json" "r['score']")" = "0" ]
[ "$(json "$work/broken.json" "all(t['output'].startswith('build failed: the homework does not compile') and 'error:' in t['output'] for t in r['tests'])")" = "True" ]
echo "   build failure reported, 0 points"

echo "── make autograder, then run_autograder as Gradescope runs it"
make --no-print-directory autograder ZIP="$work/autograder.zip"
mkdir "$work/autograder" && (cd "$work/autograder" && python3 -m zipfile -e "$work/autograder.zip" .)
chmod +x "$work/autograder/run_autograder"
mkdir -p "$work/submission/nested"
cp Sources/Homework/*.swift "$work/submission/nested/"
"$work/autograder/run_autograder" "$work/submission" "$work/results-full"
[ "$(json "$work/results-full/results.json" "r['score'] == sum(t['max_score'] for t in r['tests']) and len(r['tests']) == r['extra_data']['parts_expected'] and r['extra_data']['complete']")" = "True" ]
echo "   the instructor's solutions, submitted: full marks on all $(json "$work/results-full/results.json" "len(r['tests'])") parts (hidden included)"
mkdir "$work/empty"
"$work/autograder/run_autograder" "$work/empty" "$work/results-empty"
[ "$(json "$work/results-empty/results.json" "r['score']")" = "0" ]
echo "   an empty submission: 0 points"

# Hostile submissions through both paths (Tests/Attacks): no submission changes any score but
# its own parts', sees hidden cases or others' work, or holds up the class.
bash Tests/Attacks/run.sh "$work"
echo "check-homework: all passed"
