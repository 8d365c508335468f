#!/usr/bin/env bash
# Run the libFuzzer targets built by tests/fuzz/fuzz.mk (build/fuzz/).
#
#   tests/fuzz/run.sh fuzz SECONDS [LIBFUZZER FLAGS...]
#       fuzz each target for SECONDS, growing build/fuzz/corpus/<target>/
#       from the seeds in tests/fuzz/corpus/<target>/; a crash, leak,
#       timeout or failed check is saved in tests/fuzz/crashers/<target>/.
#   tests/fuzz/run.sh ci SECONDS [LIBFUZZER FLAGS...]
#       the same from the seeds only (a scratch corpus), for CI.
#   tests/fuzz/run.sh replay
#       run every seed and every saved crasher once through its target
#       (no fuzzing); prints TAP, one line per target.
#
# FUZZ_TARGETS (default: all of them) picks targets; FUZZ_BUILD (default
# build/fuzz) is where the binaries are.  The exit status is non-zero when
# any target found something or failed to replay.
set -u
cd "$(dirname "$0")/../.." || exit 2
mode=${1:-}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
targets=${FUZZ_TARGETS:-fuzz_passages fuzz_query fuzz_render fuzz_vocab fuzz_filerec fuzz_facts fuzz_layout fuzz_plan fuzz_jsonl}

# new_delete_type_mismatch=0: libxapian's own Database::check() trips it
# inside the library (see tests/run.sh); everything else stays on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:new_delete_type_mismatch=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# A leak inside libxapian's query parser, not in dealsearch (lsan.supp).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0}

max_len() {
    case $1 in
    fuzz_passages) echo 40000 ;;  # past DS_MAX_PASSAGE_BYTES (16 KiB)
    fuzz_query) echo 2048 ;;
    *) echo 8192 ;;
    esac
}
dict() {
    case $1 in
    fuzz_query) echo "-dict=tests/fuzz/query.dict" ;;
    fuzz_passages) echo "-dict=tests/fuzz/passages.dict" ;;
    esac
}
# Files to replay for a target: seeds and crashers, not dotfiles.
inputs() {
    find "tests/fuzz/corpus/$1" "tests/fuzz/crashers/$1" -type f \
        ! -name '.*' ! -name '*.md' 2>/dev/null | LC_ALL=C sort
}

case $mode in
fuzz | ci)
    status=0
    summary=""
    for t in $targets; do
        bin="$FUZZ_BUILD/$t"
        [ -x "$bin" ] || { echo "$bin is not built (make fuzz-build)" >&2; exit 2; }
        mkdir -p "tests/fuzz/crashers/$t"
        if [ "$mode" = fuzz ]; then
            work="$FUZZ_BUILD/corpus/$t"
            mkdir -p "$work"
        else
            work=$(mktemp -d "${TMPDIR:-/tmp}/dealsearch-fuzzci-XXXXXX")
        fi
        log="$FUZZ_BUILD/$t.log"
        echo "== $t: ${seconds}s, max_len $(max_len "$t"), log $log"
        # shellcheck disable=SC2046
        "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
            -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="tests/fuzz/crashers/$t/" $(dict "$t") "$@" \
            "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
        rc=$?
        [ "$mode" = ci ] && rm -rf "$work"
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
        if [ "$rc" -eq 0 ]; then
            line="$t: ${runs:-?} executions in ${time:-$seconds} s, no finding"
        else
            status=1
            line="$t: FINDING (exit $rc) after ${runs:-?} executions; see $log"
            grep -E 'ERROR:|FUZZ CHECK FAILED|runtime error|Test unit written' "$log" | head -5
        fi
        echo "$line"
        summary="$summary$line"$'\n'
    done
    printf '\n%s' "$summary"
    exit $status
    ;;
replay)
    n=0
    failed=0
    for t in $targets; do
        n=$((n + 1))
        bin="$FUZZ_BUILD/$t"
        if [ ! -x "$bin" ]; then
            failed=$((failed + 1))
            echo "not ok $n - $t: $bin is not built"
            continue
        fi
        mapfile -t files < <(inputs "$t")
        seeds=$(find "tests/fuzz/corpus/$t" -type f ! -name '.*' | wc -l)
        crashers=$((${#files[@]} - seeds))
        log=$(mktemp)
        if "$bin" -timeout=25 -rss_limit_mb=2048 "${files[@]}" >"$log" 2>&1; then
            echo "ok $n - $t replays $seeds seeds and $crashers saved crashers"
        else
            failed=$((failed + 1))
            echo "not ok $n - $t replays $seeds seeds and $crashers saved crashers"
            { grep '^Running:' "$log" | tail -1
              grep -E 'ERROR:|SUMMARY:|FUZZ CHECK FAILED|runtime error|^ *#[0-9]' "$log" |
                  grep -Ev 'fuzzer::|__sanitizer|libc|_start|raise|abort' | head -20; } | sed 's/^/#   /'
        fi
        rm -f "$log"
    done
    echo "1..$n"
    [ "$failed" -eq 0 ]
    ;;
*)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
