#!/usr/bin/env bash
# Read replicas kept by Xapian's replication (xapian-replicate-server on
# the master's index folder, xapian-replicate on the replica's machine),
# on loopback: a replica answers as the master does; an update in place
# (written with XAPIAN_MAX_CHANGESETS) reaches it as a changeset, and it
# answers the new text within BOUND seconds; a rebuild (a new generation)
# is sent as a full copy; the shards of a sharded index replicate one by
# one and a stub over the replicas answers as the master, also after an
# update in place (changesets of the parts it changed).  Prints TAP.
#
#   DS_BIN=build/dealsearch tests/replicas.sh
# TAP helpers, BIN and WORK (removed on exit) from the reliability lib.
. "$(dirname "$0")/reliability/lib.sh"
BOUND=5 # seconds: the replica polls every second (-i 1)
PIDS=() # servers in sessions of their own (setsid): their groups are killed
cleanup() {
    for p in "${PIDS[@]}"; do
        kill -- "-$p" 2>/dev/null; kill "$p" 2>/dev/null; wait "$p" 2>/dev/null
    done
    rm -rf "$WORK"
}

if ! command -v xapian-replicate-server >/dev/null || ! command -v xapian-replicate >/dev/null; then
    echo "1..0 # SKIP xapian-replicate(-server) is missing (Debian's xapian-tools: make test-deps)"
    exit 0
fi

C="$WORK/corpus"
mkdir -p "$C"
cp corpus/*.txt corpus/synonyms.conf "$C/"
# Changesets are kept only by a writer that is told to keep them.
export XAPIAN_MAX_CHANGESETS=10
"$BIN" index --corpus "$C" --index "$WORK/master" -q
check "the master builds" [ $? -eq 0 ]

# The replication server on loopback, serving the index folders below
# $WORK: a replica names "master/current" (what the master serves).
for try in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 30000))
    setsid xapian-replicate-server -I 127.0.0.1 -p "$port" "$WORK" >"$WORK/server.log" 2>&1 &
    spid=$!
    sleep 0.3
    kill -0 "$spid" 2>/dev/null && break
done
PIDS+=("$spid")
replicate() { # MASTER REPLICA [OPTIONS]: one update of REPLICA
    local m=$1 r=$2; shift 2
    xapian-replicate -h 127.0.0.1 -p "$port" -m "$m" -o -v "$@" "$WORK/$r" 2>&1
}

queries=("interim CEO" "Scale AI" "\"Federal Trade Commission\"" "Droge"
         "investmnt" "stake date:2025-06-01..2025-06-30" "title:regain")
answers() { # INDEX: the queries' JSON answers
    local q
    for q in "${queries[@]}"; do "$BIN" --index "$1" --json -- "$q" 2>&1; echo "exit $?"; done
}
same_answers() { # INDEX: the master's answers?
    cmp -s <(answers "$WORK/master") <(answers "$1")
}

out=$(replicate master/current replica)
check "a first replication sends a full copy: $(tail -1 <<<"$out")" \
    grep -q "1 copies, 0 changesets" <<<"$out"
check "the replica answers as the master (${#queries[@]} queries)" same_answers "$WORK/replica"

# An update in place: a changeset, applied by a replica polling each second.
xapian-replicate -h 127.0.0.1 -p "$port" -m master/current -i 1 -r 0 -v \
    "$WORK/replica" >"$WORK/replicate.log" 2>&1 &
PIDS+=($!)
sleep 1.5
sed -i 's/interim CEO/interim chief wombat/' "$C/001_5f9e68b6a499abb5.txt"
out=$("$BIN" index --corpus "$C" --index "$WORK/master")
check "the master updates in place: $out" grep -q "1 changed" <<<"$out"
start=$(date +%s%N)
seen=0
for i in $(seq $((BOUND * 20))); do
    total=$("$BIN" --index "$WORK/replica" --json wombat 2>/dev/null | jq -r .total)
    if [ "$total" = 1 ]; then seen=1; break; fi
    sleep 0.05
done
ms=$((($(date +%s%N) - start) / 1000000))
check "the replica answers the update within ${BOUND} s (${ms} ms)" [ "$seen" -eq 1 ]
check "the update travelled as a changeset" grep -q "0 copies, 1 changesets" "$WORK/replicate.log"
check "the replica answers as the master after the update" same_answers "$WORK/replica"

# A rebuild publishes a new generation: a new database, sent whole.
"$BIN" index --corpus "$C" --index "$WORK/master" --rebuild -q
for i in $(seq $((BOUND * 20))); do
    grep -q "1 copies, 0 changesets" <(sed 1,/"0 copies, 1 changesets"/d "$WORK/replicate.log") && break
    sleep 0.05
done
check "a rebuild reaches the replica as a full copy" \
    grep -q "1 copies, 0 changesets" <(sed 1,/"0 copies, 1 changesets"/d "$WORK/replicate.log")
sleep 0.2
check "the replica answers as the rebuilt master" same_answers "$WORK/replica"

# A sharded index: its head and each shard replicated, a stub over them.
"$BIN" index --corpus "$C" --index "$WORK/sharded" --shards 2 -q
for part in head shard-0 shard-1; do replicate "sharded/current/$part" "r-$part" >/dev/null; done
printf 'auto r-head\nauto r-shard-0\nauto r-shard-1\n' >"$WORK/replicas.stub"
check "a stub over the shards' replicas answers as one database" \
    cmp -s <(answers "$WORK/master") <(answers "$WORK/replicas.stub")

# An update of the sharded index is made in place too: the head and the
# edited file's shard each send a changeset, nothing is copied whole.
sed -i 's/interim chief wombat/interim chief aardvark/' "$C/001_5f9e68b6a499abb5.txt"
"$BIN" index --corpus "$C" --index "$WORK/master" -q
out=$("$BIN" index --corpus "$C" --index "$WORK/sharded")
check "the sharded master updates in place: $out" grep -q "^1 changed" <<<"$out"
logs=""
for part in head shard-0 shard-1; do
    logs+="$part: $(replicate "sharded/current/$part" "r-$part" | tail -1)"$'\n'
done
check "the head's update travels as a changeset" grep -q "^head: .*0 copies, 1 changesets" <<<"$logs"
check "one shard's update travels as a changeset, the other has none" \
    eval '[ "$(grep -c "shard-.*0 copies, 1 changesets" <<<"$logs")" = 1 ] &&
          [ "$(grep -c "shard-.*0 copies, 0 changesets" <<<"$logs")" = 1 ]'
check "no part is copied whole" eval '! grep -q "[1-9] copies" <<<"$logs"'
check "the stub over the replicas answers as the updated master" \
    cmp -s <(answers "$WORK/master") <(answers "$WORK/replicas.stub")

finish
