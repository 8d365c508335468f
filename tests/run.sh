#!/usr/bin/env bash
# Run the whole suite: unit tests and end-to-end tests on the normal build,
# the same again on the AddressSanitizer + UBSan build, and a warning-free
# clang build.  Every test prints TAP; the last line sums them up as
# "N passed, N failed" and the exit status is non-zero on any failure.
#
# Called by `make test`, which builds build/ and build/asan/ first.
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
log=$(mktemp)
failures=$(mktemp)
trap 'rm -f "$log" "$failures"' EXIT

# tally LABEL COMMAND...: run a TAP-printing command, echo its lines
# prefixed with LABEL, and count them.  A command that exits non-zero
# without reporting a failure (a crash, a sanitizer report) counts as one.
tally() {
    local label=$1; shift
    "$@" >"$log" 2>&1
    local rc=$?
    local ok bad
    ok=$(grep -c '^ok ' "$log")
    bad=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "not ok - exited with status $rc" >>"$log"
        bad=1
    fi
    sed "s#^#[$label] #" "$log" | grep -Ev '^\[[^]]*\] (ok |1\.\.|# ok)' || true
    grep '^not ok ' "$log" | sed "s#^#[$label] #" >>"$failures"
    passed=$((passed + ok))
    failed=$((failed + bad))
    echo "$label: $ok passed, $bad failed"
}

export CMOCKA_MESSAGE_OUTPUT=TAP
# new_delete_type_mismatch=0: libxapian 1.4.22's own Database::check()
# deletes one of its objects through the wrong type (inside the library,
# not in code we build); every other ASan check stays on.
export ASAN_OPTIONS=detect_leaks=1:new_delete_type_mismatch=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98

for build in build build/asan; do
    for t in "$build"/tests/test_*; do
        case $t in *.o|*.d) continue ;; esac
        tally "$build/$(basename "$t")" "$t"
    done
    tally "$build/e2e" env DS_BIN="$build/dealsearch" tests/e2e.sh
    tally "$build/server" env DS_BIN="$build/dealsearch" tests/server.sh
done

# Shards, local and behind xapian-tcpsrv / xapian-progsrv, against one
# database, and failing (skipped, saying so, without xapian-tools).
tally "build/shards" env DS_BIN=build/dealsearch tests/shards.sh
# Read replicas through xapian-replicate-server / xapian-replicate.
tally "build/replicas" env DS_BIN=build/dealsearch tests/replicas.sh

tally "build/eval" env EVAL_BIN=build/bench/eval tests/eval/test_eval.sh

# Every saved fuzzer input and crasher, replayed (seconds).
tally "fuzz-replay" tests/fuzz/run.sh replay
tally "fuzz-replay server" env FUZZ_TARGETS=fuzz_server tests/fuzz/run.sh replay

# The page in headless Chromium (Debian's), when it is installed: `make
# browser-deps` (and CI) install it with the tests' npm packages.
if command -v chromium >/dev/null; then
    tally "browser" tests/browser/run.sh build/dealsearch
else
    echo "browser: skipped, chromium is not installed (make browser-deps)"
fi

# Reliability, lighter than 'make reliability': fewer kills and searches.
tally "kill_rebuild" env TRIALS=8 KILL_FILES=50 tests/reliability/kill_rebuild.sh
tally "kill_rebuild --jobs 2" env TRIALS=8 KILL_FILES=50 INDEX_ARGS="--jobs 2" \
    tests/reliability/kill_rebuild.sh
tally "concurrent_search" env SEARCHES=400 tests/reliability/concurrent_search.sh
tally "two_rebuilds" tests/reliability/two_rebuilds.sh
tally "kill_update" env TRIALS=8 UPD_FILES=40 SEARCHES=60 tests/reliability/kill_update.sh
tally "kill_update --shards 2" env TRIALS=8 UPD_FILES=40 SEARCHES=60 INDEX_ARGS="--shards 2" \
    tests/reliability/kill_update.sh
tally "damaged_index" tests/reliability/damaged_index.sh
tally "asan/damaged_index" env DS_BIN=build/asan/dealsearch tests/reliability/damaged_index.sh

# gcc built everything above with -Werror; clang must agree.
clang_build() {
    if make --no-print-directory BUILD=build/clang CC=clang CXX=clang++ \
        build/clang/dealsearch >/dev/null 2>build/clang.log; then
        echo "ok 1 - builds warning-free with clang"
    else
        echo "not ok 1 - builds warning-free with clang"
        sed 's/^/#   /' build/clang.log | head -20
    fi
}
if command -v clang >/dev/null; then tally clang clang_build; fi

# make install, then a program built against the installed library with
# pkg-config alone (tests/example/search.c): it indexes the demo corpus
# and searches it, linked to the shared library and to the static one.
install_check() {
    local dest n=0
    dest=$(mktemp -d)
    report() {
        n=$((n + 1))
        if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
    }
    make --no-print-directory install PREFIX="$dest" >/dev/null &&
        "$dest/bin/dealsearch" --version >/dev/null
    report $? "make install PREFIX=... installs a working binary"
    local files="bin/dealsearch include/dealsearch.h lib/libdealsearch.a
                 lib/libdealsearch.so lib/pkgconfig/dealsearch.pc
                 share/man/man1/dealsearch.1
                 share/bash-completion/completions/dealsearch"
    local missing=0 f
    for f in $files; do [ -e "$dest/$f" ] || missing=1; done
    report $missing "it installs the header, both libraries, dealsearch.pc, the man page and the bash completion"
    export PKG_CONFIG_PATH="$dest/lib/pkgconfig"
    cc -std=c11 -pedantic -Wall -Wextra -Werror tests/example/search.c \
        $(pkg-config --cflags --libs dealsearch) -o "$dest/example" &&
        LD_LIBRARY_PATH="$dest/lib" "$dest/example" corpus "$dest/a.index" \
            "interim CEO" >"$dest/out" &&
        grep -q "^001_5f9e68b6a499abb5.txt 5 " "$dest/out"
    report $? "a program built with pkg-config --libs dealsearch searches"
    cc -std=c11 -pedantic -Wall -Wextra -Werror -static-libgcc \
        tests/example/search.c $(pkg-config --cflags dealsearch) \
        -o "$dest/example-static" "$dest/lib/libdealsearch.a" \
        $(pkg-config --static --libs-only-other --libs-only-l dealsearch |
          sed 's/-ldealsearch//') &&
        "$dest/example-static" corpus "$dest/b.index" "interim CEO" |
        grep -q "^001_5f9e68b6a499abb5.txt 5 "
    report $? "the same program linked to libdealsearch.a searches"
    unset PKG_CONFIG_PATH
    rm -rf "$dest"
}
tally install install_check

# The failures again, just above the summary, where a log's tail shows them.
if [ -s "$failures" ]; then
    echo "failed:"
    cat "$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
