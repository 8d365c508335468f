#!/usr/bin/env bash
# End-to-end tests of `dealsearch serve` through real sockets with curl:
# the API against the command line's own answers, connections (keep-alive,
# limits, time-outs), the access log, rebuilds picked up while serving,
# starting without an index, and stopping on a signal with a request in
# flight.  Prints TAP.  (Request handling in detail: tests/unit/
# test_server.c; the page in a browser: tests/browser/.)
#
#   DS_BIN=build/dealsearch tests/server.sh
set -u
cd "$(dirname "$0")/.."
BIN=$(realpath "${DS_BIN:-build/dealsearch}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dealsearch-server-XXXXXX")
PID=
cleanup() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
cp -r corpus "$WORK/corpus"
CORPUS="$WORK/corpus"
INDEX="$WORK/corpus.index"
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    [ $# -gt 1 ] && printf '#   %s\n' "${@:2}"
    return 0
}
check() {
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# start_server ARGS...: `dealsearch serve` on a free port; sets PID, PORT,
# URL and LOG (its stderr).  Fails when it does not say where it listens.
start_server() {
    LOG="$WORK/log.$((++starts))"
    "$BIN" serve --listen 127.0.0.1:0 --index "$INDEX" "$@" \
        >"$WORK/stdout" 2>"$LOG" &
    PID=$!
    PORT=
    for _ in $(seq 200); do
        PORT=$(sed -n 's#.*listening on http://[^:]*:\([0-9]*\)/.*#\1#p' "$LOG")
        [ -n "$PORT" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    URL="http://127.0.0.1:$PORT"
    [ -n "$PORT" ]
}
starts=0
# stop_server [SIGNAL]: signal it (TERM) and wait; sets RC.  Every stop
# must be clean (under ASan a leak or error would show in the status).
bad_stops=""
stop_server() {
    kill -"${1:-TERM}" "$PID"
    reap_server
}
reap_server() {
    wait "$PID"
    RC=$?
    PID=
    [ "$RC" = 0 ] || bad_stops="$bad_stops $RC"
}
# get PATH [CURL ARGS...]: sets $status and $body.
get() {
    local path=$1; shift
    status=$(curl -s -o "$WORK/body" -w '%{http_code}' "$@" "$URL$path")
    body=$(cat "$WORK/body")
}
is_error() { # STATUS: the body is {"error": ..., "status": STATUS}
    [ "$status" = "$1" ] &&
        jq -e --argjson s "$1" '(.error | type == "string") and .status == $s' \
            <<<"$body" >/dev/null
}
cli_json() { "$BIN" --corpus "$CORPUS" --index "$INDEX" --json "$@" 2>/dev/null; }

# How many passages the demo corpus makes, as the indexer says.
PASSAGES=$("$BIN" index --corpus "$CORPUS" --index "$INDEX" 2>&1 |
           sed -n 's/.* into \([0-9]*\) passages.*/\1/p')

# ---- starting ----
start_server
check "serve says where it listens, on loopback by default" \
    eval '[ -n "$PORT" ] && grep -q "serving .*$PASSAGES passages (generation 1)" "$LOG" && ! grep -q warning "$LOG"'

# ---- the API against the command line ----
# QUERY|dealsearch's options|the same as parameters
while IFS='|' read -r q opts params; do
    get "/api/search?q=$(jq -rn --arg q "$q" '$q|@uri')$params"
    # shellcheck disable=SC2086
    # The command line adds each file's path; the server names no path.
    want=$(cli_json $opts -- "$q" | jq -S 'del(.results[].path, .results[].also[].path)')
    got=$(jq -S 'del(.took_ms)' <<<"$body")
    check "/api/search '$q' $params is what 'dealsearch --json $opts' prints (no paths), with took_ms" \
        eval '[ "$status" = 200 ] && [ "$got" = "$want" ] && jq -e ".took_ms >= 0" <<<"$body" >/dev/null'
done <<'CASES'
interim CEO||
Droge||
stake date:2025-06-01..2025-06-30||
Meta OR Scale|--limit 3 --offset 2|&limit=3&offset=2
Droge|--exact|&exact=1
acquisition|--all --any|&all=1&any=1
ceo|-n 0|&limit=0
ceo|--offset 100|&offset=100
*take stake|--limit 2|&limit=2
stake AND|--limit 2|&limit=2
CASES

get "/api/passage?source=001_5f9e68b6a499abb5.txt&n=5&context=2"
want=$("$BIN" passages --json "$CORPUS/001_5f9e68b6a499abb5.txt" |
       jq -c '[.passages[2:7][] | .text]')
got=$(jq -c '[.passages[].text]' <<<"$body")
check "/api/passage gives the passage and 2 each side as 'dealsearch passages' reads them" \
    eval '[ "$status" = 200 ] && [ "$got" = "$want" ] && [ "$(jq .passages_in_source <<<"$body")" = 22 ]'

for src in "../../etc/passwd" "%2Fetc%2Fpasswd" "..%2F..%2F..%2Fetc%2Fpasswd" "$CORPUS/001_5f9e68b6a499abb5.txt"; do
    get "/api/passage?source=$src&n=1"
    check "source=$src is not a file: 404" is_error 404
done

get "/api/stats"
check "/api/stats: files, passages, generation and build time" \
    eval 'jq -e --argjson p "$PASSAGES" ".files == 5 and .passages == \$p and .generation == 1 and (.built | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T\"))" <<<"$body" >/dev/null'
get "/api/health"
check "/api/health is 200 ok" eval '[ "$status" = 200 ] && jq -e ".status == \"ok\"" <<<"$body" >/dev/null'

# ---- HTTP ----
connections=$(curl -sv -o /dev/null -o /dev/null "$URL/api/health" "$URL/api/stats" 2>&1 |
              grep -c "^\* Connected to")
check "connections are kept alive between requests" [ "$connections" = 1 ]
headers=$(curl -sI "$URL/")
check "HEAD / answers 200 with the page's headers and no body" \
    eval 'grep -q "^HTTP/1.1 200" <<<"$headers" && grep -qi "^content-security-policy: default-src .none.; script-src .self." <<<"$headers"'
get "/api/search?q=ceo" -X POST
check "POST is 405" eval 'is_error 405'
get "/api/search?q=ceo" -X GET --data-binary "hello"
check "a request with a body is 413, unread" is_error 413
get "/api/search?q=$(head -c 9000 /dev/zero | tr '\0' a)"
check "a request target over 8 KiB is 414, in JSON" is_error 414
get "/api/health" -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' b)"
check "headers over 8 KiB are 431, in JSON" is_error 431
get "/api/health" -H "X-Huge: $(head -c 40000 /dev/zero | tr '\0' c)"
check "headers past libmicrohttpd's memory are refused, and the server goes on" \
    eval '[ "$status" != 200 ] && curl -sf "$URL/api/health" >/dev/null'
get "/api/health" -H "Host: evil.example"
check "a Host other than localhost is 403 (DNS rebinding)" is_error 403
get "/api/health" -H "Origin: http://evil.example"
check "no CORS headers unless --cors" eval '! curl -sI "$URL/api/health" | grep -qi access-control'

# ---- the access log ----
before=$(grep -c '"GET /api/health' "$LOG")
curl -s "$URL/api/health?x=%01" >/dev/null
curl -s "$URL/api/health" >/dev/null
sleep 0.1
after=$(grep -c '"GET /api/health' "$LOG")
check "one access-log line per request: time, client, request, status, bytes, time taken" \
    eval '[ $((after - before)) = 2 ] && grep -Eq "^[0-9-]+T[0-9:]+Z 127\.0\.0\.1 \"GET /api/health\" 200 [0-9]+ [0-9.]+ms$" "$LOG"'
check "the log shows control bytes of a target escaped" grep -q 'GET /api/health?x=%01" 400' "$LOG"

# ---- an update and a rebuild while serving ----
(for _ in $(seq 60); do curl -s -o /dev/null -w '%{http_code}\n' "$URL/api/search?q=interim%20CEO"; done) \
    >"$WORK/codes" &
reader=$!
# one more "interim CEO" passage, of about the same length (a bigger change
# of the average passage length would make it a rebuild)
sed -i '3s/$/ Its interim CEO spoke./' "$CORPUS/000_33a34f6b5913d187.txt"
"$BIN" index --corpus "$CORPUS" --index "$INDEX" >/dev/null 2>&1
get "/api/search?q=interim%20CEO&all=1"
check "an update in place is served without a restart" \
    eval 'jq -e ".total == 3" <<<"$body" >/dev/null'
get "/api/stats"
check "... in the same generation (1, 5 files)" \
    eval 'jq -e ".generation == 1 and .files == 5" <<<"$body" >/dev/null'
"$BIN" index --rebuild --corpus "$CORPUS" --index "$INDEX" >/dev/null 2>&1
wait $reader
get "/api/stats"
check "a rebuild is served without a restart (generation 2, 5 files)" \
    eval 'jq -e ".generation == 2 and .files == 5" <<<"$body" >/dev/null'
check "no request failed during the update and the rebuild" \
    eval '[ "$(sort -u "$WORK/codes")" = 200 ] && [ $(wc -l <"$WORK/codes") = 60 ]'
get "/api/search?q=interim%20CEO&all=1"
check "searches see the new generation" eval 'jq -e ".total == 3" <<<"$body" >/dev/null'

# ---- stopping ----
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /api/search?q=interim%%20CEO HTTP/1.1\r\n' >&3
sleep 0.3
kill -TERM "$PID"
sleep 0.3
printf 'Host: 127.0.0.1\r\n\r\n' >&3
reply=$(timeout 10 cat <&3)
exec 3<&-
reap_server
check "SIGTERM: the request in flight is answered whole, then exit 0" \
    eval '[ $RC = 0 ] && grep -q "^HTTP/1.1 200" <<<"$reply" && grep -qi "^Connection: close" <<<"$reply" && tail -n1 <<<"$reply" | jq -e ".total >= 2" >/dev/null'
check "stopping is said on stderr" grep -q "stopping (SIGTERM): finishing 1 request$" "$LOG"

start_server --quiet
curl -s "$URL/api/health" >/dev/null
stop_server INT
check "--quiet: no access log; SIGINT exits 0" \
    eval '[ $RC = 0 ] && ! grep -q "GET /api" "$LOG"'

# ---- limits on connections ----
start_server --timeout 1 --max-per-ip 2
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.2
curl -s -m 5 "$URL/api/health" >/dev/null
third=$?
t0=$(date +%s%N)
timeout 5 cat <&4 >/dev/null
idle_ms=$((($(date +%s%N) - t0) / 1000000))
exec 4<&- 5<&-
sleep 0.2
check "--max-per-ip 2: a third connection from one address is refused" [ "$third" != 0 ]
check "--timeout 1: an idle connection is closed within 3 s" [ "$idle_ms" -lt 3000 ]
check "the server goes on after both" curl -sf "$URL/api/health" -o /dev/null
stop_server

# ---- the work queue ----
# One worker, many searches at once: each waits its turn in the queue and
# gets its own answer (the same total as asked alone).
start_server --threads 1 --quiet
queries="CEO Wang stake Meta interim%20CEO Scale%20AI investment Droege"
for q in $queries; do
    curl -s "$URL/api/search?q=$q" | jq -r '.total' >"$WORK/alone.$q"
done
clients=()
for round in 1 2 3; do
    for q in $queries; do
        curl -s "$URL/api/search?q=$q" | jq -r '.total' >"$WORK/together.$q.$round" &
        clients+=($!)
    done
done
wait "${clients[@]}"
mismatches=0
for q in $queries; do
    for round in 1 2 3; do
        cmp -s "$WORK/alone.$q" "$WORK/together.$q.$round" || mismatches=$((mismatches + 1))
    done
done
check "--threads 1: 24 searches at once are each answered, with their own totals" \
    eval '[ "$mismatches" = 0 ] && [ -s "$WORK/alone.CEO" ] && [ "$(cat "$WORK/alone.CEO")" -gt 0 ]'
stop_server

# More slow clients than threads, each half-way through its headers: a
# slow client holds a connection, never a thread.
start_server --threads 2 --timeout 5
slow=()
for fd in 10 11 12 13 14 15; do
    eval "exec $fd<>/dev/tcp/127.0.0.1/$PORT"
    printf 'GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' >&"$fd"
    slow+=("$fd")
done
sleep 0.2
t0=$(date +%s%N)
curl -sf -m 3 "$URL/api/search?q=ceo" -o /dev/null
served=$?
served_ms=$((($(date +%s%N) - t0) / 1000000))
for fd in "${slow[@]}"; do eval "exec $fd<&-"; done
check "6 slow clients on 2 threads: a search is still answered at once" \
    eval '[ "$served" = 0 ] && [ "$served_ms" -lt 1000 ]'
stop_server

start_server --max-connections 3
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.2
curl -s -m 5 "$URL/api/health" >/dev/null
fourth=$?
exec 4<&- 5<&- 6<&-
sleep 0.2
check "--max-connections 3: a fourth connection is refused, and the server goes on" \
    eval '[ "$fourth" != 0 ] && curl -sf "$URL/api/health" -o /dev/null'
stop_server

start_server --cors http://app.example:3000
origin=$(curl -sI "$URL/api/health" | tr -d '\r' | sed -n 's/^access-control-allow-origin: //Ip')
check "--cors ORIGIN: the API allows that origin" [ "$origin" = "http://app.example:3000" ]
stop_server

# ---- no index yet ----
EMPTY="$WORK/later.index"
start_server --index "$EMPTY" --corpus "$WORK/no-corpus"
get "/api/search?q=ceo"
check "no index yet: 503 in JSON, and a line saying so at start" \
    eval 'is_error 503 && grep -q "searches get 503" "$LOG"'
"$BIN" index --corpus "$CORPUS" --index "$EMPTY" >/dev/null 2>&1
get "/api/search?q=ceo"
check "an index built meanwhile is served without a restart" [ "$status" = 200 ]
stop_server

rm -rf "$EMPTY"
"$BIN" serve --listen 127.0.0.1:0 --corpus "$CORPUS" --index "$EMPTY" \
    >/dev/null 2>"$WORK/build.log" &
PID=$!
for _ in $(seq 200); do grep -q listening "$WORK/build.log" && break; sleep 0.05; done
stop_server
check "serve --corpus builds a missing index first" \
    eval 'grep -q "building it from" "$WORK/build.log" && [ -e "$EMPTY/current" ] && [ $RC = 0 ]'

# ---- bad starts ----
for listen in "nowhere:80" "127.0.0.1:99999" "127.0.0.1:" "::1:80" ""; do
    "$BIN" serve --listen "$listen" --index "$INDEX" 2>"$WORK/err" >/dev/null
    rc=$?
    check "--listen '$listen' is a usage error: one line, exit 2" \
        eval '[ $rc = 2 ] && [ $(wc -l <"$WORK/err") = 1 ]'
done
start_server
"$BIN" serve --listen "127.0.0.1:$PORT" --index "$INDEX" 2>"$WORK/err" >/dev/null
rc=$?
check "a port in use: exit 2, saying so" \
    eval '[ $rc = 2 ] && grep -q "cannot listen on 127.0.0.1:$PORT" "$WORK/err"'
stop_server
"$BIN" serve --listen 0.0.0.0:0 --index "$INDEX" >/dev/null 2>"$WORK/any.log" &
PID=$!
for _ in $(seq 200); do grep -q listening "$WORK/any.log" && break; sleep 0.05; done
stop_server
check "a non-loopback address is served with a warning" \
    grep -q "warning: not a loopback address" "$WORK/any.log"
"$BIN" serve --limit 3 2>"$WORK/err"
rc=$?
check "search options do not apply to serve" \
    eval '[ $rc = 2 ] && grep -q "does not apply to .dealsearch serve." "$WORK/err"'

check "every server stopped cleanly, exit 0" [ -z "$bad_stops" ]

echo "1..$n"
