#!/usr/bin/env bash
# bench/instr.sh — the 200 bench queries' cost in instructions, FTS5 and
# dealsearch, each in its own process with its index opened once and the
# answers rendered with snippets, as `make bench` times them.
#
#   bench/instr.sh BIN_DIR FTS5_DB DEALSEARCH_INDEX QUERIES
#
# Wall times on this machine's 2 shared cores move with what else runs on
# the host (FTS5's 200 queries took 336 to 790 ms within one day), and not
# by the same factor for both systems.  Instructions executed, counted by
# callgrind, do not move: a figure to compare runs and commits by.  They
# are not wall time: they leave out the kernel's work (dealsearch reads
# Xapian's blocks with pread; SQLite's pages stay in its own cache) and
# cache misses, so the wall-time ratio of `make bench` stays the measure
# the issues' targets are read on (bench/README.md).
#
# Only what runs inside bx_time_queries() is counted: a warm-up pass and
# one timed pass over the queries (`snip 1`), so a pass is half of it.
set -euo pipefail
bin=$1 fts5_db=$2 ds_index=$3 queries=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Instructions of one pass of `PEER query INDEX QUERIES snip 1`.
one_pass() {
    local label=$1 peer=$2 index=$3
    valgrind --tool=callgrind --toggle-collect=bx_time_queries \
        --callgrind-out-file="$out/$label.cg" \
        "$peer" query "$index" "$queries" snip 1 >/dev/null 2>"$out/$label.err" ||
        { cat "$out/$label.err" >&2; exit 2; }
    awk '/^totals:/ { printf "%.0f\n", $2 / 2 }' "$out/$label.cg"
}

fts5=$(one_pass fts5 "$bin/fts5_peer" "$fts5_db")
ds=$(one_pass dealsearch "$bin/ds_peer" "$ds_index")
n=$(grep -vc '^#' "$queries")
awk -v f="$fts5" -v d="$ds" -v n="$n" 'BEGIN {
    printf "INSTRUCTIONS — %d queries, one pass, snippets (callgrind)\n", n
    printf "%-12s %12s %14s\n", "system", "M instr", "K per query"
    printf "%-12s %12.1f %14.1f\n", "FTS5", f / 1e6, f / n / 1e3
    printf "%-12s %12.1f %14.1f\n", "dealsearch", d / 1e6, d / n / 1e3
    printf "FTS5 / dealsearch: %.2fx\n", f / d
}'
