#!/usr/bin/env bash
# Sharded indexes and remote search: the same corpus as one database and
# as 1, 2 and 3 shards, searched locally, with every shard behind
# xapian-tcpsrv on 127.0.0.1, mixed, and through `remote :xapian-progsrv`
# lines, must give the very same answers (passages, order, scores,
# counts, spelling, synonyms, explain) from the command line, `run` and
# `serve`; a shard that is down is an error naming it; a running `serve`
# follows updates and rebuilds of a stub's databases (local, behind
# xapian-tcpsrv, parts built on their own, replicas) without a restart.
# Prints TAP.
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
out=$("$BIN" index --corpus "$C" --index "$WORK/s3" 2>&1)
check "a sharded index with nothing changed is up to date" grep -q "^up to date" <<<"$out"
summary3=$("$BIN" index --corpus "$C" --index "$WORK/s3" --rebuild 2>&1)
check "the shards hold what one database holds (files, passages, groups, terms)" \
    eval 'grep -qF "${summary1#indexed }" <<<"$summary3"'
"$BIN" check --corpus "$C" --index "$WORK/s3" >"$WORK/check" 2>&1
check "dealsearch check: a sharded index is sound and current" \
    grep -q "s3: ok$" "$WORK/check"
gen3=$(readlink -f "$WORK/s3/current")

# ---- parts built as separate processes, joined ----
# Each part of a 2- and a 3-shard index built by a process of its own (at
# once), then joined by a stub: it must answer as one database does.
for s in 2 3; do
    pids=()
    for p in head $(seq 0 $((s - 1))); do
        "$BIN" index --corpus "$C" --index "$WORK/j$s-$p" --shards "$s" --shard "$p" \
            --quiet 2>"$WORK/err.$s.$p" &
        pids+=($!)
    done
    rc=0
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    check "--shards $s: the head and $s shards built by $((s + 1)) processes at once" [ "$rc" -eq 0 ]
    # shellcheck disable=SC2046
    "$BIN" join --index "$WORK/join$s.stub" $(for p in $(seq $((s - 1)) -1 0) head; do echo "$WORK/j$s-$p"; done) 2>"$WORK/err"
    check "join: the parts, in any order, listed head first in a stub" \
        eval '[ $? -eq 0 ] && [ "$(grep -v "^#" "$WORK/join$s.stub" | head -1)" = "auto $WORK/j$s-head/current" ]'
done
check "a shard's part holds its passages as the threaded build's shard does" \
    [ "$(find "$WORK/j3-1/current/" -name 'postlist.glass' -size +0 | wc -l)" -eq 1 ]
j3=$(readlink -f "$WORK/j3-2/current")
check "a part is a generation of its own, saying which part it is" \
    eval 'grep -q "^part 2$" "$j3/dealsearch-part" && grep -q "^shards 3$" "$j3/dealsearch-part"'
out=$("$BIN" index --corpus "$C" --index "$WORK/j3-2" 2>&1)
check "updating a part rebuilds that part whole, saying why" \
    eval 'grep -q "a part of a sharded index is always built whole" <<<"$out" && grep -q "^part 2$" "$WORK/j3-2/current/dealsearch-part"'

# Bad input: exit 2 and a message, nothing published.
bad() { # NAME MESSAGE ARGS...: exit 2, MESSAGE on stderr
    local name=$1 msg=$2; shift 2
    "$BIN" "$@" >/dev/null 2>"$WORK/err"; local rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "$msg" "$WORK/err"; then ok "$name"
    else not_ok "$name" "exit $rc: $(cat "$WORK/err")"; fi
}
bad "--shard 3 of --shards 3: out of range" "shard 3 of 3 does not exist" \
    index --corpus "$C" --index "$WORK/bad1" --shards 3 --shard 3
bad "--shard without --shards" "needs its number of shards" \
    index --corpus "$C" --index "$WORK/bad2" --shard 0
bad "--shard -1 / --shard foo refused" "--shard takes 'head'" \
    index --corpus "$C" --index "$WORK/bad3" --shards 3 --shard foo
check "a refused part publishes nothing" eval '[ ! -e "$WORK/bad1/current" ] && [ ! -e "$WORK/bad2/current" ]'
bad "join: parts of 2 and of 3 shards refused" "is a part of 2 shards, not 3" \
    join --index "$WORK/bad.stub" "$WORK/j3-head" "$WORK/j3-0" "$WORK/j2-1" "$WORK/j3-2"
bad "join: --shards 2 given, parts of 3 refused" "is a part of 3 shards, not 2" \
    join --index "$WORK/bad.stub" --shards 2 "$WORK/j3-head" "$WORK/j3-0" "$WORK/j3-1"
bad "join: a shard missing" "shard 1 of 3 shards is missing" \
    join --index "$WORK/bad.stub" "$WORK/j3-head" "$WORK/j3-0" "$WORK/j3-2"
bad "join: the head missing" "the head of 3 shards is missing" \
    join --index "$WORK/bad.stub" "$WORK/j3-0" "$WORK/j3-1" "$WORK/j3-2"
bad "join: a part given twice" "are both shard 0" \
    join --index "$WORK/bad.stub" "$WORK/j3-head" "$WORK/j3-0" "$WORK/j3-0" "$WORK/j3-1" "$WORK/j3-2"
bad "join: a folder that is not a part" "is not a part of a sharded index" \
    join --index "$WORK/bad.stub" "$WORK/one" "$WORK/j3-0" "$WORK/j3-1" "$WORK/j3-2"
cp -r "$C" "$WORK/corpus2"
echo "One more paragraph about interim CEO appointments." >"$WORK/corpus2/zz_extra.txt"
"$BIN" index --corpus "$WORK/corpus2" --index "$WORK/other-1" --shards 3 --shard 1 --quiet
bad "join: a part of another corpus refused" "not built from the same corpus" \
    join --index "$WORK/bad.stub" "$WORK/j3-head" "$WORK/j3-0" "$WORK/other-1" "$WORK/j3-2"
check "a refused join writes no stub" [ ! -e "$WORK/bad.stub" ]
bad "join needs --index and the parts" "needs --index STUB" join "$WORK/j3-0"

# ---- parts built from a plan ----
# The first pass made once (index --write-plan), then each part built from
# it by a process of its own (at once), a shard reading only its own
# files: joined, it answers as one database does (compared below).
for s in 2 3; do
    out=$("$BIN" index --corpus "$C" --shards "$s" --write-plan "$WORK/plan$s" 2>"$WORK/err")
    check "--write-plan: the first pass for $s shards, written once: $out" \
        eval '[ $? -eq 0 ] && head -1 "$WORK/plan$s" | grep -qx "dealsearch-plan 1"'
    pids=()
    for p in head $(seq 0 $((s - 1))); do
        "$BIN" index --corpus "$C" --index "$WORK/p$s-$p" --shards "$s" --shard "$p" \
            --plan "$WORK/plan$s" --verbose 2>"$WORK/err.p$s.$p" >/dev/null &
        pids+=($!)
    done
    rc=0
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    check "--plan, --shards $s: the head and $s shards built by $((s + 1)) processes at once" [ "$rc" -eq 0 ]
    same=1
    for p in head $(seq 0 $((s - 1))); do
        cmp -s "$WORK/p$s-$p/current/dealsearch-part" "$WORK/j$s-$p/current/dealsearch-part" || same=0
    done
    check "--plan, --shards $s: each part records the check of the part built without one" [ "$same" -eq 1 ]
    # shellcheck disable=SC2046
    "$BIN" join --index "$WORK/plan$s.stub" $(for p in head $(seq 0 $((s - 1))); do echo "$WORK/p$s-$p"; done) 2>"$WORK/err"
    check "--plan, --shards $s: the parts join" [ $? -eq 0 ]
done
files=$(find "$C" -name '*.txt' | wc -l)
read3=$(cat "$WORK"/err.p3.[0-2] | grep -c ': [0-9]* passages')
check "from a plan, the shards read each file once between them ($read3 of $files)" [ "$read3" -eq "$files" ]

# A copy of the corpus to spoil: a file of shard 0 changed, its size kept.
cp -r "$C" "$WORK/pc"
"$BIN" index --corpus "$WORK/pc" --shards 3 --write-plan "$WORK/pc.plan" --quiet
own0=$(sed -n "s|^dealsearch: $C/\(.*\): [0-9]* passages.*|\1|p" "$WORK/err.p3.0" | head -1)
sed -i '0,/[a-z]/s//X/' "$WORK/pc/$own0"
"$BIN" index --corpus "$WORK/pc" --index "$WORK/pc-1" --shards 3 --shard 1 --plan "$WORK/pc.plan" --quiet 2>"$WORK/err"
check "from a plan, a shard reads none of another shard's files" [ $? -eq 0 ]
plan_bad() { # NAME MESSAGE PART ARGS...: a part from a plan refused, nothing published
    local name=$1 msg=$2 part=$3; shift 3
    rm -rf "$WORK/pbad"
    bad "$name" "$msg" index --index "$WORK/pbad" --shard "$part" "$@"
    [ -e "$WORK/pbad/current" ] && not_ok "$name: nothing published" "$WORK/pbad/current exists"
}
plan_bad "--plan: a file of the shard changed since the plan: refused, naming it" \
    "'$WORK/pc/$own0' changed since plan '$WORK/pc.plan' was written" 0 \
    --corpus "$WORK/pc" --shards 3 --plan "$WORK/pc.plan"
plan_bad "--plan: the head finds the changed file too" "'$WORK/pc/$own0' changed since plan" head \
    --corpus "$WORK/pc" --shards 3 --plan "$WORK/pc.plan"
echo "more" >>"$WORK/pc/$own0"
plan_bad "--plan: a file whose size changed: refused by every part" "'$WORK/pc/$own0' changed size" 1 \
    --corpus "$WORK/pc" --shards 3 --plan "$WORK/pc.plan"
plan_bad "--plan: a file added since the plan: refused" "is not where the plan lists it" 0 \
    --corpus "$WORK/corpus2" --shards 3 --plan "$WORK/plan3"
plan_bad "--plan: a plan for another number of shards: refused" "plan '$WORK/plan2' is for 2 shards, not 3" 0 \
    --corpus "$C" --shards 3 --plan "$WORK/plan2"
{ cat "$C/synonyms.conf"; echo "stake, holding"; } >"$WORK/synonyms2.conf"
plan_bad "--plan: a plan written with other settings (synonyms): refused" "with other settings" 1 \
    --corpus "$C" --shards 3 --plan "$WORK/plan3" --synonyms "$WORK/synonyms2.conf"
plan_bad "--plan: no such plan" "cannot read plan '$WORK/nothing'" 0 \
    --corpus "$C" --shards 3 --plan "$WORK/nothing"
head -c $(($(wc -c <"$WORK/plan3") / 2)) "$WORK/plan3" >"$WORK/plan3.cut"
plan_bad "--plan: a truncated plan: refused as damaged" "plan '$WORK/plan3.cut' is damaged" 0 \
    --corpus "$C" --shards 3 --plan "$WORK/plan3.cut"
sed '9s/^p 0/p 7/' "$WORK/plan3" >"$WORK/plan3.bad"
plan_bad "--plan: an altered plan: refused as damaged" "plan '$WORK/plan3.bad' is damaged" 0 \
    --corpus "$C" --shards 3 --plan "$WORK/plan3.bad"
plan_bad "--plan: a file that is no plan: refused" "is damaged or not a plan" 2 \
    --corpus "$C" --shards 3 --plan "$C/synonyms.conf"
bad "--plan without --shard: refused" "--plan builds one part" \
    index --corpus "$C" --index "$WORK/pbad" --shards 3 --plan "$WORK/plan3"
bad "--write-plan without --shards: refused" "a plan is for a sharded index" \
    index --corpus "$C" --write-plan "$WORK/plan.x"
check "a refused plan writes nothing" [ ! -e "$WORK/plan.x" ]

# ---- servers ----
# serve DIR [PORT]: xapian-tcpsrv on a free loopback port (or PORT) for
# DIR; sets $port.
serve() {
    local dir=$1 try
    for try in 1 2 3 4 5 6 7 8; do
        port=${2:-$((20000 + RANDOM % 30000))}
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

layouts=(s1 s2 s3 join2.stub join3.stub plan2.stub plan3.stub)
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
        s3|mixed3.stub|join3.stub|plan3.stub) set -- "${variants[@]}"; ref=one.answers ;;
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
for l in s3 join3.stub tcp3.stub mixed3.stub; do
    check "a wildcard on $l: the same passages match" [ "$(passages "$WORK/$l" "acqui*")" = "$ref" ]
done

printf '1\tinterim CEO\n2\tScale AI investment Meta\n3\tFederal Trade Commission antitrust\n' >"$WORK/q.tsv"
"$BIN" run --index "$WORK/one" --queries "$WORK/q.tsv" --format trec >"$WORK/one.run" 2>&1
for l in s3 join3.stub tcp3.stub mixed3.stub prog2.stub; do
    "$BIN" run --index "$WORK/$l" --queries "$WORK/q.tsv" --format trec >"$WORK/$l.run" 2>&1
    if cmp -s "$WORK/one.run" "$WORK/$l.run"; then
        ok "run on $l: the same TREC run as one database (with feedback)"
    else
        not_ok "run on $l: the same TREC run" "$(diff "$WORK/one.run" "$WORK/$l.run" | head -5)"
    fi
done

# ---- updated in place ----
# A sharded index is updated in place (each new passage in the shard its
# file's name picks): it must answer as one database updated alike, but
# for the order of equal scores, which follows document numbers.
CU="$WORK/corpus-u"
cp -r "$C" "$CU"
# A long file: its passages' numbers in a shard are no runs, so its record
# is long (filerec.h).
for i in $(seq 300); do printf 'Paragraph %d of a long wire story on merger talks.\n\n' "$i"; done >"$CU/long.txt"
for l in one s2 s3; do
    "$BIN" index --corpus "$CU" --index "$WORK/u-$l" --shards "${l#s}" -q 2>/dev/null ||
        "$BIN" index --corpus "$CU" --index "$WORK/u-$l" -q
done
sed -i 's/interim CEO/interim chief executive/' "$CU/001_5f9e68b6a499abb5.txt"
mv "$CU/003_608c90960be708b7.txt" "$CU/renamed.txt"
# (a near-copy taking the place of the one removed: the average passage
# length stays within the 1 % an update allows)
sed 's/ the / a /' "$CU/wire/wire1.txt" >"$CU/wire/wire9.txt"
rm "$CU/wire/wire1.txt"
for l in one s2 s3; do
    out=$("$BIN" index --corpus "$CU" --index "$WORK/u-$l" 2>&1)
    check "u-$l updated in place: $out" \
        eval 'grep -q "^1 added, 1 changed, 1 removed, 1 renamed;" <<<"$out"'
done
# An update killed between the commits of the head and of a shard leaves
# the generation unsealed: the next update builds it whole.
cp -r "$WORK/u-s3" "$WORK/u-s3k"
printf 'dealsearch-manifest 2 open\n' >"$(readlink -f "$WORK/u-s3k/current")/dealsearch-manifest"
"$BIN" check --index "$WORK/u-s3k" >"$WORK/check" 2>&1
check "check: an unsealed sharded index is out of date (exit $?)" grep -q "interrupted" "$WORK/check"
out=$("$BIN" index --corpus "$CU" --index "$WORK/u-s3k" 2>&1)
check "an interrupted update of a sharded index: the next builds it whole" \
    grep -q "^built whole (an update of its shards was interrupted)" <<<"$out"
unordered() { # INDEX: the queries' totals and hits, equal scores in any order
    local q
    for q in "${queries[@]}" "interim chief executive"; do
        "$BIN" --index "$1" --json -n 50 -- "$q" 2>&1 |
            jq -c '[.total, ([.results[] | [.score, .source, .passage, .also]] | sort)]'
    done
}
unordered "$WORK/u-one" >"$WORK/u-one.hits"
for l in s2 s3; do
    unordered "$WORK/u-$l" >"$WORK/u-$l.hits"
    if cmp -s "$WORK/u-one.hits" "$WORK/u-$l.hits" && grep -q '^\[[1-9]' "$WORK/u-one.hits"; then
        ok "u-$l: updated, the same hits and scores as one database updated alike"
    else
        not_ok "u-$l: the same hits as one database" "$(diff "$WORK/u-one.hits" "$WORK/u-$l.hits" | head -5)"
    fi
done
"$BIN" check --index "$WORK/u-s3" >"$WORK/check" 2>&1
check "dealsearch check: the updated sharded index is sound and current" \
    grep -q "u-s3: ok$" "$WORK/check"

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

# ---- a running serve follows a stub's databases ----
# serve checks what a stub's databases became at most once a second
# (src/follow.h): every request made a second or more after a change is
# in place must be answered from the new databases, by the same server
# process, whichever of its threads answers (each has a searcher of its
# own).  A remote shard rebuilt behind a head that did not change is
# found by a new connection, at most every PROBE s (DEALSEARCH_FOLLOW
# sets it lower here than its 30 s): within PROBE + 1 s.  The index f
# keeps changesets, for its replicas.
FOLLOW=1
PROBE=2
F="$WORK/fcorpus"
cp -r "$C" "$F"
update_f() { XAPIAN_MAX_CHANGESETS=10 "$BIN" index --corpus "$F" --index "$WORK/f" --shards 2 -q "$@"; }
update_f
# A word of the corpus, each time another, becomes a new one in the
# first file holding it: passage lengths stay as they were, so an update
# is made in place (a new article would move the average length enough
# for this small corpus to be built whole).
replaced=(executive spotlight valuation annotation leadership regulators investors antitrust)
words=0
add_word() { # sets $word
    local old=${replaced[$words]} file
    words=$((words + 1))
    word="zorbulation$words"
    file=$(grep -rlw "$old" "$F" | sort | head -1)
    sed -i "0,/\b$old\b/s//$word/" "$file"
}
total() { curl -s "http://$addr/api/search?q=$1" | jq -r .total; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
follows() { # NAME WORD [BOUND_S]: serve ($spid), asked from now on, finds
            # WORD every time from BOUND_S on (and when first: said)
    local bound=$((${3:-$FOLLOW} * 1000)) start first="" i answers=""
    start=$(now_ms)
    while [ $(($(now_ms) - start)) -le "$bound" ]; do
        if [ "$(total "$2")" = 1 ]; then first=$(($(now_ms) - start)); break; fi
        sleep 0.05
    done
    sleep "$(awk -v l=$((start + bound + 50 - $(now_ms))) 'BEGIN { print (l > 0 ? l : 0) / 1000 }')"
    for i in 1 2 3 4 5 6; do answers+="$(total "$2") "; done
    if [ "$answers" = "1 1 1 1 1 1 " ] && kill -0 "$spid" 2>/dev/null; then
        ok "$1 (bound $bound ms${first:+; first answered in $first ms})"
    else
        not_ok "$1" "first: '$first' ms; after $bound ms: $answers" "$(tail -2 "$WORK/serve.out")"
    fi
}
follow_serve() { # INDEX OPTIONS...: serve_start (THREADS threads, 1 by
                 # default: the one that answers follows), the new word
                 # not there yet
    serve_start "$@" --threads "${THREADS:-1}"
    PIDS+=("$spid")
    local i warm=()
    for i in 1 2 3 4 5 6; do total warm >/dev/null & warm+=($!); done
    wait "${warm[@]}" # requests at once: each thread opens its searcher
    add_word
    [ "$(total "$word")" = 0 ]
}
stop_serve() { kill "$spid"; wait "$spid" 2>/dev/null; }

# A local stub through `current`, as an operator writes one; two threads.
printf 'auto f/current/head\nauto f/current/shard-0\nauto f/current/shard-1\n' >"$WORK/flocal.stub"
THREADS=2 follow_serve "$WORK/flocal.stub"
check "serve on a local stub: the new word is not there yet" [ $? -eq 0 ]
gen=$(readlink "$WORK/f/current")
update_f
check "the sharded index is updated in place (the same generation)" [ "$(readlink "$WORK/f/current")" = "$gen" ]
follows "serve (2 threads) on a local stub follows an update in place, not restarted" "$word"
add_word
update_f --rebuild
follows "serve (2 threads) on a local stub follows a rebuild (a new generation)" "$word"
fresh=$(serve_json "$WORK/flocal.stub")
check "serve on a local stub: after following, the answer of a server started afresh" \
    [ "$(curl -s "http://$addr/api/search?q=Scale+AI&limit=20&all=1" | jq -c 'del(.took_ms)')" = "$fresh" ]
stop_serve

# Shards behind xapian-tcpsrv serving the index's current/shard-K: each
# new connection opens the new generation's shard.
serve "$WORK/f/current/shard-0" && p0=$port && serve "$WORK/f/current/shard-1" && p1=$port
printf 'auto f/current/head\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$p0" "$p1" >"$WORK/fcur.stub"
follow_serve "$WORK/fcur.stub"
check "serve, shards behind xapian-tcpsrv on current/shard-K: not there yet" [ $? -eq 0 ]
update_f --rebuild
follows "serve, shards behind xapian-tcpsrv on current/shard-K, follows a rebuild" "$word"
stop_serve

# Shards behind xapian-tcpsrv on a generation's own shards: after a
# rebuild the operator restarts them on the new ones (same ports).
gen=$(readlink -f "$WORK/f/current")
serve "$gen/shard-0" && p0=$port && g0=$(eval echo "\$PID_$port") &&
    serve "$gen/shard-1" && p1=$port && g1=$(eval echo "\$PID_$port")
printf 'auto f/current/head\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$p0" "$p1" >"$WORK/fgen.stub"
follow_serve "$WORK/fgen.stub"
check "serve, shards behind xapian-tcpsrv on gen-N/shard-K: not there yet" [ $? -eq 0 ]
update_f --rebuild
gen=$(readlink -f "$WORK/f/current")
kill -- "-$g0" "-$g1"; wait "$g0" "$g1" 2>/dev/null
serve "$gen/shard-0" "$p0" && serve "$gen/shard-1" "$p1"
check "xapian-tcpsrv restarted on the new generation's shards, same ports" [ $? -eq 0 ]
follows "serve follows the restarted shards and the new head" "$word"
stop_serve

# Parts built on their own (--shard), each served from its own current:
# a part rebuilt is a new database at the same revision (1), which the
# server's reopen() does not see; the head is not rebuilt.
for p in head 0 1; do "$BIN" index --corpus "$F" --index "$WORK/fp-$p" --shards 2 --shard "$p" -q; done
serve "$WORK/fp-0/current" && p0=$port && serve "$WORK/fp-1/current" && p1=$port
printf 'auto fp-head/current\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$p0" "$p1" >"$WORK/fparts.stub"
DEALSEARCH_FOLLOW=1,$PROBE follow_serve "$WORK/fparts.stub"
check "serve, parts behind xapian-tcpsrv on their own current: not there yet" [ $? -eq 0 ]
for p in 0 1; do "$BIN" index --corpus "$F" --index "$WORK/fp-$p" --shards 2 --shard "$p" -q; done
follows "serve follows parts rebuilt behind a head that did not change (a new connection every ${PROBE} s)" \
    "$word" $((PROBE + FOLLOW))
stop_serve

# Read replicas of the shards behind xapian-tcpsrv: an update or a
# rebuild switches the head at once, the replicas later.  An update
# reaches them as changesets, applied in place: the servers' reopen()
# reports them, on the same connections.  A rebuild reaches them as full
# copies: xapian-replicate then removes the old copy, which the servers'
# reopen() reports as an error, and serve connects again.
if command -v xapian-replicate-server >/dev/null && command -v xapian-replicate >/dev/null; then
    for try in 1 2 3 4 5 6 7 8; do
        rport=$((20000 + RANDOM % 30000))
        setsid xapian-replicate-server -I 127.0.0.1 -p "$rport" "$WORK" >"$WORK/rserver.log" 2>&1 &
        rpid=$!
        sleep 0.3
        kill -0 "$rpid" 2>/dev/null && break
    done
    PIDS+=("$rpid")
    replicate() { # bring replica-K up to date with shard K of f, once
        xapian-replicate -h 127.0.0.1 -p "$rport" -m "f/current/shard-$1" -o -v "$WORK/replica-$1" 2>&1
    }
    replicate 0 >/dev/null && replicate 1 >/dev/null
    serve "$WORK/replica-0" && p0=$port && serve "$WORK/replica-1" && p1=$port
    connections() { cat "$WORK/tcpsrv.$p0" "$WORK/tcpsrv.$p1" | grep -c "^Connection from"; }
    printf 'auto f/current/head\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$p0" "$p1" >"$WORK/freplica.stub"
    follow_serve "$WORK/freplica.stub"
    check "serve over replicas of the shards: not there yet" [ $? -eq 0 ]
    update_f
    sleep 1.2
    check "after an update, the new head is served with the old replicas (the word is in no shard yet)" \
        [ "$(total "$word")" = 0 ]
    before=$(connections)
    out=$(replicate 0; replicate 1)
    check "the replicas receive changesets: one shard changed, one not" \
        eval '[ "$(grep -c "0 copies, 1 changesets" <<<"$out")" -eq 1 ] && [ "$(grep -c "0 copies, 0 changesets" <<<"$out")" -eq 1 ]'
    follows "serve follows the replicas' changesets" "$word"
    check "... on the connections it had ($before connections to the servers before, $(connections) after)" \
        [ "$(connections)" -eq "$before" ]
    add_word
    update_f --rebuild
    sleep 1.2
    check "after a rebuild, the new head is served with the old replicas" [ "$(total "$word")" = 0 ]
    out=$(replicate 0; replicate 1)
    check "the replicas receive full copies" [ "$(grep -c "1 copies, 0 changesets" <<<"$out")" -eq 2 ]
    follows "serve follows replicas switched to full copies after the head" "$word"
    stop_serve
else
    ok "# SKIP serve over replicas: xapian-replicate(-server) is missing"
fi

# A change that cannot be opened: the old databases answer, one line on
# stderr for it (several checks); once fixed, followed.  One thread: a
# thread that has opened nothing yet would answer 503 (test_server.c has
# the line told once by several threads).
THREADS=1 follow_serve "$WORK/flocal.stub"
cp "$WORK/flocal.stub" "$WORK/flocal.good"
echo "bogus line" >>"$WORK/flocal.stub"
codes=""
for i in 1 2 3 4 5; do # at least two checks
    codes+=$(curl -s -o /dev/null -w '%{http_code} ' "http://$addr/api/search?q=interim+CEO")
    sleep 0.35
done
check "a stub that cannot be opened: the previous databases answer ($codes)" \
    [ "$codes" = "200 200 200 200 200 " ]
check "... and it is said once on stderr, naming the line" \
    eval '[ "$(grep -c "still searching the previous index" "$WORK/serve.out")" -eq 1 ] && grep -q "flocal.stub:4" "$WORK/serve.out"'
update_f
cp "$WORK/flocal.good" "$WORK/flocal.stub"
follows "the stub fixed: serve follows it and the update" "$word"
stop_serve

finish
