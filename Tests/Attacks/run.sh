#!/usr/bin/env bash
# The attack suite (make check-homework runs it): hostile submissions graded through the real
# tools, as Gradescope's run_autograder and as a student's `make grade` in a handout.
#
#     run.sh WORK        WORK holds the built handout/ and the unzipped autograder/ of check-homework.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$1"
attacks="$(pwd)/Tests/Attacks"
json() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }
timeout=10

# A classmate's submission beside the hostile one, with a secret the attacks try to read.
secret="CLASSMATE-SECRET-$RANDOM$RANDOM"
mkdir -p "$work/submissions/classmate" "$work/submissions/honest"
cp Sources/Homework/*.swift "$work/submissions/honest/"
cp Sources/Homework/*.swift "$work/submissions/classmate/"
echo "// $secret" >> "$work/submissions/classmate/Assignment1Activations.swift"
hidden_token="static let hiddenCases"
grep -q "$hidden_token" Sources/HomeworkGrading/HiddenCases.swift

echo "── attacks through run_autograder (the grader as root: student code as its own user, sandboxed)"
python3 "$attacks/hostile.py" Sources/Homework "$work/submissions/hostile" "$work/autograder" "$work/results-hostile/results.json" \
    "$work/autograder/Sources/HomeworkGrading/HiddenCases.swift" "$work/submissions/classmate/Assignment1Activations.swift"
mkdir -p "$work/results-hostile"
start=$(date +%s.%N)
"$work/autograder/run_autograder" "$work/submissions/hostile" "$work/results-hostile" > "$work/hostile.log" 2>&1 \
    || { cat "$work/hostile.log"; echo "run_autograder failed on the hostile submission"; exit 1; }
seconds=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
sleep 5   # the detached daemon of the softmax attack would rewrite results.json now
python3 "$attacks/check.py" "$work/results-hostile/results.json" "$work/submissions/hostile/expectations.json" "$work/hostile.log" \
    "$seconds" "$timeout" "$hidden_token" "$secret" || { cat "$work/hostile.log"; exit 1; }
[ -z "$(ps -o pid= -u backprop-student 2>/dev/null)" ] || { echo "processes of backprop-student are left:"; ps -u backprop-student; exit 1; }
echo "   nothing left running as backprop-student; the grader's files unchanged (run_autograder checks grader.sha256 next)"

echo "── the next, honest submission graded in the same folder gets exactly its own score"
"$work/autograder/run_autograder" "$work/submissions/honest" "$work/results-honest" > "$work/honest.log" 2>&1 \
    || { cat "$work/honest.log"; exit 1; }
python3 - "$work/results-full/results.json" "$work/results-honest/results.json" <<'PY'
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
if before["tests"] != after["tests"] or before["score"] != after["score"]:
    sys.exit("the honest submission's results differ from the same files graded before the attack")
print("   %s/%s points, identical to the same files graded before the attacks" % (after["score"], sum(t["max_score"] for t in after["tests"])))
PY

echo "── importing modules the homework may not use is a build failure, said in plain words"
for form in "@_exported import Neural" "@testable import HomeworkGrading" "import struct HomeworkWire.Channel"; do
    module="$(echo "$form" | sed 's/.*import \(struct \)\{0,1\}\([A-Za-z]*\).*/\2/')"
    rm -rf "$work/submissions/imports" "$work/results-imports"
    mkdir -p "$work/submissions/imports"
    cp Sources/Homework/*.swift "$work/submissions/imports/"
    sed -i "1i $form" "$work/submissions/imports/Assignment1Activations.swift"
    "$work/autograder/run_autograder" "$work/submissions/imports" "$work/results-imports" > "$work/imports.log" 2>&1 || true
    [ "$(json "$work/results-imports/results.json" "r['score']")" = "0" ] || { echo "$form: not 0 points"; cat "$work/imports.log"; exit 1; }
    [ "$(json "$work/results-imports/results.json" "all('Sources/Homework imports $module, which the homework may not use' in t['output'] for t in r['tests'])")" = "True" ] \
        || { echo "$form: the import of $module is not reported"; cat "$work/imports.log"; exit 1; }
    echo "   $form: build failed, 0 points, \"Sources/Homework imports $module, which the homework may not use\""
done

echo "── attacks through make grade in a handout"
python3 "$attacks/hostile.py" Sources/Homework "$work/hostile-handout" "$work/handout" "$work/handout-hostile.json" \
    "$(pwd)/Sources/HomeworkGrading/HiddenCases.swift" "$work/submissions/classmate/Assignment1Activations.swift"
cp "$work"/hostile-handout/*.swift "$work/handout/Sources/Homework/"
start=$(date +%s.%N)
(cd "$work/handout" && make --no-print-directory grade RESULTS="$work/handout-hostile.json") > "$work/handout-hostile.log" 2>&1 \
    || { cat "$work/handout-hostile.log"; exit 1; }
seconds=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
sleep 5
python3 "$attacks/check.py" "$work/handout-hostile.json" "$work/hostile-handout/expectations.json" "$work/handout-hostile.log" \
    "$seconds" "$timeout" "$hidden_token" "$secret" || { cat "$work/handout-hostile.log"; exit 1; }
echo "attacks: all held"
