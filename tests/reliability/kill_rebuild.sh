#!/usr/bin/env bash
# kill_rebuild.sh — a rebuild killed at any moment never costs the index.
#
# Builds a generated corpus big enough that `dealsearch index` takes a
# while, indexes it once and records the answer to a known query.  Then,
# TRIALS times (default 50) with a fixed SEED, starts a rebuild and
# SIGKILLs it at a random moment within the measured rebuild time (so
# kills land in reading, writing, syncing and publishing alike).  The
# moments are stratified: trial i draws from the i-th of TRIALS equal
# slices of the window, so even 8 trials cover the whole rebuild and an
# unlucky seed cannot bunch them all after it has finished.  After
# every kill:
#   - the known query gives the same results (and exits 0, no crash);
#   - the rebuild lock is free (flock -n succeeds: no stale lock);
# and every CHECK_EVERY trials (and at the end) a full rebuild is run:
#   - it succeeds (a killed rebuild never blocks the next one);
#   - it leaves only `current`, the served generation and the one before
#     it, the lock and the marker (no partial generation, no current.next);
#   - the known query still gives the same results.
#
#   DS_BIN=build/dealsearch TRIALS=50 SEED=1 tests/reliability/kill_rebuild.sh
#
# INDEX_ARGS are added to every `dealsearch index` (e.g. "--jobs 2": kills
# land in shard threads and the merge, and a killed build leaves shard
# directories inside its generation for the next rebuild to remove).
# KILL_FILES / KILL_PARAS size the corpus (files x one-line paragraphs):
# default 150 x 40, about 3 MB, a rebuild of 2-3 s; for a sanitizer build
# (detected by its __asan_init symbol) 60 x 40, as ASan makes indexing
# 3-4 times slower.  Prints TAP.
source "$(dirname "$0")/lib.sh"
TRIALS=${TRIALS:-50}
SEED=${SEED:-1}
CHECK_EVERY=${CHECK_EVERY:-10}
if grep -q __asan_init "$BIN" 2>/dev/null; then
    KILL_FILES=${KILL_FILES:-60}
else
    KILL_FILES=${KILL_FILES:-150}
fi
KILL_PARAS=${KILL_PARAS:-40}
INDEX_ARGS=${INDEX_ARGS:-}
command -v flock >/dev/null || { echo "Bail out! flock (util-linux) is required"; exit 2; }

CORPUS="$WORK/corpus"
INDEX="$WORK/corpus.index"
QUERY=quokka
gen_corpus "$CORPUS" "$KILL_FILES" "$KILL_PARAS"

now_ms() { date +%s%3N; }
"$BIN" --corpus "$CORPUS" --index "$INDEX" index --rebuild $INDEX_ARGS >"$WORK/first.out" 2>&1
rc=$?
check "first build succeeds" [ "$rc" -eq 0 ]
# The kill window comes from rebuilds (what the trials interrupt), which
# run warmer and faster than the first build: the faster of two, so a
# slow moment on a noisy machine does not stretch the window past them.
build_ms=
for _ in 1 2; do
    start=$(now_ms)
    "$BIN" --corpus "$CORPUS" --index "$INDEX" index --rebuild $INDEX_ARGS >/dev/null 2>&1
    ms=$(($(now_ms) - start))
    [ -n "$build_ms" ] && [ "$build_ms" -le "$ms" ] || build_ms=$ms
done
diag "$(cat "$WORK/first.out")" "rebuild: ${build_ms} ms"
results_of "$CORPUS" "$INDEX" "$QUERY"
expected=$res
check "the known query '$QUERY' has results ($(jq length <<<"$expected" 2>/dev/null) passages)" \
    eval '[ "$ds_rc" -eq 0 ] && [ "$(jq length <<<"$expected")" -gt 0 ]'

# layout_problem INDEX: what is in INDEX besides the marker, the lock,
# `current`, the served generation and at most one older one ("" if none).
layout_problem() {
    local cur entry problems="" gens
    cur=$(readlink "$1/current")
    [ -d "$1/$cur" ] || problems="current -> '$cur' is not a directory; "
    gens=$(generations "$1" | wc -l)
    [ "$gens" -le 2 ] || problems="$problems$gens generations ($(generations "$1" | tr '\n' ' ')); "
    for entry in "$1"/* "$1"/.[!.]*; do
        [ -e "$entry" ] || [ -L "$entry" ] || continue
        case ${entry##*/} in
        dealsearch-index | lock | current | "$cur") ;;
        gen-*) [ "${entry##*/}" \< "$cur" ] || problems="$problems${entry##*/} is newer than current; " ;;
        *) problems="$problems${entry##*/} left behind; " ;;
        esac
    done
    printf '%s' "$problems"
}

RANDOM=$SEED
window=$((build_ms * 11 / 10 + 50))
kills=0 late_kills=0 completed=0 bad_query=0 stale=0 crashes=0
bad_query_log="" stale_log=""
full_rebuild() { # LABEL
    local rc problem got
    "$BIN" --corpus "$CORPUS" --index "$INDEX" index --rebuild $INDEX_ARGS >"$WORK/full.out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        ok "$1: the next rebuild succeeds"
    else
        not_ok "$1: the next rebuild succeeds" "exit $rc: $(head -3 "$WORK/full.out")"
    fi
    problem=$(layout_problem "$INDEX")
    if [ -z "$problem" ]; then
        ok "$1: only the current and previous generations remain"
    else
        not_ok "$1: only the current and previous generations remain" "$problem" \
            "$(ls -la "$INDEX")"
    fi
    results_of "$CORPUS" "$INDEX" "$QUERY"
    got=$res
    if [ "$ds_rc" -eq 0 ] && [ "$got" = "$expected" ]; then
        ok "$1: the known query gives the same results after the rebuild"
    else
        not_ok "$1: the known query gives the same results after the rebuild" \
            "search exit $ds_rc: $(head -c 300 "$WORK/.stderr")" \
            "got $(jq length <<<"$got" 2>/dev/null) results, expected $(jq length <<<"$expected")"
    fi
}

for trial in $(seq 1 "$TRIALS"); do
    delay=$(( (trial - 1) * window / TRIALS + (RANDOM * 32768 + RANDOM) % (window / TRIALS + 1) ))
    served_before=$(readlink "$INDEX/current")
    "$BIN" --corpus "$CORPUS" --index "$INDEX" index --rebuild $INDEX_ARGS >"$WORK/rebuild.out" 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    if kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        rc=$?
        if [ "$rc" -eq 137 ]; then
            kills=$((kills + 1))
            # Killed after the swap to the new generation, before exiting.
            [ "$(readlink "$INDEX/current")" != "$served_before" ] &&
                late_kills=$((late_kills + 1))
        else
            # It exited on its own just before the signal.
            completed=$((completed + 1))
            [ "$rc" -eq 0 ] || { crashes=$((crashes + 1)); diag "trial $trial: rebuild exited $rc: $(head -2 "$WORK/rebuild.out")"; }
        fi
    else
        wait "$pid"
        rc=$?
        completed=$((completed + 1))
        [ "$rc" -eq 0 ] || { crashes=$((crashes + 1)); diag "trial $trial: rebuild exited $rc: $(head -2 "$WORK/rebuild.out")"; }
    fi
    results_of "$CORPUS" "$INDEX" "$QUERY"
    got=$res
    if [ "$ds_rc" -ne 0 ] || [ "$got" != "$expected" ]; then
        bad_query=$((bad_query + 1))
        bad_query_log="$bad_query_log trial $trial (kill at ${delay} ms, search exit $ds_rc: $(head -c 200 "$WORK/.stderr"));"
    fi
    if ! flock -n "$INDEX/lock" true; then
        stale=$((stale + 1))
        stale_log="$stale_log trial $trial (kill at ${delay} ms);"
    fi
    if [ $((trial % CHECK_EVERY)) -eq 0 ] && [ "$trial" -lt "$TRIALS" ]; then
        full_rebuild "after trial $trial"
    fi
done

diag "$TRIALS trials (seed $SEED, kill window ${window} ms): $kills killed mid-rebuild ($late_kills of them after publishing the new generation), $completed finished first"
check "rebuilds were really killed mid-way (at least half of $TRIALS trials)" \
    [ "$kills" -ge $((TRIALS / 2)) ]
check "no rebuild failed or crashed on its own" [ "$crashes" -eq 0 ]
if [ "$bad_query" -eq 0 ]; then
    ok "after every kill the known query gives the same results"
else
    not_ok "after every kill the known query gives the same results" \
        "$bad_query of $TRIALS trials differ:$bad_query_log"
fi
if [ "$stale" -eq 0 ]; then
    ok "after every kill the rebuild lock is free (no stale lock)"
else
    not_ok "after every kill the rebuild lock is free (no stale lock)" "$stale trials:$stale_log"
fi
full_rebuild "at the end"
finish
