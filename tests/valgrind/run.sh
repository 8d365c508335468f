#!/usr/bin/env bash
# `make valgrind`: the end-to-end tests with dealsearch under valgrind
# memcheck; fails on any test failure, memory error or definite leak.
set -u
cd "$(dirname "$0")/../.."
logs=$(mktemp -d "${TMPDIR:-/tmp}/dealsearch-valgrind-XXXXXX")
trap 'rm -rf "$logs"' EXIT
DS_VALGRIND_LOGS=$logs DS_BIN=tests/valgrind/dealsearch tests/e2e.sh >"$logs/tap"
rc=$?
grep '^not ok' "$logs/tap"
runs=$(ls "$logs"/valgrind.*.log | wc -l)
bad=$(grep -l -E 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]' "$logs"/valgrind.*.log)
for f in $bad; do echo "== $f"; cat "$f"; done
passed=$(grep -c '^ok' "$logs/tap")
echo "valgrind: $runs runs of dealsearch, $(echo "$bad" | grep -c .) with errors or leaks"
echo "$passed passed, $(grep -c '^not ok' "$logs/tap") failed"
[ "$rc" -eq 0 ] && [ -z "$bad" ]
