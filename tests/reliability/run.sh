#!/usr/bin/env bash
# Run every reliability script on one or more dealsearch binaries.
#
#   tests/reliability/run.sh full  [BIN...]   the full counts (50 kills,
#                                             2000 searches, 20 rounds)
#   tests/reliability/run.sh quick [BIN...]   reduced counts, ~30 s per
#                                             normal binary (for make test)
#
# BIN defaults to build/dealsearch; a BIN that does not exist is skipped
# with a note.  Each script's TAP goes to stdout under a "# == script
# (BIN)" header; the last line is "reliability: N scripts passed, N
# failed" and the exit status is non-zero when any failed.
set -u
cd "$(dirname "$0")/../.." || exit 2
mode=${1:-full}
shift || true
[ $# -gt 0 ] || set -- build/dealsearch
case $mode in
full) settings=() ;;
quick) settings=(TRIALS=10 KILL_FILES=50 CHECK_EVERY=5 SEARCHES=400 REPEAT=10 UPD_FILES=60) ;;
*) echo "usage: $0 full|quick [BIN...]" >&2; exit 2 ;;
esac
passed=0
failed=0
for bin in "$@"; do
    if [ ! -x "$bin" ]; then
        echo "# $bin is not built; skipped"
        continue
    fi
    # kill_rebuild twice: one database, then two shards built in threads.
    for run in kill_rebuild kill_rebuild:--jobs=2 concurrent_search \
        two_rebuilds kill_update kill_update:--shards=2 damaged_index; do
        script=${run%%:*}
        args=$([ "$run" = "$script" ] || echo "${run#*:}")
        echo "# == $script ${args:+($args) }($bin, $mode)"
        start=$(date +%s)
        if env "${settings[@]}" DS_BIN="$bin" INDEX_ARGS="$args" \
            "tests/reliability/$script.sh"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
        echo "# $script took $(($(date +%s) - start)) s"
    done
done
echo "reliability: $passed scripts passed, $failed failed"
[ "$failed" -eq 0 ]
