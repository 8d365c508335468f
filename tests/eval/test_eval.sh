#!/usr/bin/env bash
# tests/eval/test_eval.sh — checks build/bench/eval (bench/eval.c) against
# the hand-computed values in tests/eval/README.md.  Prints TAP; exits
# non-zero when any check fails.
#
#   tests/eval/test_eval.sh                 uses build/bench/eval
#   EVAL_BIN=build/asan/bench/eval tests/eval/test_eval.sh
set -u
cd "$(dirname "$0")/../.."
EVAL_BIN=${EVAL_BIN:-build/bench/eval}
DIR=tests/eval
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
    return 0
}

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi
}

# value FILE METRIC: the value printed on FILE's "METRIC value" line.
value() { awk -v m="$2" '$1 == m && NF == 2 { print $2 }' "$1"; }

# expect_error NAME PATTERN COMMAND...: COMMAND must exit 2 with one line
# on stderr matching PATTERN (a grep -E regex) and nothing on stdout.
expect_error() {
    local name=$1 pattern=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$? lines
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ] &&
        grep -Eq "$pattern" "$tmp/err"; then
        ok "$name"
    else
        not_ok "$name" "status $rc, stderr: $(cat "$tmp/err")"
    fi
}

if [ ! -x "$EVAL_BIN" ]; then
    echo "Bail out! $EVAL_BIN not built (make -f bench/eval.mk eval-tools)"
    exit 1
fi

# --- the hand-made fixture -------------------------------------------------
if "$EVAL_BIN" "$DIR/qrels.txt" "$DIR/run.txt" >"$tmp/summary" 2>"$tmp/err"; then
    ok "fixture: exits 0"
else
    not_ok "fixture: exits 0" "$(cat "$tmp/err")"
fi
check "fixture: MAP"        0.2725 "$(value "$tmp/summary" MAP)"
check "fixture: nDCG@10"    0.3052 "$(value "$tmp/summary" nDCG@10)"
check "fixture: P@10"       0.1667 "$(value "$tmp/summary" P@10)"
check "fixture: Recall@100" 0.5556 "$(value "$tmp/summary" Recall@100)"
check "fixture: MRR"        0.2778 "$(value "$tmp/summary" MRR)"
check "fixture: queries (judged only, absent one included)" 3 \
    "$(value "$tmp/summary" queries)"

"$EVAL_BIN" "$DIR/qrels.txt" "$DIR/run.txt" --per-query >"$tmp/perq" 2>&1
check "per-query: query 1 (graded, ties by docno descending)" \
    "0.6458 0.6810 0.4000 1.0000 0.5000 4 7" \
    "$(awk '$1 == "query" && $2 == "1" { $1 = $2 = ""; print substr($0, 3) }' "$tmp/perq")"
check "per-query: query 2 (binary, relevant past rank 10)" \
    "0.1717 0.2346 0.1000 0.6667 0.3333 3 12" \
    "$(awk '$1 == "query" && $2 == "2" { $1 = $2 = ""; print substr($0, 3) }' "$tmp/perq")"
check "per-query: query 3 (judged, not in run) scores 0" \
    "0.0000 0.0000 0.0000 0.0000 0.0000 2 0" \
    "$(awk '$1 == "query" && $2 == "3" { $1 = $2 = ""; print substr($0, 3) }' "$tmp/perq")"
check "per-query: unjudged query 9 not listed" 0 \
    "$(awk '$1 == "query" && $2 == "9"' "$tmp/perq" | wc -l | tr -d ' ')"
check "per-query: summary unchanged" "$(cat "$tmp/summary")" \
    "$(grep -Ev '^(query |#)' "$tmp/perq")"

"$EVAL_BIN" "$DIR/qrels.txt" - <"$DIR/run.txt" >"$tmp/stdin" 2>&1
check "run read from stdin (-)" "$(cat "$tmp/summary")" "$(cat "$tmp/stdin")"

# --- rank 101: past every cut-off but not past AP and MRR -------------------
echo "1 0 doc101 1" >"$tmp/q101"
for i in $(seq 1 101); do echo "1 Q0 doc$i $i $((1000 - i)) gen"; done >"$tmp/r101"
"$EVAL_BIN" "$tmp/q101" "$tmp/r101" >"$tmp/s101" 2>&1
check "rank 101: Recall@100 is 0" 0.0000 "$(value "$tmp/s101" Recall@100)"
check "rank 101: nDCG@10 is 0"    0.0000 "$(value "$tmp/s101" nDCG@10)"
check "rank 101: MAP is 1/101"    0.0099 "$(value "$tmp/s101" MAP)"
check "rank 101: MRR is 1/101"    0.0099 "$(value "$tmp/s101" MRR)"

# --- a judged query with no relevant doc counts, as in trec_eval -c ---------
printf '1 0 a 1\n2 0 b 0\n' >"$tmp/qnonrel"
printf '1 Q0 a 1 1.0 t\n2 Q0 b 1 1.0 t\n' >"$tmp/rnonrel"
"$EVAL_BIN" "$tmp/qnonrel" "$tmp/rnonrel" >"$tmp/snonrel" 2>&1
check "all-non-relevant query counted" 2 "$(value "$tmp/snonrel" queries)"
check "all-non-relevant query scores 0" 0.5000 "$(value "$tmp/snonrel" MAP)"

# --- malformed input ---------------------------------------------------------
printf '1 0 a 1\n1 0 b\n' >"$tmp/qfields"
expect_error "qrels with 3 fields: FILE:LINE, status 2" \
    "^eval: $tmp/qfields:2: expected 4 fields" "$EVAL_BIN" "$tmp/qfields" "$DIR/run.txt"
printf '1 0 a 1\n\n# note\n1 0 b 1.5\n' >"$tmp/qgrade"
expect_error "non-integer relevance: FILE:LINE, status 2" \
    "^eval: $tmp/qgrade:4: relevance \"1\\.5\" is not an integer" \
    "$EVAL_BIN" "$tmp/qgrade" "$DIR/run.txt"
printf '1 0 a 1\n1 0 a 0\n' >"$tmp/qdup"
expect_error "document judged twice: FILE:LINE, status 2" \
    "^eval: $tmp/qdup:2: query 1 judges document a twice" \
    "$EVAL_BIN" "$tmp/qdup" "$DIR/run.txt"
printf '1 Q0 a 1 1.0 t\n1 Q0 b 2 high t\n' >"$tmp/rscore"
expect_error "non-numeric score: FILE:LINE, status 2" \
    "^eval: $tmp/rscore:2: score \"high\" is not a finite number" \
    "$EVAL_BIN" "$DIR/qrels.txt" "$tmp/rscore"
printf '1 Q0 a 1 1.0 t\n1 Q0 b 2 nan t\n' >"$tmp/rnan"
expect_error "NaN score rejected" "^eval: $tmp/rnan:2: score" \
    "$EVAL_BIN" "$DIR/qrels.txt" "$tmp/rnan"
printf '1 Q0 a 1 1.0 t\n1 Q0 b 2 0.5\n' >"$tmp/rfields"
expect_error "run with 5 fields: FILE:LINE, status 2" \
    "^eval: $tmp/rfields:2: expected 6 fields" "$EVAL_BIN" "$DIR/qrels.txt" "$tmp/rfields"
printf '1 Q0 a 1 1.0 t\n1 Q0 b 2 0.5 t\n1 Q0 a 3 0.2 t\n' >"$tmp/rdup"
expect_error "document retrieved twice: FILE:LINE, status 2" \
    "^eval: $tmp/rdup:3: query 1 retrieves document a twice \(first on line 1\)" \
    "$EVAL_BIN" "$DIR/qrels.txt" "$tmp/rdup"
expect_error "qrels and run swapped: FILE:LINE, status 2" \
    "^eval: $DIR/run.txt:4: expected 4 fields" "$EVAL_BIN" "$DIR/run.txt" "$DIR/qrels.txt"
printf '1 Q0 a 1 1.0 t\n1 Q0 b\0 2 0.5 t\n' >"$tmp/rnul"
expect_error "NUL byte: FILE:LINE, status 2" "^eval: $tmp/rnul:2: NUL byte" \
    "$EVAL_BIN" "$DIR/qrels.txt" "$tmp/rnul"
: >"$tmp/qempty"
expect_error "empty qrels, status 2" "^eval: $tmp/qempty: no judgments" \
    "$EVAL_BIN" "$tmp/qempty" "$DIR/run.txt"
expect_error "missing file, status 2" "^eval: $tmp/nope: cannot open" \
    "$EVAL_BIN" "$DIR/qrels.txt" "$tmp/nope"
expect_error "no arguments: usage, status 2" "^eval: need QRELS and RUN" "$EVAL_BIN"
expect_error "unknown option: usage, status 2" "^eval: unknown option --bogus" \
    "$EVAL_BIN" --bogus "$DIR/qrels.txt" "$DIR/run.txt"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
