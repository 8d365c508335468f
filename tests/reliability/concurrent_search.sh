#!/usr/bin/env bash
# concurrent_search.sh — searches running while the index is rebuilt back
# to back all succeed and all see a complete index.
#
# Indexes a generated corpus, computes the answer to a fixed query once
# (its total and number of results), then starts rebuilds in a loop and,
# meanwhile, SEARCHES searches (default 2000) in LOOPS parallel processes
# (default 4).  Every search must exit 0 and report exactly the expected
# total and number of results — a partial or missing index, a Xapian
# DatabaseModifiedError or a vanished generation all show up as an error.
# The rebuilds must all succeed too, and there must have been at least two
# of them while the searches ran (or the test proved nothing).
#
#   DS_BIN=build/dealsearch SEARCHES=2000 tests/reliability/concurrent_search.sh
#
# CONC_FILES / CONC_PARAS size the corpus (default 40 x 30: a rebuild of
# about a second).  Prints TAP.
source "$(dirname "$0")/lib.sh"
SEARCHES=${SEARCHES:-2000}
LOOPS=${LOOPS:-4}
CONC_FILES=${CONC_FILES:-40}
CONC_PARAS=${CONC_PARAS:-30}

CORPUS="$WORK/corpus"
INDEX="$WORK/corpus.index"
QUERY=quokka
gen_corpus "$CORPUS" "$CONC_FILES" "$CONC_PARAS"
"$BIN" --corpus "$CORPUS" --index "$INDEX" index >"$WORK/first.out" 2>&1
check "first build succeeds" [ $? -eq 0 ]
diag "$(cat "$WORK/first.out")"

# The fixed answer: total and result count, read from the JSON the same
# way the loops read it.
count_of() { # JSON-FILE -> "total results"
    local total results
    total=$(grep -o '"total": *[0-9]*' "$1" | head -1 | grep -o '[0-9]*$')
    results=$(grep -o '"rank": *[0-9]*' "$1" | wc -l)
    echo "${total:-none} $results"
}
"$BIN" --corpus "$CORPUS" --index "$INDEX" --json -n 1000 "$QUERY" >"$WORK/expected.json" 2>/dev/null
expected=$(count_of "$WORK/expected.json")
check "the fixed query has an answer (total, results: $expected)" \
    eval '[ "${expected%% *}" != none ] && [ "${expected#* }" -gt 0 ]'

# Rebuild back to back until told to stop; one line per rebuild.
: >"$WORK/rebuilds.log"
(
    while [ ! -e "$WORK/stop" ]; do
        "$BIN" --corpus "$CORPUS" --index "$INDEX" index --rebuild >"$WORK/rebuild.out" 2>&1
        rc=$?
        echo "$rc $(head -c 300 "$WORK/rebuild.out" | tr '\n' ' ')" >>"$WORK/rebuilds.log"
    done
) &
rebuilder=$!

# One search loop: a line per failed search in its log.
search_loop() { # ID COUNT
    local i rc got
    for ((i = 0; i < $2; i++)); do
        "$BIN" --corpus "$CORPUS" --index "$INDEX" --json -n 1000 "$QUERY" \
            >"$WORK/out.$1" 2>"$WORK/err.$1"
        rc=$?
        got=$(count_of "$WORK/out.$1")
        if [ "$rc" -ne 0 ] || [ "$got" != "$expected" ]; then
            echo "search $1.$i: exit $rc, total/results '$got' (expected '$expected'): $(head -c 300 "$WORK/err.$1" | tr '\n' ' ')" >>"$WORK/fail.$1"
        fi
    done
    : >>"$WORK/fail.$1"
}
per_loop=$(( (SEARCHES + LOOPS - 1) / LOOPS ))
sleep 0.2 # let the first rebuild start
start=$(date +%s)
pids=""
for l in $(seq 1 "$LOOPS"); do
    search_loop "$l" "$per_loop" &
    pids="$pids $!"
done
wait $pids
elapsed=$(($(date +%s) - start))
touch "$WORK/stop"
wait "$rebuilder"

total_searches=$((per_loop * LOOPS))
failures=$(cat "$WORK"/fail.* | wc -l)
rebuilds=$(wc -l <"$WORK/rebuilds.log")
rebuild_failures=$(grep -vc '^0 ' "$WORK/rebuilds.log")
diag "$total_searches searches in $LOOPS parallel loops took ${elapsed}s, during $rebuilds rebuilds"
check "at least two rebuilds ran while searching ($rebuilds)" [ "$rebuilds" -ge 2 ]
if [ "$rebuild_failures" -eq 0 ]; then
    ok "every rebuild succeeded"
else
    not_ok "every rebuild succeeded" "$rebuild_failures of $rebuilds failed:" \
        "$(grep -v '^0 ' "$WORK/rebuilds.log" | head -5)"
fi
if [ "$failures" -eq 0 ]; then
    ok "all $total_searches searches exit 0 with total and results '$expected'"
else
    mapfile -t sample < <(cat "$WORK"/fail.* | head -10)
    not_ok "all $total_searches searches exit 0 with total and results '$expected'" \
        "$failures of $total_searches failed; the first ones:" "${sample[@]}"
fi
crashed=$(cat "$WORK"/fail.* | grep -cE 'exit (9[0-9]|1[0-9][0-9])|Sanitizer|runtime error')
check "no search crashed" [ "$crashed" -eq 0 ]
finish
