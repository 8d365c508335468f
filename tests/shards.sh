#!/usr/bin/env bash
# Sharded indexes and remote search: the same corpus as one database and
# as 1, 2 and 3 shards, searched locally, with every shard behind
# xapian-tcpsrv on 127.0.0.1, mixed, and through `remote :xapian-progsrv`
# lines, must give the very same answers (passages, order, scores,
# counts, spelling, synonyms, explain) from the command line, `run` and
# `serve`; a shard that is down is an error naming it.  Prints TAP.
#
#   DS_BIN=build/dealsearch tests/shards.sh
# TAP helpers, BIN and WORK (removed on exit) from the reliability lib.
. "$(dirname "$0")/reliability/lib.sh"
PIDS=() # servers in sessions of their own (setsid): their groups are killed
cleanup() {
    for p in "${PIDS[@]}"; do
        kill -CONT -- "-$p" 2>/dev/null; kill "$p" 2>/dev/null; wait "$p" 2>/dev/null
    done
    rm -rf "$WORK"
}

if ! command -v xapian-tcpsrv >/dev/null || ! command -v xapian-progsrv >/dev/null; then
    echo "1..0 # SKIP xapian-tcpsrv or xapian-progsrv is missing (Debian's xapian-tools: make test-deps)"
    exit 0
fi

# A corpus with near-copies, dates, synonyms, articles that spread words
# over passages, and folders.
C="$WORK/corpus"
mkdir -p "$C/wire" "$C/spread"
cp corpus/*.txt corpus/synonyms.conf "$C/"
cp tests/neardup/*.txt "$C/wire/"
cp tests/spread/*.txt "$C/spread/"

"$BIN" index --corpus "$C" --index "$WORK/one" >/dev/null 2>"$WORK/err"
check "one database builds" [ $? -eq 0 ]
for s in 1 2 3; do
    out=$("$BIN" index --corpus "$C" --index "$WORK/s$s" --shards "$s" 2>"$WORK/err")
    check "--shards $s builds: $out" [ $? -eq 0 ]
done
gen3=$(readlink -f "$WORK/s3/current")
check "a sharded generation: a stub listing the head, then the shards" \
    [ "$(cat "$gen3/XAPIANDB")" = "$(printf 'auto head\nauto shard-0\nauto shard-1\nauto shard-2')" ]
check "the head holds no passage, the vocabulary lies beside it" \
    eval '[ -f "$gen3/head/vocabulary" ] && [ -f "$gen3/head/iamglass" ]'
summary1=$("$BIN" index --corpus "$C" --index "$WORK/one" --rebuild 2>&1 | sed 's/index [0-9.]* [kM]B; [0-9.]* s$//')
summary3=$("$BIN" index --corpus "$C" --index "$WORK/s3" 2>&1)
check "an update of a sharded index builds it whole, saying why" \
    eval 'grep -q "built whole (a sharded index is not updated in place yet)" <<<"$summary3"'
check "the shards hold what one database holds (files, passages, groups, terms)" \
    eval 'grep -qF "${summary1#indexed }" <<<"$summary3"'
"$BIN" check --corpus "$C" --index "$WORK/s3" >"$WORK/check" 2>&1
check "dealsearch check: a sharded index is sound and current" \
    grep -q "s3: ok$" "$WORK/check"
gen3=$(readlink -f "$WORK/s3/current")

# ---- servers ----
# serve DIR: xapian-tcpsrv on a free loopback port for DIR; sets $port.
serve() {
    local dir=$1 try
    for try in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 30000))
        # Its own session: on SIGTERM xapian-tcpsrv signals its whole
        # process group (its children), which would be this script too.
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$dir" \
            >"$WORK/tcpsrv.$port" 2>&1 &
        local pid=$!
        local wait
        for wait in $(seq 50); do
            grep -q Listening "$WORK/tcpsrv.$port" 2>/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if grep -q Listening "$WORK/tcpsrv.$port"; then
            PIDS+=("$pid")
            eval "PID_$port=$pid"
            return 0
        fi
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    done
    return 1
}

# stub NAME SHARDS KIND...: a stub file for the sharded index with SHARDS
# shards, the head local, shard k reached as KIND k (local, tcp, prog).
stub() {
    local name=$1 s=$2 k=0 kind gen
    shift 2
    gen=$(readlink -f "$WORK/s$s/current")
    {
        echo "# head first: metadata, spelling, synonyms"
        echo "auto $gen/head"
        for kind in "$@"; do
            case $kind in
                local) echo "auto $gen/shard-$k" ;;
                tcp) serve "$gen/shard-$k" || return 1
                     echo "remote 127.0.0.1:$port" ;;
                prog) echo "remote :xapian-progsrv $gen/shard-$k" ;;
            esac
            k=$((k + 1))
        done
    } >"$WORK/$name.stub"
}

layouts=(s1 s2 s3)
stub tcp1 1 tcp && stub tcp2 2 tcp tcp && stub tcp3 3 tcp tcp tcp &&
    stub mixed2 2 local tcp && stub mixed3 3 tcp local prog &&
    stub prog2 2 prog prog && stub prog3 3 prog prog prog
check "xapian-tcpsrv serves each shard on 127.0.0.1" [ $? -eq 0 ]
for l in tcp1 tcp2 tcp3 mixed2 mixed3 prog2 prog3; do layouts+=("$l.stub"); done

# ---- the same answers ----
queries=("interim CEO" "Scale AI" "Meta OR Scale OR AI" "\"Federal Trade Commission\""
         "FTC" "chief executive" "Droge" "investmnt" "Alexander Wang"
         "Nakasone Reagan summit" "stake date:2025-06-01..2025-06-30"
         "stake source:003_608c90960be708b7" "title:regain" "oil")
variants=("" "--any" "--all" "--explain" "--exact" "--feedback" "-n 3 --offset 2"
          "--sort date" "-c" "-l")
answers() { # INDEX VARIANTS...: every query with each option set, as JSON
    local index=$1 q v
    shift
    for q in "${queries[@]}"; do
        for v in "$@"; do
            # shellcheck disable=SC2086
            "$BIN" --index "$index" --json $v -- "$q" 2>&1
            echo "exit $?"
        done
    done
}
answers "$WORK/one" "${variants[@]}" >"$WORK/one.answers"
answers "$WORK/one" "" "--explain" >"$WORK/one.short"
check "the reference answers rank something" \
    eval '[ "$(grep -c "\"rank\":1," "$WORK/one.answers")" -gt 50 ]'
# Every option set on a local and a mixed layout (local, tcp and prog
# shards); the plain and explained answers on the others.
for l in "${layouts[@]}"; do
    case $l in
        s3|mixed3.stub) set -- "${variants[@]}"; ref=one.answers ;;
        *) set -- "" "--explain"; ref=one.short ;;
    esac
    answers "$WORK/$l" "$@" >"$WORK/$l.answers"
    if cmp -s "$WORK/$ref" "$WORK/$l.answers"; then
        ok "$l: the same answers as one database (${#queries[@]} queries x $# option sets)"
    else
        not_ok "$l: the same answers as one database" \
            "$(diff "$WORK/$ref" "$WORK/$l.answers" | head -5)"
    fi
done

# Xapian 1.4 expands a wildcard in each database with that database's
# statistics: the same passages match, their scores differ (README).
passages() { "$BIN" --index "$1" --json -n 100 -- "$2" | jq -c '[.results[] | [.source, .passage]] | sort'; }
ref=$(passages "$WORK/one" "acqui*")
for l in s3 tcp3.stub mixed3.stub; do
    check "a wildcard on $l: the same passages match" [ "$(passages "$WORK/$l" "acqui*")" = "$ref" ]
done

printf '1\tinterim CEO\n2\tScale AI investment Meta\n3\tFederal Trade Commission antitrust\n' >"$WORK/q.tsv"
"$BIN" run --index "$WORK/one" --queries "$WORK/q.tsv" --format trec >"$WORK/one.run" 2>&1
for l in s3 tcp3.stub mixed3.stub prog2.stub; do
    "$BIN" run --index "$WORK/$l" --queries "$WORK/q.tsv" --format trec >"$WORK/$l.run" 2>&1
    if cmp -s "$WORK/one.run" "$WORK/$l.run"; then
        ok "run on $l: the same TREC run as one database (with feedback)"
    else
        not_ok "run on $l: the same TREC run" "$(diff "$WORK/one.run" "$WORK/$l.run" | head -5)"
    fi
done

# serve_json INDEX: the API's answer to one search, without its timing.
serve_json() {
    "$BIN" serve --index "$1" --listen 127.0.0.1:0 --quiet >"$WORK/serve.out" 2>&1 &
    local pid=$! addr="" i
    for i in $(seq 100); do
        addr=$(grep -Eo '127\.0\.0\.1:[0-9]+' "$WORK/serve.out" | head -1)
        [ -n "$addr" ] && break
        sleep 0.1
    done
    curl -s "http://$addr/api/search?q=Scale+AI&limit=20&all=1" | jq -c 'del(.took_ms)'
    kill "$pid"; wait "$pid" 2>/dev/null
}
ref=$(serve_json "$WORK/one")
check "serve answers from one database" eval '[ "$(jq .total <<<"$ref")" -gt 0 ]'
for l in tcp3.stub mixed3.stub; do
    got=$(serve_json "$WORK/$l")
    check "serve --index $l: the same answer" [ "$got" = "$ref" ]
done

# ---- failures ----
out=$("$BIN" --index "$WORK/tcp3.stub" "interim CEO" 2>"$WORK/err"); rc=$?
check "all servers up: the stub answers" [ "$rc" -eq 0 ]
port=$(sed -n 's/^remote 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/tcp3.stub" | sed -n 2p)
eval "kill \$PID_$port; wait \$PID_$port 2>/dev/null"
out=$("$BIN" --index "$WORK/tcp3.stub" "interim CEO" 2>"$WORK/err"); rc=$?
err=$(cat "$WORK/err")
check "a shard down: exit 2, one line naming it (127.0.0.1:$port)" \
    eval '[ "$rc" -eq 2 ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q "127.0.0.1:$port" <<<"$err"'
printf 'remote 127.0.0.1:%s\nauto %s/shard-0\n' "$port" "$gen3" >"$WORK/remote-head.stub"
"$BIN" --index "$WORK/remote-head.stub" ceo 2>"$WORK/err"; rc=$?
check "a remote head is refused: the head must be local" \
    eval '[ "$rc" -eq 2 ] && grep -q "head database must be local" "$WORK/err"'
printf 'auto %s/head\nbogus line\n' "$gen3" >"$WORK/bad.stub"
"$BIN" --index "$WORK/bad.stub" ceo 2>"$WORK/err"; rc=$?
check "a bad stub line: exit 2 naming the file and line" \
    eval '[ "$rc" -eq 2 ] && grep -q "bad.stub:2" "$WORK/err"'

# --partial: the other shards' results, marked and naming what is missing.
out=$("$BIN" --index "$WORK/tcp3.stub" --partial --json "interim CEO" 2>"$WORK/err"); rc=$?
check "--partial, a shard down: exit 0, \"partial\": true, the shard missing" \
    eval '[ "$rc" -eq 0 ] && [ "$(jq -c "[.partial, .missing]" <<<"$out")" = "[true,[\"remote 127.0.0.1:$port\"]]" ]'
check "--partial: a notice on stderr says why" \
    grep -q "partial results: without remote 127.0.0.1:$port (NetworkError: Couldn't connect" "$WORK/err"
out=$("$BIN" --index "$WORK/tcp3.stub" --partial "interim CEO" 2>/dev/null)
check "--partial: the listing's last line names the missing shard" \
    [ "$(tail -1 <<<"$out")" = "partial results, without: remote 127.0.0.1:$port" ]
full=$("$BIN" --index "$WORK/s3" --json -n 100 --all "Meta OR AI OR oil" | jq -c '[.results[].source] | unique')
part=$(jq -c '[.results[].source] | unique' <<<"$(
    "$BIN" --index "$WORK/tcp3.stub" --partial --json -n 100 --all "Meta OR AI OR oil" 2>/dev/null)")
check "--partial: the passages of the shards up, fewer than all" \
    eval '[ "$(jq length <<<"$part")" -lt "$(jq length <<<"$full")" ] && [ "$(jq -c --argjson f "$full" ". - \$f" <<<"$part")" = "[]" ]'
check "--connect-timeout and --query-timeout refuse a bad number" \
    eval '"$BIN" --index "$WORK/tcp3.stub" --query-timeout 0 ceo 2>&1 | grep -q "needs seconds"'

# A shard that stops answering (SIGSTOP: connections are accepted, never
# answered) is a timeout naming it, within the timeout asked.
stub hang 3 tcp tcp tcp
hport=$(sed -n 's/^remote 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/hang.stub" | sed -n 3p)
hpid=$(eval echo "\$PID_$hport")
kill -STOP -- "-$hpid"
start=$(date +%s%N)
"$BIN" --index "$WORK/hang.stub" --query-timeout 0.5 "interim CEO" >/dev/null 2>"$WORK/err"; rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
check "a shard that hangs: exit 2 within the query timeout, naming it (${ms} ms)" \
    eval '[ "$rc" -eq 2 ] && [ "$ms" -lt 5000 ] && grep -q "Timeout.*127.0.0.1:$hport" "$WORK/err"'
out=$("$BIN" --index "$WORK/hang.stub" --query-timeout 0.5 --partial --json "interim CEO" 2>/dev/null); rc=$?
check "a shard that hangs, --partial: the others' results" \
    eval '[ "$rc" -eq 0 ] && [ "$(jq -c .missing <<<"$out")" = "[\"remote 127.0.0.1:$hport\"]" ] && [ "$(jq ".results | length" <<<"$out")" -gt 0 ]'
kill -CONT -- "-$hpid"

# During a query: `serve` holds its connections to the shards open; a
# shard killed (its connections too) between two requests, or one that
# hangs, is missing from the next answer with --partial, an error naming
# it (503) without.
serve_start() { # INDEX OPTIONS...: a server; sets $addr and $spid
    "$BIN" serve --index "$@" --listen 127.0.0.1:0 --quiet >"$WORK/serve.out" 2>&1 &
    spid=$!
    local i
    for i in $(seq 100); do
        addr=$(grep -Eo '127\.0\.0\.1:[0-9]+' "$WORK/serve.out" | head -1)
        [ -n "$addr" ] && break
        sleep 0.1
    done
}
api() { curl -s -w '\n%{http_code}' "http://$addr/api/search?q=interim+CEO&limit=20"; }
stub live 3 tcp tcp tcp
serve_start "$WORK/live.stub" --partial --query-timeout 0.5
PIDS+=("$spid")
first=$(api)
lport=$(sed -n 's/^remote 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/live.stub" | sed -n 1p)
lpid=$(eval echo "\$PID_$lport")
kill -- "-$lpid"
second=$(api)
check "serve --partial: whole while every shard answers" \
    eval '[ "$(tail -1 <<<"$first")" = 200 ] && [ "$(head -1 <<<"$first" | jq .partial)" = null ]'
check "serve --partial: a shard killed under it is missing from the next answer" \
    eval '[ "$(tail -1 <<<"$second")" = 200 ] && [ "$(head -1 <<<"$second" | jq -c .missing)" = "[\"remote 127.0.0.1:$lport\"]" ]'
kill "$spid"; wait "$spid" 2>/dev/null
stub live2 3 tcp tcp tcp
serve_start "$WORK/live2.stub" --query-timeout 0.5
PIDS+=("$spid")
first=$(api)
lport=$(sed -n 's/^remote 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/live2.stub" | sed -n 2p)
lpid=$(eval echo "\$PID_$lport")
kill -STOP -- "-$lpid"
second=$(api)
kill -CONT -- "-$lpid"
check "serve: a shard that hangs under it is a 503 naming it" \
    eval '[ "$(tail -1 <<<"$first")" = 200 ] && [ "$(tail -1 <<<"$second")" = 503 ] && grep -q "127.0.0.1:$lport" <<<"$second"'
third=$(api)
check "serve: once it answers again, so does the server" [ "$(tail -1 <<<"$third")" = 200 ]
kill "$spid"; wait "$spid" 2>/dev/null

finish
