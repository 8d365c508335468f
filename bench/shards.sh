#!/usr/bin/env bash
# bench/shards.sh — sharded indexes (issue 19): build time and query
# latency / throughput of one database, 1, 2 and 4 local shards, 2 and 4
# shards built as one process per part from a plan written once (`index
# --write-plan`, then `index --shard K --plan`, joined), and 2
# shards behind xapian-tcpsrv on loopback, on a corpus and on a corpus 4x
# larger made of the same files (four copies, in four folders).
#
#   bench/shards.sh DEALSEARCH DS_PEER CORPUS DATA_DIR QUERIES [REPS] [SIZES]
#
# DEALSEARCH builds (`index --plain`, as the other benchmarks index the
# gcide corpus), DS_PEER times the queries through the library (`ds_peer
# query INDEX QUERIES nosnip REPS`: ds_search, top 10, passages decoded).
# Per query the median of REPS runs (default 5); over the queries p50,
# p99 and the throughput of one client (queries / the sum of the
# medians).  Also each index's size, and the wall time of `dealsearch
# index` updating it after 1 % of the files changed (a word added to a
# paragraph of every hundredth file; parts built alone are rebuilt whole,
# so not for them).  SIZES: "1 4" (default) or "1".  Indexes go to
# DATA_DIR (bench/data/shards), kept between runs only for the 4x corpus
# copy.  Every index is built from a hard-linked copy of its corpus
# (the edits replace files, leaving the originals as they were).
# Prints a table; nothing here is a pass/fail test.
set -eu
DS=$1 PEER=$2 CORPUS=$3 DATA=$4 QUERIES=$5 REPS=${6:-5} SIZES=${7:-1 4}
mkdir -p "$DATA"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The 4x corpus: hard links where the file system allows, else copies.
corpus_of() {
    local size=$1
    if [ "$size" = 1 ]; then echo "$CORPUS"; return; fi
    local dir="$DATA/corpus-${size}x"
    if [ ! -f "$dir/.stamp" ]; then
        rm -rf "$dir"
        for k in $(seq "$size"); do
            mkdir -p "$dir/copy$k"
            cp -l "$CORPUS"/*.txt "$dir/copy$k/" 2>/dev/null || cp "$CORPUS"/*.txt "$dir/copy$k/"
        done
        touch "$dir/.stamp"
    fi
    echo "$dir"
}

# live CORPUS: a hard-linked copy of CORPUS whose files an update may
# replace (restore puts the originals back)
live() {
    local dir="$DATA/live"
    rm -rf "$dir"
    cp -rl "$1" "$dir" 2>/dev/null || cp -r "$1" "$dir"
    echo "$dir"
}
restore() { # ORIGINAL LIVE
    local f
    while read -r f; do ln -f "$1/$f" "$2/$f" 2>/dev/null || cp "$1/$f" "$2/$f"; done <"$DATA/edited"
}

# update ORIGINAL LIVE INDEX: wall seconds of `dealsearch index` after
# every hundredth file of LIVE changed; LIVE is then restored
update() {
    local orig=$1 dir=$2 index=$3 t0 t1
    (cd "$dir" && find . -name '*.txt' | sort | awk 'NR % 100 == 50') >"$DATA/edited"
    while read -r f; do sed -i '5s/$/ quokka/' "$dir/$f"; done <"$DATA/edited"
    t0=$(date +%s%N)
    "$DS" index --plain --corpus "$dir" --index "$index" --quiet
    t1=$(date +%s%N)
    restore "$orig" "$dir"
    awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}

# megabytes INDEX: the size of its files
megabytes() { du -sbL "$1" | awk '{ printf "%.0f", $1 / 1e6 }'; }

# build CORPUS INDEX [--shards N]: wall seconds of a whole build
build() {
    local corpus=$1 index=$2; shift 2
    rm -rf "$index"
    local t0 t1
    t0=$(date +%s%N)
    "$DS" index --plain --corpus "$corpus" --index "$index" --quiet "$@"
    t1=$(date +%s%N)
    awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}

# build_parts CORPUS DIR N: wall seconds of a plan written once (`index
# --write-plan`: the first pass), then the head and N shards built from it
# as N+1 processes at once (`index --shard K --plan`), then joined into
# DIR.stub
build_parts() {
    local corpus=$1 dir=$2 n=$3 p pids=()
    rm -rf "$dir" "$dir.stub"
    mkdir -p "$dir"
    local t0 t1
    t0=$(date +%s%N)
    "$DS" index --plain --corpus "$corpus" --quiet --shards "$n" \
        --write-plan "$dir/plan"
    for p in head $(seq 0 $((n - 1))); do
        "$DS" index --plain --corpus "$corpus" --index "$dir/$p" --quiet \
            --shards "$n" --shard "$p" --plan "$dir/plan" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    # shellcheck disable=SC2046
    "$DS" join --index "$dir.stub" $(for p in head $(seq 0 $((n - 1))); do echo "$dir/$p"; done)
    t1=$(date +%s%N)
    awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}

# latency INDEX: "p50_ms p99_ms qps" over the queries' medians
latency() {
    "$PEER" query "$1" "$QUERIES" nosnip "$REPS" |
        awk '/^Q / { n = split($5, t, ",")
                     for (i = 2; i <= n; i++)   # insertion sort (mawk)
                         for (j = i; j > 1 && t[j - 1] > t[j]; j--) {
                             x = t[j]; t[j] = t[j - 1]; t[j - 1] = x }
                     print t[int((n + 1) / 2)] }' |
        sort -n | awk '{ m[++q] = $1; sum += $1 }
            END { p50 = m[int(q * 0.50 + 0.5)]; p99 = m[int(q * 0.99 + 0.5)]
                  printf "%.3f %.3f %.0f\n", p50 / 1e6, p99 / 1e6, q / (sum / 1e9) }'
}

# tcp_stub GEN STUB: the head local, every shard behind xapian-tcpsrv
tcp_stub() {
    local gen=$1 stub=$2 k=0
    echo "auto $gen/head" >"$stub"
    for shard in "$gen"/shard-*; do
        local port log
        for try in 1 2 3 4 5 6 7 8; do
            port=$((20000 + RANDOM % 30000))
            log="$DATA/tcpsrv.$port"
            setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$shard" >"$log" 2>&1 &
            local pid=$!
            for i in $(seq 50); do grep -q Listening "$log" 2>/dev/null && break; sleep 0.1; done
            if grep -q Listening "$log"; then PIDS+=("$pid"); break; fi
            kill "$pid" 2>/dev/null || true
        done
        echo "remote 127.0.0.1:$port" >>"$stub"
        k=$((k + 1))
    done
}

printf 'SHARDS — %s queries, median of %s runs each; build: `index --plain`, wall\n' \
    "$(grep -vc '^#' "$QUERIES")" "$REPS"
printf '%-8s %-22s %9s %7s %9s %9s %9s %9s\n' corpus layout "build s" MB "update s" \
    "p50 ms" "p99 ms" "q/s"
for size in $SIZES; do
    original=$(corpus_of "$size")
    corpus=$(live "$original")
    label="${size}x"
    for layout in one 1 2 4 2p 4p tcp2; do
        index="$DATA/idx-$label-$layout"
        case $layout in
            one) secs=$(build "$corpus" "$index" --shards 0); where=$index
                 name="one database" ;;
            2p|4p) n=${layout%p}
                   secs=$(build_parts "$corpus" "$index" "$n"); where=$index.stub
                   name="$n shards, $((n + 1)) procs" ;;
            tcp2) secs="-"; gen=$(readlink -f "$DATA/idx-$label-2/current")
                  tcp_stub "$gen" "$DATA/tcp2.stub"; where="$DATA/tcp2.stub"
                  name="2 shards, xapian-tcpsrv" ;;
            *) secs=$(build "$corpus" "$index" --shards "$layout"); where=$index
               name="$layout shard$([ "$layout" = 1 ] || echo s), local" ;;
        esac
        mb=-
        [ "$layout" = tcp2 ] || mb=$(megabytes "$index")
        read -r p50 p99 qps < <(latency "$where")
        case $layout in
            2p|4p|tcp2) upd=- ;;
            *) upd=$(update "$original" "$corpus" "$index") ;;
        esac
        printf '%-8s %-22s %9s %7s %9s %9s %9s %9s\n' "$label" "$name" "$secs" "$mb" "$upd" \
            "$p50" "$p99" "$qps"
    done
    cleanup
    PIDS=()
    rm -rf "$DATA"/idx-"$label"-*
done
