#!/usr/bin/env bash
# kill_update.sh — an update (dealsearch index with a changed corpus)
# SIGKILLed at any moment leaves the index as it was before or as it is
# after, never a mix, with no stale lock; two updates at once: one
# proceeds, the other exits 2 at once; searches running during updates
# each see the index before or after one, never a mix.
#
# Corpus A is generated (lib.sh gen_corpus); corpus B is A with a quarter
# of its files changed (the marker word "quokka" added to a paragraph),
# every tenth removed, every fifteenth renamed and a few added.  The
# answers to "quokka" on A and on B (the [source, passage] lists, sorted)
# are the only two acceptable answers.  Each trial restores A and its
# index, puts B in place, starts the update and kills it after a delay
# drawn from the trial's slice of a window 110 % of a timed update (fixed
# seed): the answer must be A's or B's, `check` must not find damage,
# the lock must be free, and a following `dealsearch index` must bring
# the answer to B's.
#
# INDEX_ARGS are given to the first build: "--shards 2" makes every
# update one of a sharded index, whose head and shards Xapian commits one
# after the other.  A kill between those commits may leave a mix of A and
# B; it must then be flagged (check: "interrupted", exit 1), and the next
# `dealsearch index` builds whole.
#
#   TRIALS=50 SEED=1 UPD_FILES=150 UPD_PARAS=40 SEARCHES=200
#   DS_BIN=build/dealsearch tests/reliability/kill_update.sh
source "$(dirname "$0")/lib.sh"

TRIALS=${TRIALS:-50}
SEED=${SEED:-1}
UPD_FILES=${UPD_FILES:-150}
UPD_PARAS=${UPD_PARAS:-40}
SEARCHES=${SEARCHES:-200}
INDEX_ARGS=${INDEX_ARGS:-}
RANDOM=$SEED
command -v flock >/dev/null || { echo "Bail out! flock (util-linux) is required"; exit 2; }

A="$WORK/a"
B="$WORK/b"
CORPUS="$WORK/corpus"
INDEX="$WORK/corpus.index"
SAVED="$WORK/a.index"
QUERY=quokka
gen_corpus "$A" "$UPD_FILES" "$UPD_PARAS"
cp -a "$A" "$B"
# B: changed, removed, renamed and added files.
for f in "$B"/article-*.txt; do
    k=$((10#$(basename "$f" .txt | tr -dc 0-9)))
    if [ $((k % 10)) -eq 0 ]; then
        rm "$f"
    elif [ $((k % 15)) -eq 1 ]; then
        mv "$f" "$B/renamed-$k.txt"
    elif [ $((k % 4)) -eq 0 ]; then
        sed -i '3s/\.$/ quokka./' "$f"
    fi
done
gen_corpus "$WORK/extra" 6 "$UPD_PARAS" 7
for f in "$WORK/extra"/*.txt; do cp "$f" "$B/added-$(basename "$f")"; done

now_ms() { date +%s%3N; }
sorted_answer() { results_of "$1" "$2" "$QUERY"; res=$(jq -c 'sort' <<<"$res" 2>/dev/null); }

cp -a "$A" "$CORPUS"
# shellcheck disable=SC2086
"$BIN" --corpus "$CORPUS" --index "$INDEX" index $INDEX_ARGS >"$WORK/first.out" 2>&1
check "corpus A builds" [ $? -eq 0 ]
sorted_answer "$CORPUS" "$INDEX"
answer_a=$res
cp -a "$INDEX" "$SAVED"
"$BIN" --corpus "$B" --index "$WORK/b.index" index >/dev/null 2>&1
sorted_answer "$B" "$WORK/b.index"
answer_b=$res
check "A and B answer '$QUERY' differently ($(jq length <<<"$answer_a") and $(jq length <<<"$answer_b") passages)" \
    [ -n "$answer_a" ] && [ "$answer_a" != "$answer_b" ]

# restore: corpus A and its index as built; then B in place of A.
restore() {
    rm -rf "$CORPUS" "$INDEX"
    cp -a "$SAVED" "$INDEX"
    cp -a "$B" "$CORPUS"
}

restore
start=$(now_ms)
"$BIN" --corpus "$CORPUS" --index "$INDEX" index >"$WORK/update.out" 2>&1
window=$(( ($(now_ms) - start) * 11 / 10 ))
check "an update from A to B updates in place" \
    grep -Eq "^[0-9]+ added, [0-9]+ changed, [0-9]+ removed, [0-9]+ renamed;" "$WORK/update.out"
sorted_answer "$CORPUS" "$INDEX"
check "the updated index answers as a fresh build of B" [ "$res" = "$answer_b" ]
diag "$(cat "$WORK/update.out")" "kill window ${window} ms"

kills=0 completed=0 crashes=0 bad=0 flagged=0 bad_log="" stale=0 damaged=0 damaged_log="" after=0 mids=0
for trial in $(seq 1 "$TRIALS"); do
    restore
    delay=$(( (trial - 1) * window / TRIALS + (RANDOM * 32768 + RANDOM) % (window / TRIALS + 1) ))
    "$BIN" --corpus "$CORPUS" --index "$INDEX" index >"$WORK/update.out" 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    if kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        rc=$?
        if [ "$rc" -eq 137 ]; then kills=$((kills + 1)); else completed=$((completed + 1)); fi
    else
        wait "$pid"
        rc=$?
        completed=$((completed + 1))
    fi
    [ "$rc" -eq 0 ] || [ "$rc" -eq 137 ] || { crashes=$((crashes + 1)); diag "trial $trial: update exited $rc: $(head -2 "$WORK/update.out")"; }
    sorted_answer "$CORPUS" "$INDEX"
    "$BIN" --corpus "$CORPUS" --index "$INDEX" check >"$WORK/check.out" 2>&1
    check_rc=$?
    if [ "$ds_rc" -eq 0 ] && [ "$res" != "$answer_a" ] && [ "$res" != "$answer_b" ] &&
        [ "$check_rc" -eq 1 ] && grep -q interrupted "$WORK/check.out"; then
        flagged=$((flagged + 1)) # between a sharded index's commits
    elif [ "$ds_rc" -ne 0 ] || { [ "$res" != "$answer_a" ] && [ "$res" != "$answer_b" ]; }; then
        bad=$((bad + 1))
        bad_log="$bad_log trial $trial (kill at ${delay} ms, search exit $ds_rc: $(head -c 200 "$WORK/.stderr"));"
    fi
    [ "$res" = "$answer_b" ] && [ "$rc" -eq 137 ] && after=$((after + 1))
    flock -n "$INDEX/lock" true || stale=$((stale + 1))
    if [ "$check_rc" -eq 2 ]; then
        damaged=$((damaged + 1))
        damaged_log="$damaged_log trial $trial: $(grep -v ': ok' "$WORK/check.out" | head -2 | tr '\n' '|');"
    fi
    # A following update finishes the job.
    "$BIN" --corpus "$CORPUS" --index "$INDEX" index >/dev/null 2>&1
    sorted_answer "$CORPUS" "$INDEX"
    [ "$res" = "$answer_b" ] || mids=$((mids + 1))
done

diag "$TRIALS trials (seed $SEED, window ${window} ms): $kills killed mid-update ($after of them after the commit), $completed finished first${INDEX_ARGS:+; $flagged left a flagged mix}"
check "updates were really killed mid-way (at least half of $TRIALS trials)" [ "$kills" -ge $((TRIALS / 2)) ]
check "no update failed or crashed on its own" [ "$crashes" -eq 0 ]
if [ "$bad" -eq 0 ]; then
    ok "after every kill the index answers as A or as B, never an unflagged mix"
else
    not_ok "after every kill the index answers as A or as B, never an unflagged mix" "$bad of $TRIALS:$bad_log"
fi
check "after every kill the lock is free (no stale lock)" [ "$stale" -eq 0 ]
if [ "$damaged" -eq 0 ]; then
    ok "after every kill check finds no damage"
else
    not_ok "after every kill check finds no damage" "$damaged of $TRIALS:$damaged_log"
fi
check "after every kill the next update brings the index to B" [ "$mids" -eq 0 ]

# ---- two updates at once ----
both_ok=0 refused=0 other=""
for i in $(seq 1 5); do
    restore
    "$BIN" --corpus "$CORPUS" --index "$INDEX" index >/dev/null 2>"$WORK/u1.err" &
    p1=$!
    "$BIN" --corpus "$CORPUS" --index "$INDEX" index >/dev/null 2>"$WORK/u2.err" &
    p2=$!
    wait "$p1"; r1=$?
    wait "$p2"; r2=$?
    if [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ]; then
        both_ok=$((both_ok + 1)) # one ran after the other: nothing left to do
    elif { [ "$r1" -eq 0 ] && [ "$r2" -eq 2 ] && grep -q "already" "$WORK/u2.err" && [ "$(wc -l <"$WORK/u2.err")" -eq 1 ]; } ||
         { [ "$r2" -eq 0 ] && [ "$r1" -eq 2 ] && grep -q "already" "$WORK/u1.err" && [ "$(wc -l <"$WORK/u1.err")" -eq 1 ]; }; then
        refused=$((refused + 1))
    else
        other="$other try $i: exits $r1 $r2: $(cat "$WORK/u1.err" "$WORK/u2.err" | head -c 200);"
    fi
done
diag "two updates at once, 5 tries: $refused with one refused, $both_ok one after the other"
if [ -z "$other" ]; then
    ok "of two updates at once one proceeds, the other exits 2 with one line"
else
    not_ok "of two updates at once one proceeds, the other exits 2 with one line" "$other"
fi
sorted_answer "$CORPUS" "$INDEX"
check "... and the index answers as B" [ "$res" = "$answer_b" ]

# ---- searches during updates ----
rm -rf "$CORPUS" "$INDEX"
cp -a "$A" "$CORPUS"
cp -a "$SAVED" "$INDEX"
# The loop stops at a flag between updates, so that no update is still
# writing when the directory is removed.
(
    for _ in $(seq 1 200); do
        [ -e "$WORK/stop" ] && break
        rm -rf "$CORPUS.next" && cp -a "$B" "$CORPUS.next" && rm -rf "$CORPUS" && mv "$CORPUS.next" "$CORPUS"
        "$BIN" --corpus "$CORPUS" --index "$INDEX" index >/dev/null 2>&1 || echo fail >>"$WORK/updates.failed"
        echo >>"$WORK/updates.done"
        rm -rf "$CORPUS.next" && cp -a "$A" "$CORPUS.next" && rm -rf "$CORPUS" && mv "$CORPUS.next" "$CORPUS"
        "$BIN" --corpus "$CORPUS" --index "$INDEX" index >/dev/null 2>&1 || echo fail >>"$WORK/updates.failed"
        echo >>"$WORK/updates.done"
    done
) &
updater=$!
seen_a=0 seen_b=0 wrong=0 wrong_log=""
for i in $(seq 1 "$SEARCHES"); do
    out=$("$BIN" --corpus "$A" --index "$INDEX" --json -n 1000 "$QUERY" 2>"$WORK/.serr")
    rc=$?
    res=$(jq -c '[.results[] | [.source, .passage]] | sort' <<<"$out" 2>/dev/null)
    if [ "$rc" -eq 0 ] && [ "$res" = "$answer_a" ]; then seen_a=$((seen_a + 1))
    elif [ "$rc" -eq 0 ] && [ "$res" = "$answer_b" ]; then seen_b=$((seen_b + 1))
    else wrong=$((wrong + 1)); wrong_log="$wrong_log search $i: exit $rc $(head -c 150 "$WORK/.serr");"
    fi
done
touch "$WORK/stop"
wait "$updater" 2>/dev/null
updates=$(wc -l <"$WORK/updates.done" 2>/dev/null || echo 0)
diag "$SEARCHES searches during $updates updates: $seen_a saw A, $seen_b saw B"
if [ "$wrong" -eq 0 ]; then
    ok "every search during updates sees the index before or after one"
else
    not_ok "every search during updates sees the index before or after one" "$wrong of $SEARCHES:$wrong_log"
fi
check "no update failed while searches ran" [ ! -e "$WORK/updates.failed" ]
check "searches saw both states (updates really overlapped them)" [ "$seen_a" -gt 0 ] && [ "$seen_b" -gt 0 ]
finish
