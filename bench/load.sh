#!/usr/bin/env bash
# bench/load.sh — `dealsearch serve` under load, with wrk on loopback
# (bench/README.md, "The server under load").
#
#   bench/load.sh [--soak] BIN CORPUS INDEX QUERIES RESULTS
#
# Serves INDEX (built from CORPUS with --plain first if missing) and runs
# wrk with bench/load.lua, each request the next query of QUERIES:
#   1. 16 connections, then 64, LOAD_SECONDS each (default 20), after a
#      warm-up, REPEATS times (default 3, alternating); throughput,
#      p50/p90/p99 and errors of each, and their medians;
#   2. 16 connections for REBUILD_SECONDS (default 120) while CORPUS is
#      rebuilt into INDEX in a loop, every answer checked (a 200 with
#      results, the same total for a query every time: a half-built index
#      would find fewer); the generations served before and after.
# With --soak: 16 connections for SOAK_SECONDS (default 600), the
# server's resident memory sampled every 10 s.
# It first waits (QUIET_SECONDS, default 120) for a quiet machine.  Each
# run also says how busy the machine was: the load average and the
# share of its CPU that processes other than the server, wrk and the
# rebuilds used.  Results: RESULTS/serve-latest.txt and .json (--soak:
# soak-latest.*), and a dated copy of the JSON.
set -u
soak=0
if [ "${1:-}" = --soak ]; then soak=1; shift; fi
[ $# = 5 ] || { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
BIN=$(realpath "$1"); CORPUS=$2; INDEX=$3; QUERIES=$(realpath "$4"); RESULTS=$5
LUA=$(realpath "$(dirname "$0")/load.lua")
LOAD_SECONDS=${LOAD_SECONDS:-20}
REPEATS=${REPEATS:-3}
REBUILD_SECONDS=${REBUILD_SECONDS:-120}
SOAK_SECONDS=${SOAK_SECONDS:-600}
mkdir -p "$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dealsearch-load-XXXXXX")
SERVER=
LOOP=
cleanup() {
    [ -n "$LOOP" ] && kill "$LOOP" 2>/dev/null
    [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER"
    rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "$*" >&2; }

# ---- the machine ----

# Busy and total jiffies of all CPUs: "busy total".
cpu_jiffies() {
    awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i;
                   print t - $5 - $6, t }' /proc/stat
}
# CPU jiffies of process PID and of its reaped children.
proc_jiffies() {
    awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# The same, and its running children's (a rebuild under way).
tree_jiffies() {
    local sum c
    sum=$(proc_jiffies "$1")
    for c in $(pgrep -P "$1"); do sum=$((sum + $(proc_jiffies "$c"))); done
    echo "$sum"
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# Wait (up to QUIET_SECONDS, default 120) for other processes to use
# under 15% of the CPU.
wait_for_quiet() {
    local i busy0 total0 busy1 total1 share
    for i in $(seq $(( ${QUIET_SECONDS:-120} / 5 ))); do
        read -r busy0 total0 < <(cpu_jiffies)
        sleep 5
        read -r busy1 total1 < <(cpu_jiffies)
        share=$(( 100 * (busy1 - busy0) / (total1 - total0 + 1) ))
        [ "$share" -lt 15 ] && return
        say "waiting for a quiet machine: $share% of the CPU busy"
    done
}

# ---- the server ----

# Built when missing, or when this dealsearch cannot search it (another
# index format): a search exits 0 or 1 on an index it can read.
usable=0
if [ -e "$INDEX/current" ]; then
    "$BIN" --index "$INDEX" -n 0 the >/dev/null 2>&1
    [ $? -le 1 ] && usable=1
fi
if [ "$usable" = 0 ]; then
    say "building $INDEX from $CORPUS (--plain)"
    mkdir -p "$(dirname "$INDEX")"
    "$BIN" index --plain --corpus "$CORPUS" --index "$INDEX" >&2 || exit 2
fi
# The access log is on, as served; it goes to a file here.
"$BIN" serve --listen 127.0.0.1:0 --index "$INDEX" 2>"$WORK/serve.log" &
SERVER=$!
for _ in $(seq 200); do
    PORT=$(sed -n 's#.*listening on http://[^:]*:\([0-9]*\)/.*#\1#p' "$WORK/serve.log")
    [ -n "$PORT" ] && break
    sleep 0.05
done
[ -n "$PORT" ] || { say "the server did not start:"; cat "$WORK/serve.log" >&2; exit 2; }
URL="http://127.0.0.1:$PORT"
generation() { curl -s "$URL/api/stats" | sed -n 's/.*"generation":\([0-9]*\).*/\1/p'; }

# run NAME CONNECTIONS SECONDS [EXTRA PIDS...]: wrk with load.lua; prints
# the LOAD json with the machine's figures added.
run() {
    local name=$1 conns=$2 secs=$3; shift 3
    local b0 t0 b1 t1 s0 s1 w=0 x0=0 x1=0 p l0
    read -r b0 t0 < <(cpu_jiffies)
    s0=$(proc_jiffies "$SERVER")
    for p in "$@"; do x0=$((x0 + $(tree_jiffies "$p"))); done
    l0=$(loadavg)
    wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s -s "$LUA" "$URL" -- "$QUERIES" \
        >"$WORK/wrk.out" 2>&1 &
    local wrk_pid=$!
    local v
    while kill -0 "$wrk_pid" 2>/dev/null; do
        v=$(proc_jiffies "$wrk_pid") # 0 once it has exited: keep the last
        [ "$v" -gt 0 ] && w=$v
        sleep 0.5
    done
    wait "$wrk_pid"
    read -r b1 t1 < <(cpu_jiffies)
    s1=$(proc_jiffies "$SERVER")
    for p in "$@"; do x1=$((x1 + $(tree_jiffies "$p"))); done
    local line
    line=$(sed -n 's/^LOAD //p' "$WORK/wrk.out")
    [ -n "$line" ] || { say "wrk failed:"; cat "$WORK/wrk.out" >&2; exit 2; }
    local total=$((t1 - t0)) busy=$((b1 - b0)) server=$((s1 - s0)) extra=$((x1 - x0))
    local others=$((busy - server - w - extra))
    [ "$others" -lt 0 ] && others=0
    jq -c --arg name "$name" --argjson conns "$conns" \
        --argjson load "$l0" --arg load_end "$(loadavg)" \
        --argjson cpu "$(awk -v a="$server" -v b="$w" -v c="$extra" -v d="$others" -v t="$total" \
            'BEGIN { printf "{\"server\":%.3f,\"wrk\":%.3f,\"rebuild\":%.3f,\"others\":%.3f}", a/t, b/t, c/t, d/t }')" \
        --argjson rss "$(rss_kb "$SERVER")" \
        '. + {name: $name, connections: $conns, load_start: $load,
              load_end: ($load_end | tonumber), cpu_share: $cpu,
              server_rss_kb: $rss}' <<<"$line"
}

describe() { # a run's line for people
    jq -r '"\(.name | .[0:26] | . + " " * (26 - length)) \(.rps | floor | tostring | " " * (6 - length) + .) req/s  p50 \(.p50_ms)  p90 \(.p90_ms)  p99 \(.p99_ms)  max \(.max_ms) ms  errors \(.errors | .connect + .read + .write + .timeout + .status)" +
           "  (CPU: server \(.cpu_share.server * 100 | floor)%, wrk \(.cpu_share.wrk * 100 | floor)%" +
           (if .cpu_share.rebuild > 0 then ", rebuilds \(.cpu_share.rebuild * 100 | floor)%" else "" end) +
           ", others \(.cpu_share.others * 100 | floor)%; load \(.load_start) -> \(.load_end))"'
}

header() {
    echo "== dealsearch serve under load — $(date -u '+%Y-%m-%d %H:%M:%S UTC') =="
    echo "machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)); $(uname -sr)"
    echo "dealsearch $("$BIN" --version | cut -d' ' -f2) $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "index: $INDEX, $(curl -s "$URL/api/stats" | jq -r '"\(.passages) passages in \(.files) files, generation \(.generation)"')"
    echo "queries: $QUERIES ($(grep -c "$(printf '\t')" "$QUERIES") rotated); wrk -t2, keep-alive; server: $(sed -n 's/.*with \([0-9]*\) search thread.*/\1/p' "$WORK/serve.log") search threads; access log on"
}

stamp=$(date -u +%Y%m%d-%H%M%S)
if [ "$soak" = 1 ]; then
    wait_for_quiet
    out="$RESULTS/soak"
    { header; echo "soak: 16 connections for ${SOAK_SECONDS} s, RSS every 10 s"; } >"$WORK/head"
    run warm-up 16 10 >/dev/null
    (while kill -0 "$SERVER" 2>/dev/null; do
        echo "$(date +%s) $(rss_kb "$SERVER")"; sleep 10; done) >"$WORK/rss" &
    sampler=$!
    run soak 16 "$SOAK_SECONDS" >"$WORK/soak.json"
    kill "$sampler"
    start=$(head -1 "$WORK/rss" | cut -d' ' -f1)
    jq -n --slurpfile run "$WORK/soak.json" \
        --argjson rss "$(awk -v s="$start" '{ printf "%s[%d,%d]", (NR > 1 ? "," : "["), $1 - s, $2 } END { print "]" }' "$WORK/rss")" \
        '$run[0] + {rss_kb_by_second: $rss}' >"$out-latest.json"
    {
        cat "$WORK/head"
        describe <"$out-latest.json"
        echo "server RSS (MB) by minute:"
        jq -r '.rss_kb_by_second | map(select(.[0] % 60 < 10)) |
               map("  \(.[0] / 60 | floor) min  \(.[1] / 1024 * 10 | floor / 10)") | .[]' "$out-latest.json"
        jq -r '.rss_kb_by_second | . as $s |
               ((map(select(.[0] >= 60)) | first) // first)[1] as $a |
               (last[1]) as $b | (map(.[1]) | max) as $m |
               "after the first minute: \($a / 1024 * 10 | floor / 10) MB; at the end: \($b / 1024 * 10 | floor / 10) MB; peak \($m / 1024 * 10 | floor / 10) MB"' \
            "$out-latest.json"
    } | tee "$out-latest.txt"
    cp "$out-latest.json" "$out-$stamp.json"
    exit 0
fi

wait_for_quiet
out="$RESULTS/serve"
header >"$WORK/head"
run warm-up 16 10 >/dev/null
: >"$WORK/runs.json"
for i in $(seq "$REPEATS"); do
    run "16 connections ($i)" 16 "$LOAD_SECONDS" >>"$WORK/runs.json"
    run "64 connections ($i)" 64 "$LOAD_SECONDS" >>"$WORK/runs.json"
done

# The same load while the corpus is rebuilt into the served index, again
# and again; every answer is checked.
gen0=$(generation)
touch "$WORK/rebuilding"
(while [ -e "$WORK/rebuilding" ]; do
    "$BIN" index --rebuild --plain --corpus "$CORPUS" --index "$INDEX" >>"$WORK/rebuilds" 2>&1
done) &
LOOP=$!
LOAD_CHECK=1 run "16 conn., rebuilding" 16 "$REBUILD_SECONDS" "$LOOP" >>"$WORK/runs.json"
rm -f "$WORK/rebuilding"
wait "$LOOP"
LOOP=
gen1=$(generation)
rebuilds=$(grep -c '^indexed' "$WORK/rebuilds")
failed_rebuilds=$(grep -vc '^indexed' "$WORK/rebuilds")

jq -s --argjson g0 "$gen0" --argjson g1 "$gen1" --argjson rb "$rebuilds" \
    --argjson rbf "$failed_rebuilds" \
    '{runs: ., rebuilds: {completed: $rb, failed: $rbf, generation_before: $g0,
                          generation_after: $g1}}' "$WORK/runs.json" >"$out-latest.json"
{
    cat "$WORK/head"
    jq -c '.runs[]' "$out-latest.json" | while read -r r; do describe <<<"$r"; done
    jq -r '.runs | group_by(.name | sub(" \\([0-9]+\\)$"; "")) | .[] |
           select(length > 1) |
           (map(.rps) | sort | .[length / 2 | floor]) as $rps |
           (map(.p50_ms) | sort | .[length / 2 | floor]) as $p50 |
           (map(.p99_ms) | sort | .[length / 2 | floor]) as $p99 |
           (map(.cpu_share.others) | sort | .[length / 2 | floor]) as $o |
           "median of \(length) runs, \(.[0].connections) connections: \($rps | floor) req/s, p50 \($p50) ms, p99 \($p99) ms (others \($o * 100 | floor)% of the CPU)"' \
        "$out-latest.json"
    jq -r '.rebuilds as $r | (.runs | last) as $c |
           "while rebuilding: \($r.completed) rebuilds published (generation \($r.generation_before) -> \($r.generation_after)), \($r.failed) failed; every answer checked: \($c.bad_bodies) not a 200 with results, \($c.total_mismatches) with a total other than the first for its query"' \
        "$out-latest.json"
    jq -r '"server RSS after each run (MB): \([.runs[] | .server_rss_kb / 1024 * 10 | floor / 10] | map(tostring) | join(", "))"' "$out-latest.json"
} | tee "$out-latest.txt"
cp "$out-latest.json" "$out-$stamp.json"
