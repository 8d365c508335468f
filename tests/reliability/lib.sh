# tests/reliability/lib.sh — shared by the reliability scripts (sourced).
#
# Sets BIN (from $DS_BIN, default build/dealsearch, made absolute), ROOT
# (the project), WORK (a fresh temporary directory, removed on exit, with
# every background job of the script killed first), and provides TAP
# helpers and a deterministic corpus generator.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
BIN=$(realpath "${DS_BIN:-build/dealsearch}" 2>/dev/null || true)
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "Bail out! no dealsearch binary at '${DS_BIN:-build/dealsearch}' (make first)"
    exit 2
fi
command -v jq >/dev/null || { echo "Bail out! jq is required"; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dealsearch-rel-XXXXXX")
cleanup() {
    local pids
    pids=$(jobs -p)
    [ -n "$pids" ] && kill $pids 2>/dev/null && wait $pids 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Run a private copy: a `make` elsewhere replacing the binary mid-test
# must not change what is being tested.
cp "$BIN" "$WORK/dealsearch" || { echo "Bail out! cannot copy $BIN"; exit 2; }
BIN_ORIG=$BIN
BIN="$WORK/dealsearch"
echo "# testing $BIN_ORIG ($("$BIN" --version 2>&1 | head -1))"

# Sanitizer builds: report to stderr with a recognisable exit status, and
# ignore the one ASan report that is libxapian's own (see tests/run.sh).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:new_delete_type_mismatch=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0}

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ $# -gt 1 ] && printf '#   %s\n' "${@:2}"
    return 0
}
diag() { printf '# %s\n' "$@"; }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}
finish() {
    echo "1..$n"
    [ "$failed" -eq 0 ]
}

# A sanitizer or a signal: what must never happen, whatever the input.
is_crash() { # RC STDERR-FILE
    [ "$1" -ge 97 ] || grep -qE 'Sanitizer|runtime error:' "$2" 2>/dev/null
}

# gen_corpus DIR FILES PARAGRAPHS [SEED]: write FILES articles of
# PARAGRAPHS one-line paragraphs each (about 420 bytes a paragraph) of
# words drawn from the demo corpus, with a title line.  Deterministic for
# a given seed (and awk).  Every 7th paragraph of every 3rd file holds the
# marker word "quokka", so the query "quokka" has a known, stable answer.
gen_corpus() {
    local dir=$1 files=$2 paras=$3 seed=${4:-42}
    mkdir -p "$dir"
    cat "$ROOT"/corpus/*.txt | tr -cs 'A-Za-z' '\n' | awk 'length($0) > 2' |
        LC_ALL=C sort -u >"$WORK/.words"
    awk -v dir="$dir" -v files="$files" -v paras="$paras" -v seed="$seed" '
        { w[n++] = $0 }
        END {
            srand(seed)
            for (f = 1; f <= files; f++) {
                out = sprintf("%s/article-%05d.txt", dir, f)
                printf "Generated Report Number %d On Markets\n\n", f > out
                for (p = 1; p <= paras; p++) {
                    line = ""
                    len = 50 + int(rand() * 30)
                    for (i = 0; i < len; i++) {
                        word = w[int(rand() * n)]
                        if (i == 0) word = toupper(substr(word, 1, 1)) substr(word, 2)
                        line = line (i ? " " : "") word
                    }
                    if (f % 3 == 0 && p % 7 == 0) line = line " quokka"
                    printf "%s paragraph %d.\n\n", line, p > out
                }
                close(out)
            }
        }' "$WORK/.words"
}

# results_of CORPUS INDEX QUERY: sets $res to the [source, passage] list
# of the query's first 1000 results (one compact JSON line), $ds_rc to
# dealsearch's exit status; its stderr is in $WORK/.stderr.
results_of() {
    local out
    out=$("$BIN" --corpus "$1" --index "$2" --json -n 1000 "$3" 2>"$WORK/.stderr")
    ds_rc=$?
    res=$(jq -c '[.results[] | [.source, .passage]]' <<<"$out" 2>/dev/null)
}

# Generation directories left in INDEX (gen-*), and those besides the
# served one and the one before it.
generations() { (cd "$1" && ls -d gen-* 2>/dev/null | LC_ALL=C sort); }

# lock_holder FILE: the pid holding a flock() on FILE, from /proc/locks,
# without touching the lock ("" when none).
lock_holder() {
    local inode
    inode=$(stat -c %i "$1" 2>/dev/null) || return 0
    awk -v ino="$inode" '$2 == "FLOCK" { n = split($6, f, ":"); if (f[n] == ino) { print $5; exit } }' /proc/locks
}
