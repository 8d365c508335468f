#!/usr/bin/env bash
# End-to-end tests of the dealsearch binary on the demo corpus and on
# crafted bad input.  Prints TAP ("ok N - name" / "not ok N - name").
#
#   DS_BIN=build/dealsearch tests/e2e.sh
set -u
cd "$(dirname "$0")/.."
BIN=$(realpath "${DS_BIN:-build/dealsearch}")
CORPUS=$(realpath corpus)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dealsearch-e2e-XXXXXX")
trap 'mountpoint -q "$WORK/ro" 2>/dev/null && umount "$WORK/ro"; rm -rf "$WORK"' EXIT
INDEX="$WORK/demo.index"
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ $# -gt 1 ] && printf '#   %s\n' "${@:2}"
    return 0
}
# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# ds ARGS...: run dealsearch on the demo corpus; sets $out, $err, $rc.
ds() {
    out=$("$BIN" --corpus "$CORPUS" --index "$INDEX" "$@" 2>"$WORK/stderr")
    rc=$?
    err=$(cat "$WORK/stderr")
}
# dsx CORPUS INDEX ARGS...: the same on another corpus and index.
dsx() {
    local c=$1 i=$2; shift 2
    out=$("$BIN" --corpus "$c" --index "$i" "$@" 2>"$WORK/stderr")
    rc=$?
    err=$(cat "$WORK/stderr")
}
one_line_error() { [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [ -n "$err" ]; }
has() { grep -qF -- "$1" <<<"$2"; }

# ---- building and the first search ----
ds "interim CEO"
check "first search builds the index with one notice" \
    eval '[ $rc -eq 0 ] && grep -q "building it" <<<"$err" && grep -q "indexed 5 files" <<<"$err"'

ds index --rebuild
check "index prints one summary line: files, passages, terms, bytes, seconds" \
    eval '[ $rc -eq 0 ] && [ $(wc -l <<<"$out") -eq 1 ] && grep -Eq "^indexed 5 files \(17\.6 kB\) into [0-9]+ passages \(0 near-copy groups\), [0-9]+ distinct terms; index [0-9.]+ [kM]B; [0-9.]+ s$" <<<"$out"'

# ---- the promised answers ----
# The two Droege passages share his name and the query's words but no
# other word: names alone do not make the same fact (on real news they
# joined different facts: bench/RELEVANCE.md, "The same fact"), so both
# are shown, first and second.
ds --json "interim CEO"
top2=$(jq -r '.results[0:2][] | "\(.source) \(.passage) \(.also | length)"' <<<"$out" | sort | tr '\n' ' ')
check "interim CEO: the two Droege passages rank 1 and 2, neither folded" \
    [ "$top2" = "001_5f9e68b6a499abb5.txt 5 0 004_5fc44690a5b3815a.txt 2 0 " ]
ds --json --all "interim CEO"
top2=$(jq -r '.results[0:2][] | "\(.source) \(.passage)"' <<<"$out" | sort | tr '\n' ' ')
check "interim CEO --all: the two Droege passages rank 1 and 2" \
    [ "$top2" = "001_5f9e68b6a499abb5.txt 5 004_5fc44690a5b3815a.txt 2 " ]
ds --json "49% stake"
check "49% stake: one result, reported by every source that states it" \
    eval 'jq -e ".total == 1 and ([.results[0].source, .results[0].also[].source] | unique | length) == 5 and ([.results[0].also[].sentence | test(\"49%\")] | all)" <<<"$out" >/dev/null'
ds "49% stake"
also=$(grep -o 'also reported in: .*' <<<"$out")
shown=$(grep -o -m1 'corpus/[0-9a-f_]*\.txt' <<<"$out")
check "human output lists the other sources of a fact" \
    [ "$(grep -o 'corpus/[0-9a-f_]*\.txt ¶[0-9]*' <<<"$also" | wc -l)" -eq 4 -a \
      "$( (echo "$shown"; grep -o 'corpus/[0-9a-f_]*\.txt' <<<"$also") | sort -u | wc -l)" -eq 5 ]
ds --json --all "49% stake"
check "--all shows every passage stating a fact" \
    eval 'jq -e ".total == 5 and ([.results[].also | length] | add) == 0" <<<"$out" >/dev/null'
ds --json -n 50 Wang
check "Wang: passages sharing a name but reporting other things stay apart" \
    eval 'jq -e ".total >= 20 and (.results | length) >= 20" <<<"$out" >/dev/null'

ds interim CEO
words=$out
ds "interim CEO"
check "words after the options form one query" [ "$words" = "$out" ]

ds "interim CEO"
check "human output: rank, source, passage number, score, text, count" \
    eval 'grep -q "^1\. corpus/001_5f9e68b6a499abb5.txt ¶5  line 5, score [0-9.]*$" <<<"$out" && grep -q "Jason Droege, a former Uber" <<<"$out" && [ "$(tail -n1 <<<"$out")" = "2 matches" ]'
check "piped output has no escape sequences" eval '! grep -q $'"'"'\e'"'"' <<<"$out"'

ds --color=always "interim CEO"
check "--color=always highlights matched words in bold" has $'\e[1mCEO\e[0m' "$out"
ds --color=always CEOs
check "highlighting finds stemmed forms (CEOs highlights CEO)" has $'\e[1mCEO\e[0m' "$out"
if command -v script >/dev/null; then
    tty_out=$(script -qec "'$BIN' --corpus '$CORPUS' --index '$INDEX' 'interim CEO'" /dev/null)
    check "--color=auto highlights on a terminal" has $'\e[1m' "$tty_out"
    tty_out=$(NO_COLOR=1 script -qec "'$BIN' --corpus '$CORPUS' --index '$INDEX' 'interim CEO'" /dev/null)
    check "NO_COLOR turns off highlighting on a terminal" eval '! has $'"'"'\e[1m'"'"' "$tty_out"'
    tty_out=$(script -qec "'$BIN' --color=never --corpus '$CORPUS' --index '$INDEX' 'interim CEO'" /dev/null)
    check "--color=never turns off highlighting on a terminal" eval '! has $'"'"'\e[1m'"'"' "$tty_out"'
fi

# ---- query syntax ----
# count QUERY: how many passages match (--all: every one listed).
count() { ds --json --all --limit 1000 "$@"; jq '.results | length' <<<"$out"; }
check "phrase: \"Federal Trade Commission\" matches 3 passages" [ "$(count '"Federal Trade Commission"')" -eq 3 ]
check "phrase: words out of order do not match" [ "$(count '"Commission Federal Trade"')" -eq 0 ]
check "AND narrows, OR widens" [ "$(count 'Droege AND Uber')" -lt "$(count 'Droege OR Uber')" ]
check "NOT and - exclude" [ "$(count 'Droege NOT Uber')" -eq "$(count 'Droege -Uber')" ]
check "+ requires" [ "$(count '+Droege interim')" -eq "$(count 'Droege')" ]
ds --json --all --limit 1000 'Droege NEAR CEO'
check "NEAR: every hit has the words within 10 words of each other" \
    eval 'jq -e "(.results | length) >= 2 and ([.results[].text | test(\"Droege(\\\\W+\\\\w+){0,10}?\\\\W+(CEO|chief executive)|(CEO|chief executive)(\\\\W+\\\\w+){0,10}?\\\\W+Droege\"; \"i\")] | all)" <<<"$out" >/dev/null'
check "trailing * wildcard expands" [ "$(count 'acqui*')" -gt "$(count 'acquire')" ]
ds --json "stake source:003_608c90960be708b7"
check "source: filter keeps only that file" \
    eval '[ "$(jq -c "[.results[].source] | unique" <<<"$out")" = "[\"003_608c90960be708b7.txt\"]" ]'
# Each is searched as words (exit 0 with results, 1 without), never an
# error: at most notices on stderr saying what is searched.
for q in 'AND|0' '"interim CEO|0' 'Alice & Bob|1' 'C++|1' 'OR OR NOT|1' \
         '(interim|0' 'CEO)|0' 'title:|1' 'NEAR|1'; do
    want=${q##*|}; q=${q%|*}
    ds "$q"
    check "invalid syntax is not an error: $q (exit $want)" \
        eval '[ $rc -eq $want ] && ! grep -v "is searched as" <<<"$err" | grep -q .'
done
ds AND
check "a lone AND searches for the word, and says so on stderr" \
    eval '[ $rc -eq 0 ] && has "'"'"'AND'"'"' has nothing to apply to: the query is searched as plain words" "$err"'
# NEAR and ADJ between a phrase and a word, as the user meant them.
ds --json --limit 1000 '"interim CEO" NEAR Droege'
check "NEAR takes a phrase: every hit holds the phrase and the word" \
    eval 'jq -e "(.results | length) >= 1 and ([.results[].text | test(\"interim CEO\") and test(\"Droege\")] | all) and (.notices | length) == 0" <<<"$out" >/dev/null'
check "NEAR over a run of words means the same as over the phrase" \
    [ "$(count 'interim CEO NEAR Droege')" -eq "$(count '"interim CEO" NEAR Droege')" ]
check "ADJ keeps the order: Droege before the phrase, never after" \
    [ "$(count 'Droege ADJ "interim CEO"')" -ge 1 ] && [ "$(count '"interim CEO" ADJ Droege')" -eq 0 ]
# Two NEARs over runs of words that share words: the first is honoured,
# the second said to be searched as plain words (it once copied a
# negative length: a memory error, or a hang).
ds --json 'interim CEO NEAR/3 Droege Scale NEAR/5 Meta'
check "NEAR chains sharing words: the first honoured, the second told" \
    eval '[ $rc -le 1 ] && jq -e "(.notices | length) == 1 and (.notices[0] | test(\"NEAR/5\"))" <<<"$out" >/dev/null'
# What cannot be honoured is searched as words, with a notice that says so.
ds '*stake'
check "a leading wildcard: a notice on stderr naming it, the word searched" \
    eval '[ $rc -eq 0 ] && has "'"'"'*stake'"'"' is searched as '"'"'stake'"'"'" "$err"'
ds --json 'interim AND'
check "a dangling operator: a notice in JSON notices" \
    eval 'jq -e ".notices | length == 1 and (.[0] | test(\"AND\"))" <<<"$out" >/dev/null'
ds 'date:26-FEB-1987 stake'
check "a date: value that is not a date: one error naming it as typed, exit 2" \
    eval 'one_line_error && has "date:26-FEB-1987" "$err"'
ds --json 'date:2025-06-13 Meta'
check "date: with one date finds that day's passages" \
    eval 'jq -e "(.results | length) >= 1 and ([.results[].date == \"2025-06-13\"] | all)" <<<"$out" >/dev/null'

# ---- JSON ----
json_ok=1
for q in "interim CEO" "Meta's stake" "acqui*" 'no such thing zzyzx' '"\\ \" / tab	x'; do
    ds --json "$q"
    jq -e '.query and (.total|type=="number") and (.results|type=="array")' <<<"$out" >/dev/null || json_ok=0
done
check "--json output parses for every query (jq)" [ "$json_ok" -eq 1 ]
ds --json "interim CEO"
# spans_text RESULT FIELD SPANS: the bytes each [start, end) span covers.
spans_text() {
    local text span s e
    text=$(jq -r ".results[$1].$2" <<<"$out")
    for span in $(jq -r ".results[$1].$3[] | \"\\(.[0]):\\(.[1])\"" <<<"$out"); do
        s=${span%:*}; e=${span#*:}
        printf '%s ' "$(printf '%s' "$text" | head -c "$e" | tail -c $((e - s)))"
    done
}
check "JSON text_highlights are byte offsets of the matched words" \
    [ "$(spans_text 0 text text_highlights)" = "interim CEO " ]
ds --json --all "interim CEO"
check "JSON snippet_highlights are byte offsets into the snippet" \
    [ "$(spans_text 1 snippet snippet_highlights)" = "interim CEO " ]

# ---- options ----
ds --json --limit 2 Meta
check "--limit caps results" [ "$(jq '.results|length' <<<"$out")" -eq 2 ]

# ---- counts: true, and the same whatever the page ----
totals=""
for page in "-n 0" "-n 1" "-n 3" "-n 10" "-n 1000" "--offset 5 -n 2" "--offset 999"; do
    ds --json $page Meta
    totals="$totals $(jq -c '[.total, .total_exact]' <<<"$out")"
done
check "the total does not move with -n or --offset (demo)" \
    [ "$(tr ' ' '\n' <<<"$totals" | sort -u | grep -c .)" -eq 1 ]
ds --json --limit 1000 Meta
check "a small total is exact and counts the results" \
    eval 'jq -e ".total_exact and .total == (.results | length)" <<<"$out" >/dev/null'
ds -n 0 Meta
check "-n 0 prints only the count, exit 0" eval '[ $rc -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -Eq "^[0-9]+ matches$" <<<"$out"'
ds --offset 999 Meta
check "an offset past the end says so, with the total, exit 0" \
    eval '[ $rc -eq 0 ] && grep -Eq "^no results on this page \([0-9]+ in all\)$" <<<"$out"'
# More matches than are counted exactly: an estimate, the same for every page.
mkdir -p "$WORK/many"
for f in $(seq 1 40); do
    for p in $(seq 1 30); do
        if [ $((p % 2)) -eq 0 ]; then echo "Paragraph $p of file $f mentions alpha and beta together."
        else echo "Paragraph $p of file $f mentions only alpha here."; fi
        echo
    done >"$WORK/many/f$f.txt"
done
totals=""
for page in "-n 0" "-n 1" "-n 10" "--offset 20 -n 5"; do
    dsx "$WORK/many" "$WORK/many.index" --json $page "alpha beta"
    totals="$totals $(jq -c '[.total, .total_exact]' <<<"$out")"
done
check "a large total does not move with the page either" \
    [ "$(tr ' ' '\n' <<<"$totals" | sort -u | grep -c .)" -eq 1 ]
est=$(jq .total <<<"$out")
check "a large total is an estimate within 10% of the 600 matches" \
    eval 'jq -e ".total_exact == false" <<<"$out" >/dev/null && [ "$est" -ge 540 ] && [ "$est" -le 660 ]'
dsx "$WORK/many" "$WORK/many.index" -n 3 "alpha beta"
check "human output calls an estimate 'about'" has "of about $est matches" "$out"
first_at_offset=$(ds --json --offset 1 --limit 1 Meta; jq -r '.results[0] | "\(.source)\(.passage)"' <<<"$out")
second=$(ds --json --limit 2 Meta; jq -r '.results[1] | "\(.source)\(.passage)"' <<<"$out")
check "--offset skips results" [ "$first_at_offset" = "$second" ]
ds "Character.AI"
check "long passages are shown as a snippet with …" has "…" "$out"
ds --full "Character.AI"
check "--full shows the whole passage" eval '! has "…" "$out"'
ds --help
check "--help prints usage and exits 0" eval '[ $rc -eq 0 ] && grep -q "^usage: dealsearch" <<<"$out"'
ds --version
check "--version exits 0" eval '[ $rc -eq 0 ] && grep -q "^dealsearch [0-9]" <<<"$out"'

# ---- exit codes ----
ds zzyzxnothing
check "no results: exit 1 and '0 matches'" eval '[ $rc -eq 1 ] && [ "$out" = "0 matches" ]'
ds --bogus x
check "unknown option: exit 2, one line" one_line_error
ds --limit abc x
check "bad --limit: exit 2, one line" one_line_error

# ---- the command line's options (a table: each says where it applies) ----
ds --limit
check "an option without its value: exit 2, one line" eval 'one_line_error && has "--limit needs a value" "$err"'
ds --color
check "--color without a value: exit 2, one line" one_line_error
"$BIN" run --index "$INDEX" --queries >/dev/null 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
check "run --queries without a value: exit 2, one line" one_line_error
dsx "$CORPUS" "$WORK/syn.index" index --synonyms
check "index --synonyms without a value: exit 2, one line, nothing built" \
    eval 'one_line_error && has "--synonyms needs a value" "$err" && [ ! -e "$WORK/syn.index" ]'
dsx "$CORPUS" "$WORK/syn.index" index --synonyms=
check "index --synonyms= (empty): exit 2, nothing built" \
    eval 'one_line_error && [ ! -e "$WORK/syn.index" ]'
ds --plain interim
check "an option that does not apply to searching: exit 2, one line" \
    eval 'one_line_error && has "--plain does not apply to searching" "$err"'
dsx "$CORPUS" "$WORK/na.index" index --limit 3
check "an option that does not apply to index: exit 2, nothing built" \
    eval 'one_line_error && has "does not apply to '"'"'dealsearch index'"'"'" "$err" && [ ! -e "$WORK/na.index" ]'
ds check --any
check "an option that does not apply to check: exit 2, one line" one_line_error
"$BIN" passages --index "$INDEX" corpus/000_33a34f6b5913d187.txt >/dev/null 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
check "an option that does not apply to passages: exit 2, one line" one_line_error
ds --index "$INDEX" -- --plain
check "after --, an option's name is a word of the query" eval '[ $rc -le 1 ] && [ -z "$err" ]'

# ---- output that cannot be written is an error, not a success ----
if [ -w /dev/full ]; then
    "$BIN" --corpus "$CORPUS" --index "$INDEX" "interim CEO" >/dev/full 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
    check "search with a full disk: exit 2, one line" eval 'one_line_error && has "writing output" "$err"'
    "$BIN" --help >/dev/full 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
    check "--help with a full disk: exit 2" one_line_error
    "$BIN" passages corpus/000_33a34f6b5913d187.txt >/dev/full 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
    check "passages with a full disk: exit 2" one_line_error
    "$BIN" --corpus "$CORPUS" --index "$INDEX" check >/dev/full 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
    check "check with a full disk: exit 2" one_line_error
fi

# ---- bad input ----
ds ""
check "empty query: exit 2, one line" one_line_error
ds "   "
check "blank query: exit 2, one line naming it" eval 'one_line_error && has "empty query" "$err"'
ds '?!?'
check "query without words: exit 2 naming the query" eval 'one_line_error && has "?!?" "$err"'
ds $'?\e\a?\n?'
check "an error message never echoes control characters" \
    eval 'one_line_error && ! grep -q $'"'"'[\e\a]'"'"' <<<"$err"'
ds 'meta XOR a* XOR meta OR ai'
check "an XOR query that crashes Xapian 1.4.22 is answered (fuzzer find)" eval '[ $rc -eq 0 ]'
ds --json 'meta XOR stake'
check "XOR still means either but not both" \
    eval 'jq -e "[.results[].text | (test(\"Meta\") != test(\"stake\"))] | all" <<<"$out" >/dev/null'
huge_query=$(head -c 100000 /dev/zero | tr '\0' 'x' | fold -w 9 | tr '\n' ' ')
ds --any "$huge_query Droege"
check "a 100,000-byte query is answered" [ "$rc" -eq 0 ]
chunk=$(head -c 100000 /dev/zero | tr '\0' 'y')
ds "$chunk" "$chunk" "$chunk"    # one argument may hold at most 128 KiB
check "a query over the 256 KiB limit: exit 2 naming the limit" eval 'one_line_error && has "the limit is 262144" "$err"'
long_query=$(for i in $(seq 1 10000); do printf 'word%d ' "$i"; done; printf Droege)
ds "$long_query"
check "10,000-word query is answered (no passage has them all)" [ "$rc" -eq 1 ]
ds --any "$long_query"
check "10,000-word query with --any finds Droege" [ "$rc" -eq 0 ]

dsx "$WORK/nonexistent" "$WORK/none.index" index
check "missing corpus directory: exit 2, one line naming it" \
    eval 'one_line_error && has nonexistent "$err"'
dsx "$WORK/nonexistent" "$WORK/none.index" "interim CEO"
check "missing index and no corpus: exit 2, one line naming both" \
    eval 'one_line_error && has nonexistent "$err" && has none.index "$err"'
mkdir -p "$WORK/empty"
dsx "$WORK/empty" "$WORK/empty.index" index
check "empty corpus directory: exit 2, one line naming it" \
    eval 'one_line_error && has "has no *.txt files" "$err"'

# A corpus of awkward files.
bad="$WORK/bad"
mkdir -p "$bad"
printf 'Good passage about zebras.\nA line with a bad \xff byte about giraffes.\nMore text on okapis.\n' >"$bad/latin.txt"
printf 'Text with a NUL \0 byte about walruses.\n' >"$bad/nul.txt"
: >"$bad/empty.txt"
ln -s "$WORK/missing-target.txt" "$bad/dangling.txt"
head -c 10000000 /dev/zero | tr '\0' 'x' | fold -w 9 | tr '\n' ' ' >"$bad/huge.txt"
printf ' needle\n' >>"$bad/huge.txt"
truncate -s 1G "$bad/gigabyte.txt"     # sparse: costs no disk
dsx "$bad" "$WORK/bad.index" index
check "a 1 GB file is skipped with a message naming the limit" \
    eval 'has "gigabyte.txt: 1073741824 bytes is over the 64 MiB file limit" "$err"'
rm -f "$bad/gigabyte.txt"
check "unreadable file is reported by name and skipped" has "dangling.txt" "$err"
check "invalid UTF-8 is reported as file:line" has "latin.txt:2: invalid UTF-8" "$err"
check "NUL bytes are reported as file:line" has "nul.txt:1:" "$err"
check "an unreadable file makes index exit 2 (like grep)" [ "$rc" -eq 2 ]
dsx "$bad" "$WORK/bad.index" giraffes
check "the rest of a file with invalid bytes is indexed" eval '[ $rc -eq 0 ] && has giraffes "$out"'
dsx "$bad" "$WORK/bad.index" walruses
check "text after a NUL byte is indexed" [ "$rc" -eq 0 ]
dsx "$bad" "$WORK/bad.index" needle
check "a single 10 MB line is indexed and searchable" [ "$rc" -eq 0 ]

# Damaged and foreign indexes.
mkdir -p "$WORK/foreign"
echo "precious" >"$WORK/foreign/notes.txt"
dsx "$CORPUS" "$WORK/foreign" "interim CEO"
check "foreign --index directory: search exits 2 saying so" \
    eval 'one_line_error && has "not a dealsearch index" "$err"'
dsx "$CORPUS" "$WORK/foreign" index
check "foreign --index directory is never written" \
    eval '[ $rc -eq 2 ] && [ "$(ls "$WORK/foreign")" = notes.txt ]'
cp -r "$INDEX" "$WORK/damaged.index"
gen=$(readlink "$WORK/damaged.index/current")
for f in "$WORK/damaged.index/$gen"/*; do yes garbage | head -c 4096 >"$f"; done
dsx "$CORPUS" "$WORK/damaged.index" "interim CEO"
check "garbled index: exit 2 with 'damaged' and how to rebuild" \
    eval 'one_line_error && has "damaged or not a dealsearch index" "$err" && has "run '"'"'dealsearch index'"'"'" "$err"'

cp -r "$INDEX" "$WORK/old.index"
gen=$(readlink "$WORK/old.index/current")
# A database of format 0 in place of the generation (xapian-metadata
# creates it: it cannot reopen ours for writing, which have no termlists).
rm -r "${WORK:?}/old.index/$gen"
xapian-metadata set "$WORK/old.index/$gen" dealsearch.format 0
dsx "$CORPUS" "$WORK/old.index" "interim CEO"
check "an index from another dealsearch version asks for a rebuild" \
    eval 'one_line_error && has "built by another version of dealsearch (format 0" "$err" && has "run '"'"'dealsearch index'"'"'" "$err"'

# Rebuilds keep the served index safe.
before=$(ds --json "interim CEO"; jq -c '[.results[] | [.source, .passage]]' <<<"$out")
dsx "$WORK/nonexistent" "$INDEX" index
after=$(ds --json "interim CEO"; jq -c '[.results[] | [.source, .passage]]' <<<"$out")
check "a failed rebuild leaves the previous index answering" [ "$before" = "$after" ]
if command -v flock >/dev/null; then
    flock "$INDEX/lock" -c "'$BIN' --corpus '$CORPUS' --index '$INDEX' index" >/dev/null 2>"$WORK/lockerr"
    lrc=$?
    check "a second concurrent rebuild is refused with exit 2" \
        eval '[ $lrc -eq 2 ] && grep -q "already rebuilding" "$WORK/lockerr"'
fi
DEALSEARCH_CORPUS="$CORPUS" DEALSEARCH_INDEX="$INDEX" "$BIN" "interim CEO" >/dev/null 2>&1
check "DEALSEARCH_CORPUS / DEALSEARCH_INDEX select corpus and index" [ $? -eq 0 ]

# ---- news-aware passages (rules in src/news_rules.conf) ----
for golden in tests/golden/*.passages; do
    name=$(basename "$golden" .passages)
    file=corpus/$name.txt
    [ -f "$file" ] || file=tests/crafted/$name.txt
    if diff -u "$golden" <("$BIN" passages "$file") >"$WORK/diff"; then
        ok "passages golden: $name"
    else
        not_ok "passages golden: $name" "$(head -20 "$WORK/diff")"
    fi
done
ds index --rebuild --verbose
check "index --verbose reports dropped lines per rule and file" \
    has "004_5fc44690a5b3815a.txt: 6 passages; dropped lines: newsletter 1, repeated 2, orphan-heading 1, date-only 5, comments 2" "$err"
for q in Zverev "crypto headlines" comments "Dec.02"; do
    ds "$q"
    check "boilerplate is not indexed: '$q' finds nothing" [ "$rc" -eq 1 ]
done
ds --json '"billion, with acquiring"'
check "a phrase across a broken line finds its passage" \
    [ "$(jq -r '.results[0] | "\(.source) \(.passage)"' <<<"$out")" = "004_5fc44690a5b3815a.txt 1" ]
ds --json "Learning from Rivals"
check "a heading's words find the paragraph under it first" \
    eval 'jq -e ".results[0] | .heading == \"Learning from Rivals\" and (.text | startswith(\"Meta’s strategy follows\"))" <<<"$out" >/dev/null'
ds --json --limit 3 "What is Scale AI?"
check "a question finds its Q&A passage in the top three" \
    eval 'jq -e "[.results[].text | startswith(\"Q: What is Scale AI? A:\")] | any" <<<"$out" >/dev/null'
ds --json "stake date:2025-06-13..2025-06-13"
check "date:FROM..TO keeps only passages of that date" \
    [ "$(jq -c '[.results[].source] | unique' <<<"$out")" = '["003_608c90960be708b7.txt"]' ]
ds --json "date:2025-06-12.."
check "date: with an open end" [ "$(jq -c '[.results[].date] | unique' <<<"$out")" = '["2025-06-13"]' ]
ds --json "title:regain"
check "title: searches article titles" \
    [ "$(jq -c '[.results[].source] | unique' <<<"$out")" = '["002_b908e78dd5fde446.txt"]' ]
ds --json "heading:rivals"
check "heading: searches headings" [ "$(jq '[.results[].heading] | unique | length' <<<"$out")" -eq 1 ]
ds --json "interim CEO"
check "JSON has title, date and heading (null when absent)" \
    eval 'jq -e ".results[0] | has(\"title\") and has(\"date\") and .heading == null" <<<"$out" >/dev/null'
ds --json "Learning from Rivals"
check "JSON carries the article title and heading" \
    eval 'jq -e ".results[0].title == \"Meta Invests \$15B in Scale AI to Regain AI Edge\"" <<<"$out" >/dev/null'
ds "Learning from Rivals"
check "human output shows title and heading above the passage" \
    eval 'has "    Meta Invests \$15B in Scale AI to Regain AI Edge" "$out" && has "    ▸ Learning from Rivals" "$out"'
ds --json "stake date:2025-06-13..2025-06-13"
check "human and JSON show the article date" eval 'jq -e ".results[0].date == \"2025-06-13\"" <<<"$out" >/dev/null'
curly=$(ds --json "Meta’s stake"; jq -c '[.results[] | [.source, .passage]]' <<<"$out")
plain=$(ds --json "Meta's stake"; jq -c '[.results[] | [.source, .passage]]' <<<"$out")
check "typographic variants match alike: Meta’s stake = Meta's stake" \
    eval '[ "$curly" = "$plain" ] && [ "$plain" != "[]" ]'
ds --json '“interim CEO”'
check "curly double quotes make a phrase" \
    [ "$(jq '[.results[] | 1 + (.also | length)] | add' <<<"$out")" -eq 2 ]
crafted=$(realpath tests/crafted)
dsx "$crafted" "$WORK/crafted.index" --json "datalabelling"
check "a soft hyphen does not split a word" [ "$(jq '.total' <<<"$out")" -eq 1 ]
dsx "$crafted" "$WORK/crafted.index" --json "\"company's largest\""
check "a left single quote used as apostrophe matches '" [ "$(jq '.total' <<<"$out")" -eq 1 ]
check "its display keeps the original characters" has "company‘s" "$(jq -r '.results[0].text' <<<"$out")"
dsx "$crafted" "$WORK/crafted.index" --json "ten widgets"
check "crafted: ALSO READ lines are not indexed" [ "$rc" -eq 1 ]
dsx "$crafted" "$WORK/crafted.index" --json "Roe chief executive"
check "crafted: Q&A answer found with its question" \
    eval 'jq -e ".results[0].text | startswith(\"Q: Who runs Widget Works? A:\")" <<<"$out" >/dev/null'
dsx "$crafted" "$WORK/crafted.index" --json "author:roe orders"
check "author: finds the byline's article; the hit names its author" \
    eval 'jq -e "(.results | length) >= 1 and ([.results[] | .source == \"webpage.txt\" and .author == \"Jane Roe\"] | all)" <<<"$out" >/dev/null'
dsx "$crafted" "$WORK/crafted.index" "author:roe orders"
check "the human output shows the author" has "by Jane Roe" "$out"
dsx "$crafted" "$WORK/crafted.index" --json "industry correspondent"
check "a byline is not a passage" [ "$rc" -eq 1 ]
"$BIN" passages "$WORK/no-such-file.txt" >/dev/null 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
check "passages on a missing file: exit 2, one line" one_line_error

# ---- search quality: spelling, synonyms, explain, near-copies ----
ds index >/dev/null
ds --json investmnt
check "a misspelt lower-case word is corrected: investmnt finds investment" \
    eval 'jq -e ".corrected_query == \"investment\" and .total > 0" <<<"$out" >/dev/null'
ds investmnt
check "the output says what was searched instead, and how not to" \
    has "showing results for: investment  (--exact searches the words as typed)" "$out"
ds --json --exact investmnt
check "--exact turns spelling correction off, and suggests instead" \
    eval '[ $rc -eq 1 ] && jq -e ".corrected_query == null and .suggestions[0].suggestion == \"investment\"" <<<"$out" >/dev/null'
ds --json Droge
check "a capitalised word (a name) is never replaced: Droge suggests Droege" \
    eval 'jq -ce ".corrected_query == null and .suggestions == [{\"word\":\"Droge\",\"suggestion\":\"Droege\",\"passages\":2}]" <<<"$out" >/dev/null'
check "... and finds Droege's passages as a typo of it" \
    eval '[ $rc -eq 0 ] && jq -ce "[.results[].typo] == [true, true] and .total_typo == 2" <<<"$out" >/dev/null'
ds --json --limit 50 "Alexander Wang"
check "typo tolerance: Alexander Wang also finds Alexandr Wang, after every exact match" \
    eval 'jq -e "([.results[].typo] | . == sort) and ([.results[] | select(.typo) | .text | test(\"Alexandr \")] | all) and ([.results[] | select(.typo | not)] | length) >= 1 and .typos == [{\"word\":\"alexander\",\"variants\":[\"alexandr\"]}]" <<<"$out" >/dev/null'
all_total=$(jq .total <<<"$out")
ds --json --limit 1 --offset 3 "Alexander Wang"
check "typo tolerance: the total does not move with the page" [ "$(jq .total <<<"$out")" -eq "$all_total" ]
ds "Alexander Wang"
check "the human output says where similar spellings begin" \
    eval 'has "similar spellings: alexander → alexandr" "$out" && has "by similar spellings)" "$out"'
ds --json --exact "Alexander Wang"
check "--exact: no typo variants" eval 'jq -e ".typos == [] and .total_typo == 0 and ([.results[].typo] | any | not)" <<<"$out" >/dev/null'
ds --explain "Alexander Wang"
check "--explain shows the typo variants used" has "typo variants, ranked after the words as written: alexander → alexandr" "$out"
ds --json Wang
check "no typo variants for words of 4 letters or fewer" eval 'jq -e ".typos == []" <<<"$out" >/dev/null'
ds Droge
check "the suggestion is shown with its passages" has "did you mean: Droege (2 passages)?" "$out"
ds --json "interim CEO"
check "a correctly spelt query is not corrected" eval 'jq -e ".corrected_query == null" <<<"$out" >/dev/null'
ds --json --limit 50 FTC
with=$(jq .total <<<"$out")
ds --json --limit 50 --no-synonyms FTC
without=$(jq .total <<<"$out")
check "synonyms: FTC also finds Federal Trade Commission" [ "$with" -gt "$without" ]
ds --json --limit 50 FTC
check "a multi-word synonym is highlighted whole" \
    eval 'jq -e "[.results[] | .text as \$t | .text_highlights[] | \$t[.[0]:.[1]]] | index(\"Federal Trade Commission\")" <<<"$out" >/dev/null'
# Two reports of one lawsuit, one naming the FTC, the other spelling it out
# after a sentence that does not.
syn="$WORK/syn"
mkdir -p "$syn"
printf 'FTC, Federal Trade Commission\n' >"$syn/synonyms.conf"
printf 'Acme Widgets sued\n\nAcme makes widgets in Ohio. The Federal Trade Commission sued Acme on Tuesday to block its merger with a rival widget maker.\n' >"$syn/a.txt"
printf 'Regulator sues Acme\n\nThe FTC sued Acme on Tuesday to block the merger of two rival widget makers.\n' >"$syn/b.txt"
dsx "$syn" "$WORK/syn.index" --json FTC
check "a passage found through a synonym's phrase states its fact in the phrase's sentence" \
    eval 'jq -e "[.results[].also[].sentence] == [\"The Federal Trade Commission sued Acme on Tuesday to block its merger with a rival widget maker\"]" <<<"$out" >/dev/null'
ds --json "chief executive"
check "synonyms: chief executive finds CEO" eval 'jq -e "[.results[].text | test(\"CEO\")] | any" <<<"$out" >/dev/null'
ds --json --limit 50 CEOs
ceos=$(jq .total <<<"$out")
ds --json --limit 50 --no-synonyms CEO
check "capitalised inflected words match: CEOs finds CEO" [ "$ceos" -ge "$(jq .total <<<"$out")" ]
ds --json --explain "interim CEO"
check "--explain: each hit's parts add up to its score" \
    eval 'jq -e "[.results[] | ((.explain | map(.weight) | add) - .score) | fabs < 0.001] | all" <<<"$out" >/dev/null'
check "--explain: the ranking model and its parameter are reported" eval 'jq -e ".ranking.model == \"IneB2\" and .ranking.c == 1" <<<"$out" >/dev/null'
check "--explain: the average passage length the index normalised with" \
    eval 'jq -e ".ranking.avg_length > 10 and .ranking.avg_length < 200" <<<"$out" >/dev/null'
ds --explain "What is Scale AI?"
check "--explain: human output shows the parsed query and stopwords" \
    eval 'has "query: " "$out" && has "stopwords left out: what is" "$out" && has "why: " "$out"'
nd=$(realpath tests/neardup)
dsx "$nd" "$WORK/nd.index" --json "Widget Works billion"
check "near-copies show once, with where else they were reported" \
    eval 'jq -e ".total == 1 and ([.results[0].also[] | {source, passage}] == [{\"source\": \"wire2.txt\", \"passage\": 1}]) and (.results[0].also[0].sentence | test(\"Widget Works\"))" <<<"$out" >/dev/null'
dsx "$nd" "$WORK/nd.index" "Widget Works billion"
check "human output says 'also reported in'" has "also reported in: tests/neardup/wire2.txt ¶1" "$out"
dsx "$nd" "$WORK/nd.index" --json --all "Widget Works billion"
check "--all lists every near-copy" [ "$(jq .total <<<"$out")" -eq 2 ]
dsx "$nd" "$WORK/nd.index" --json --limit 20 "Acme"
check "a passage on the same topic is not grouped" \
    eval 'jq -e "[.results[].source] | index(\"other.txt\")" <<<"$out" >/dev/null'

sp=$(realpath tests/spread)
dsx "$sp" "$WORK/spread.index" --json "Nakasone Reagan summit"
check "no passage has every word, an article has: its passages, those holding most of the words first" \
    eval 'jq -ce "([.results[] | [.source, .passage, .article]] | .[0] == [\"a.txt\",3,true] and (.[1:] | sort) == [[\"a.txt\",1,true],[\"a.txt\",2,true]]) and .spread_articles == 1 and .total == 3" <<<"$out" >/dev/null'
dsx "$sp" "$WORK/spread.index" "Nakasone Reagan summit"
check "the human output says the words are spread over an article" \
    has "1 article holds all the words, spread over title and passages:" "$out"
dsx "$sp" "$WORK/spread.index" --json "Nakasone Reagan semiconductors"
check "a passage holding every word leaves articles out" \
    eval 'jq -ce "[.results[].source] == [\"c.txt\"] and .spread_articles == 0" <<<"$out" >/dev/null'
dsx "$sp" "$WORK/spread.index" --json "Reagan semiconductors dollar"
check "no article holds every word: no results" eval '[ $rc -eq 1 ] && jq -e ".total == 0" <<<"$out" >/dev/null'
dsx "$sp" "$WORK/spread.index" --json "Venice Reagan"
check "words spread over an article and its title" eval 'jq -e ".spread_articles == 1" <<<"$out" >/dev/null'
dsx "$sp" "$WORK/spread.index" --json "Venice Reagan -Nakasone"
check "an excluded word is honoured: no article's passages stand in" \
    eval '[ $rc -eq 1 ] && jq -e ".spread_articles == 0" <<<"$out" >/dev/null'
dsx "$sp" "$WORK/spread.index" --json '"Nakasone arrived" Reagan'
check "a phrase is honoured: no article's passages stand in for it" \
    eval '[ $rc -eq 1 ] && jq -e ".spread_articles == 0" <<<"$out" >/dev/null'

# ---- dealsearch check ----
ds check
check "check: a fresh index is sound and current (exit 0)" eval '[ $rc -eq 0 ] && has "ok" "$(tail -n1 <<<"$out")"'
cp -r "$CORPUS" "$WORK/changed"
printf '\nA brand new paragraph about zebras.\n' >>"$WORK/changed/000_33a34f6b5913d187.txt"
dsx "$WORK/changed" "$INDEX" check
check "check: a changed corpus makes the index out of date (exit 1)" \
    eval '[ $rc -eq 1 ] && has "changed: 000_33a34f6b5913d187.txt" "$out"'
dsx "$CORPUS" "$WORK/damaged.index" check
check "check: a garbled index is damaged (exit 2)" eval '[ $rc -eq 2 ] && has "damaged" "$out"'
# The indexer's file-name rule holds for check too: a file whose name has
# a control character is skipped by both, so a fresh index is current.
mkdir -p "$WORK/ctl"
printf 'A paragraph about herons.\n' >"$WORK/ctl/good.txt"
printf 'A paragraph about egrets.\n' >"$WORK/ctl/bad"$'\001'"name.txt"
dsx "$WORK/ctl" "$WORK/ctl.index" index
check "a file name with a control character is skipped, named, exit 2" \
    eval '[ $rc -eq 2 ] && has "control characters" "$err"'
dsx "$WORK/ctl" "$WORK/ctl.index" check
check "check: that fresh index is current (exit 0)" eval '[ $rc -eq 0 ] && has "matches" "$out"'

# ---- parallel builds ----
"$BIN" index --jobs 2 --corpus "$CORPUS" --index "$WORK/jobs2.index" >"$WORK/out" 2>&1; rc=$?
check "index --jobs 2 builds two shards at once and merges them" \
    eval '[ $rc -eq 0 ] && grep -q "into 59 passages" "$WORK/out" && ! ls -d "$WORK/jobs2.index/current/"*/ 2>/dev/null'
same=yes
for q in "interim CEO" "scale ai" "invesment" '"chief executive"' "title:meta" "wang OR zuckerberg"; do
    diff <("$BIN" --corpus "$CORPUS" --index "$INDEX" --json --explain "$q") \
         <("$BIN" --corpus "$CORPUS" --index "$WORK/jobs2.index" --json --explain "$q") >/dev/null || same="no: $q"
done
check "a parallel build answers exactly as a serial one (ranks, scores, spelling)" [ "$same" = yes ]
dsx "$CORPUS" "$WORK/jobs2.index" check
check "check: a parallel build is sound and current" eval '[ $rc -eq 0 ]'
# A chain of near-copies: a ~ b and b ~ c, but a and c are too different.
# In corpus order b joins a's group and c joins it through b; a build that
# grouped in another order (c before b) would split them.
mkdir -p "$WORK/chain"
review="a formal review of the merger between the two chip makers, citing concerns about"
printf 'Brussels Opens Review\n\n%s.\n' "The regulators in Brussels said on Thursday that they would open $review rival bids and the fate of hundreds of factory workers" >"$WORK/chain/a.txt"
printf 'EU Review of Chip Merger\n\n%s.\n' "The regulators in Brussels said on Thursday that they would open $review prices for customers across the European market this year" >"$WORK/chain/b.txt"
printf 'Chip Deal Faces Scrutiny\n\n%s.\n' "Officials speaking to reporters late on Wednesday confirmed they might start $review prices for customers across the European market this year" >"$WORK/chain/c.txt"
printf 'Markets Today\n\n%s.\n' "Stocks rose broadly on Friday as investors weighed fresh data on inflation and hiring, with technology shares leading the gains" >"$WORK/chain/d.txt"
chain=""
for jobs in 1 2; do
    "$BIN" index --jobs $jobs --corpus "$WORK/chain" --index "$WORK/chain$jobs.index" >/dev/null 2>&1
    dsx "$WORK/chain" "$WORK/chain$jobs.index" --json "formal review merger"
    chain="$chain$(jq -c '[.results[] | [.source, ([.also[].source] | sort)]]' <<<"$out");"
done
check "near-copies are grouped alike by one shard and by two (a chain of copies is one group)" \
    [ "$chain" = '[["a.txt",["b.txt","c.txt"]]];[["a.txt",["b.txt","c.txt"]]];' ]
for bad in x 65 -1; do
    "$BIN" index --jobs "$bad" --corpus "$CORPUS" --index "$WORK/jobs-bad.index" >/dev/null 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
    check "index --jobs $bad is a usage error" eval 'one_line_error && has "--jobs" "$err"'
done

# ---- updates: only what changed ----
# Eight copies of the demo corpus: one file more or less then moves the
# average passage length by well under the 1% an update allows itself,
# and every passage has near-copies to keep grouped.
up="$WORK/up"
for copy in a b c d e f g h; do
    mkdir -p "$up/$copy" && cp "$CORPUS"/*.txt "$up/$copy/"
done
cp "$CORPUS/synonyms.conf" "$up/"
"$BIN" index --corpus "$up" --index "$WORK/up.index" >/dev/null 2>&1
dsx "$up" "$WORK/up.index" index
check "index with nothing changed: 'up to date', exit 0" \
    eval '[ $rc -eq 0 ] && grep -Eq "^up to date: no file added, changed or removed; 472 passages; index [0-9.]+ [kM]B; [0-9.]+ s$" <<<"$out"'
touch -d "2001-01-01" "$up/a/001_5f9e68b6a499abb5.txt"
dsx "$up" "$WORK/up.index" index
check "a touched but unchanged file is not read again" has "up to date" "$out"
sed -i 's/Jason Droege, a former Uber executive/Jason Droege, a onetime Uber quokka executive/' "$up/a/001_5f9e68b6a499abb5.txt"
mv "$up/b/002_b908e78dd5fde446.txt" "$up/moved.txt"
printf 'Zebra News\n\nA brand new paragraph about zebras and their stripes, and the savanna they roam, in the words of a keeper.\n' >"$up/zebra.txt"
rm "$up/c/003_608c90960be708b7.txt"
dsx "$up" "$WORK/up.index" check
check "check lists the files added, changed, removed and renamed, exit 1" \
    eval '[ $rc -eq 1 ] && has "added: zebra.txt" "$out" && has "changed: a/001_5f9e68b6a499abb5.txt" "$out" && has "removed: c/003_608c90960be708b7.txt" "$out" && has "renamed: b/002_b908e78dd5fde446.txt -> moved.txt" "$out"'
dsx "$up" "$WORK/up.index" index
check "an update summarises what changed, passages in and out" \
    eval '[ $rc -eq 0 ] && grep -Eq "^1 added, 1 changed, 1 removed, 1 renamed; [0-9]+ passages in, [0-9]+ out; [0-9]+ passages; index" <<<"$out"'
dsx "$up" "$WORK/up.index" --json quokka
check "the changed passage is found by its new words" \
    eval '[ $rc -eq 0 ] && jq -e ".results[0].source == \"a/001_5f9e68b6a499abb5.txt\"" <<<"$out" >/dev/null'
dsx "$up" "$WORK/up.index" --json "Learning from Rivals"
check "a renamed file's passages carry its new name" \
    eval '[ $rc -eq 0 ] && jq -e "[.results[] | .source, .also[].source] | index(\"moved.txt\") != null and index(\"b/002_b908e78dd5fde446.txt\") == null" <<<"$out" >/dev/null'
dsx "$up" "$WORK/up.index" check
check "check: the updated index is sound and current (exit 0)" eval '[ $rc -eq 0 ]'
same=yes
"$BIN" index --rebuild --corpus "$up" --index "$WORK/up-fresh.index" >/dev/null 2>&1
# (Which copy shows a group may differ — copies tie, and the updated index
# is normalised with the average it was built with, within 1% of the
# fresh one's — so a group is compared as the set of its sources.)
for q in "interim CEO" "zebras" "quokka" "Meta investment" "title:meta" "wang OR zuckerberg"; do
    a=$("$BIN" --corpus "$up" --index "$WORK/up.index" --json -n 500 "$q" | jq -c '[.total, ([.results[] | [.passage, .line, ([.source, .also[].source] | sort)]] | sort)]')
    b=$("$BIN" --corpus "$up" --index "$WORK/up-fresh.index" --json -n 500 "$q" | jq -c '[.total, ([.results[] | [.passage, .line, ([.source, .also[].source] | sort)]] | sort)]')
    [ "$a" = "$b" ] || same="no: $q"
done
check "an updated index finds what a fresh build does, near-copies grouped alike" [ "$same" = yes ]
printf 'chief executive, CEO, boss\n' >"$WORK/other-synonyms.conf"
dsx "$up" "$WORK/up.index" index --synonyms "$WORK/other-synonyms.conf"
check "a changed synonyms file forces a whole build and says why" \
    eval '[ $rc -eq 0 ] && grep -q "^built whole (the synonyms changed): indexed" <<<"$out"'
check "a build leaves one generation once no one reads the old one" \
    [ "$(ls -d "$WORK/up.index"/gen-* | wc -l)" -eq 1 ]
dsx "$up" "$WORK/up.index" index --plain
check "another reader forces a whole build and says why" \
    eval '[ $rc -eq 0 ] && has "built whole (the reader changed)" "$out"'
# An index an older dealsearch built, as format 10 left it: no termlist
# table (Xapian cannot open it for writing) and a file list without the
# header of today's.
"$BIN" index --corpus "$CORPUS" --index "$WORK/old.index" >/dev/null 2>&1
xapian-metadata set "$WORK/old.index/current" dealsearch.format 10
rm "$WORK/old.index/current/termlist.glass"
printf 'iamglass 109 1796212690 188374662\nend 1\n' >"$WORK/old.index/current/dealsearch-manifest"
dsx "$CORPUS" "$WORK/old.index" "interim CEO"
check "an older dealsearch's index is refused as such, not called damaged (exit 2)" \
    eval 'one_line_error && has "built by another version of dealsearch (format 10" "$err"'
dsx "$CORPUS" "$WORK/old.index" index
check "an older dealsearch's index is built whole by 'index', saying why" \
    eval '[ $rc -eq 0 ] && has "built whole (the index format changed)" "$out"'
dsx "$CORPUS" "$WORK/old.index" "interim CEO"
check "and is searched after it" [ "$rc" -eq 0 ]

# ---- watch ----
# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s; 0 once it succeeds.
wait_for() {
    local t=$1 i; shift
    for i in $(seq 1 $((t * 10))); do "$@" && return 0; sleep 0.1; done
    return 1
}
searchable() { "$BIN" --corpus "$WORK/w" --index "$WORK/w.index" -n 0 "$1" >/dev/null 2>&1; }
lines_of() { [ "$(wc -l <"$1")" -ge "$2" ]; }
mkdir -p "$WORK/w" && cp "$CORPUS"/*.txt "$WORK/w/"
"$BIN" watch --corpus "$WORK/w" --index "$WORK/w.index" >"$WORK/watch.out" 2>"$WORK/watch.err" &
watcher=$!
wait_for 20 lines_of "$WORK/watch.out" 1
printf 'Heron News\n\nA paragraph about herons wading in the marsh at dawn.\n' >"$WORK/w/heron.txt"
start=$(date +%s%N)
wait_for 10 searchable herons; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "watch: a saved article becomes searchable (here after $ms ms)" [ "$rc" -eq 0 ]
wait_for 10 lines_of "$WORK/watch.out" 2
before=$(wc -l <"$WORK/watch.out")
for i in 1 2 3 4 5; do printf 'Burst %d\n\nA burst of egrets number %d.\n' $i $i >"$WORK/w/burst$i.txt"; done
wait_for 10 searchable "egrets"
sleep 1
check "watch: a burst of changes is one update" [ "$(( $(wc -l <"$WORK/watch.out") - before ))" -eq 1 ]
kill -TERM "$watcher"; wait "$watcher"; rc=$?
check "watch: SIGTERM stops it cleanly (exit 0, nothing on stderr)" eval '[ $rc -eq 0 ] && [ ! -s "$WORK/watch.err" ]'
"$BIN" watch --corpus "$WORK/w" --index "$WORK/w.index" >/dev/null 2>"$WORK/watch.err" &
watcher=$!
sleep 1
kill -INT "$watcher"; wait "$watcher"; rc=$?
check "watch: SIGINT stops it cleanly (exit 0)" [ "$rc" -eq 0 ]
"$BIN" watch --corpus "$WORK/w" --index "$WORK/w.index" >/dev/null 2>"$WORK/watch.err" &
watcher=$!
sleep 1
mv "$WORK/w" "$WORK/w-moved"
wait_for 10 eval '! kill -0 $watcher 2>/dev/null'
wait "$watcher"; rc=$?; err=$(cat "$WORK/watch.err")
check "watch: the folder moved away ends it with one line, exit 2" \
    eval 'one_line_error && has "moved or deleted" "$err"'

# ---- an index that is copied, restored or read-only ----
sleep 0.01
cp -r "$INDEX" "$WORK/copied.index"
ds_copy() { out=$("$BIN" --corpus "$CORPUS" --index "$WORK/copied.index" "$@" 2>"$WORK/stderr"); rc=$?; err=$(cat "$WORK/stderr"); }
ds_copy --json "interim CEO"
check "an index copied with cp -r (new times) is searched" \
    eval '[ $rc -eq 0 ] && [ "$(jq .total <<<"$out")" -ge 1 ]'
ds_copy check
check "check: a copied index is sound and current, its files judged by content (exit 0)" \
    eval '[ $rc -eq 0 ] && has "judged by content" "$out"'
# Read-only: by permissions, or (as root, whom they do not stop) on a
# read-only bind mount when one can be made.
ro="$WORK/ro"
mkdir -p "$ro"
if [ "$(id -u)" != 0 ]; then
    chmod -R a-w "$WORK/copied.index"
    ro_index="$WORK/copied.index"
elif mount --bind "$WORK/copied.index" "$ro" 2>/dev/null &&
    mount -o remount,ro,bind "$ro" 2>/dev/null; then
    ro_index="$ro"
else
    ro_index=
fi
if [ -n "$ro_index" ]; then
    out=$("$BIN" --corpus "$CORPUS" --index "$ro_index" --json "interim CEO" 2>"$WORK/stderr"); rc=$?
    check "a read-only index is searched" eval '[ $rc -eq 0 ] && [ "$(jq .total <<<"$out")" -ge 1 ]'
    out=$("$BIN" --corpus "$CORPUS" --index "$ro_index" check 2>"$WORK/stderr"); rc=$?
    check "a read-only index is checked: ok, its bytes verified against the manifest (exit 0)" \
        eval '[ $rc -eq 0 ] && has "every byte was verified" "$out"'
else
    ok "a read-only index is searched # SKIP no read-only mount here"
    ok "a read-only index is checked # SKIP no read-only mount here"
fi
mountpoint -q "$ro" 2>/dev/null && umount "$ro"
chmod -R u+w "$WORK/copied.index"
ds_copy index
check "index seals a copied index's files again" eval '[ $rc -eq 0 ]'
ds_copy check
check "check: ... after which it is current (exit 0)" eval '[ $rc -eq 0 ] && has "files: as built" "$out"'

# ---- plain text ----
mkdir -p "$WORK/plain"
printf 'Glossary\n\nAardvark: a burrowing mammal\nof Africa.\n\nGlossary\n' >"$WORK/plain/g.txt"
"$BIN" index --plain --corpus "$WORK/plain" --index "$WORK/plain.index" >"$WORK/out" 2>&1; rc=$?
check "index --plain makes every blank-line-separated block a passage" \
    eval '[ $rc -eq 0 ] && grep -q "into 3 passages" "$WORK/out"'
dsx "$WORK/plain" "$WORK/plain.index" --json burrowing
check "a plain passage joins its lines and has no title or heading" \
    eval '[ $rc -eq 0 ] && jq -e ".results[0] | .text == \"Aardvark: a burrowing mammal of Africa.\" and .title == null and .heading == null" <<<"$out" >/dev/null'
dsx "$WORK/plain" "$WORK/plain.index" check
check "check reads the corpus as the index was built (plain)" eval '[ $rc -eq 0 ] && has "matches" "$out"'
"$BIN" passages --plain "$WORK/plain/g.txt" >"$WORK/out"; rc=$?
check "passages --plain shows the plain split" eval '[ $rc -eq 0 ] && grep -q "^passages: 3" "$WORK/out"'

# ---- collections in JSON lines, TREC runs ----
printf '%s\n' '{"id": "d1", "title": "Widgets", "text": "Widgets are small devices."}' \
    '{"id": "d2", "title": "Gadgets", "text": "Gadgets and widgets compared."}' \
    'not json' '{"id": "d3", "text": "Sprockets only."}' >"$WORK/docs.jsonl"
"$BIN" index --jsonl "$WORK/docs.jsonl" --index "$WORK/jsonl.index" >"$WORK/out" 2>"$WORK/stderr"; rc=$?
check "index --jsonl reports a bad line as file:line and indexes the rest" \
    eval '[ $rc -eq 2 ] && grep -q "docs.jsonl:3: not a JSON object" "$WORK/stderr" && grep -q "^indexed 3 files" "$WORK/out"'
printf 'q1\twidgets\nq2\tsprockets gadgets\n' >"$WORK/queries.tsv"
"$BIN" run --index "$WORK/jsonl.index" --queries "$WORK/queries.tsv" --format trec --limit 100 >"$WORK/run" 2>/dev/null; rc=$?
check "run --format trec prints 'qid Q0 docid rank score tag'" \
    eval '[ $rc -eq 0 ] && awk "NF != 6 || \$2 != \"Q0\" || \$6 != \"dealsearch\" { bad = 1 } END { exit bad }" "$WORK/run" && grep -q "^q1 Q0 d1 1 " "$WORK/run"'
check "run ranks each document once" [ "$(awk '{print $1, $3}' "$WORK/run" | sort | uniq -d | wc -l)" -eq 0 ]
if [ -w /dev/full ]; then
    seq 1 200 | sed 's/.*/q&\twidgets gadgets sprockets/' >"$WORK/many.tsv"
    "$BIN" run --index "$WORK/jsonl.index" --queries "$WORK/many.tsv" >/dev/full 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
    check "run with a full disk: exit 2, one line" eval 'one_line_error && has "writing" "$err"'
fi
# The index records how it was built, so check reads the same corpus the
# same way, from anywhere.
(cd "$WORK" && "$BIN" check --index "$WORK/jsonl.index") >"$WORK/out" 2>&1; rc=$?
check "check: an index built with --jsonl is checked against that file" \
    eval '[ $rc -eq 0 ] && grep -q "docs.jsonl'"'"' matches" "$WORK/out"'
printf '%s\n' '{"id": "d4", "text": "One more document."}' >>"$WORK/docs.jsonl"
(cd "$WORK" && "$BIN" check --index "$WORK/jsonl.index") >"$WORK/out" 2>&1; rc=$?
check "check: a JSON lines file that grew makes the index out of date" \
    eval '[ $rc -eq 1 ] && grep -q "now splits into 4 passages" "$WORK/out"'
printf 'no tab here\n' >"$WORK/bad.tsv"
"$BIN" run --index "$WORK/jsonl.index" --queries "$WORK/bad.tsv" >/dev/null 2>"$WORK/stderr"; rc=$?; err=$(cat "$WORK/stderr")
check "run names the bad line of a queries file" eval 'one_line_error && has "bad.tsv:1:" "$err"'
printf '%s\n' '{"id": "t1", "title": "A catalogue of sprockets", "text": ""}' \
    '{"id": "t2", "title": "", "text": ""}' >"$WORK/titles.jsonl"
"$BIN" index --jsonl "$WORK/titles.jsonl" --index "$WORK/titles.index" >"$WORK/out" 2>&1; rc=$?
check "index --jsonl: a record of a title alone is one passage, its title" \
    eval '[ $rc -eq 0 ] && grep -q "into 1 passages" "$WORK/out"'
out=$("$BIN" --index "$WORK/titles.index" catalogue 2>/dev/null); rc=$?
check "a title-alone record is found by its title and shown once" \
    eval '[ $rc -eq 0 ] && [ "$(grep -c "A catalogue of sprockets" <<<"$out")" -eq 1 ]'

# ---- newest first ----
ds --json --sort date --limit 100 stake
check "--sort date: JSON says so" eval '[ $rc -eq 0 ] && jq -e ".sort == \"date\"" <<<"$out" >/dev/null'
check "--sort date: newest first, undated passages last, the same date by score (as written)" \
    eval 'jq -e "[.results[] | select(.typo | not)] as \$h | [range(1; \$h | length) | \$h[.-1] as \$a | \$h[.] as \$b | ((\$a.date // \"\") > (\$b.date // \"\")) or ((\$a.date // \"\") == (\$b.date // \"\") and \$a.score >= \$b.score)] | all" <<<"$out" >/dev/null'
check "--sort date: the demo has dated and undated hits" \
    eval 'jq -e "[.results[].date] | (map(select(. != null)) | length) > 0 and (map(select(. == null)) | length) > 0" <<<"$out" >/dev/null'
dated=$(jq '[.results[] | select(.date != null)] | length' <<<"$out")
ds --sort date --limit 100 stake
check "--sort date: the human output shows the date of every dated hit" \
    [ "$(grep -cE '^    (.* · )?20[0-9]{2}-[0-9]{2}-[0-9]{2}$' <<<"$out")" -eq "$dated" ]
ds --sort relevance "interim CEO"
relevance=$out
ds "interim CEO"
check "--sort relevance is the default" [ "$relevance" = "$out" ]
ds --sort newest stake
check "--sort newest: exit 2, one line naming the choices" eval 'one_line_error && has "relevance or date" "$err"'

# ---- files, counts, vimgrep ----
ds -l "interim CEO"
check "-l: one path per line, best first" \
    eval '[ $rc -eq 0 ] && [ "$out" = "$(printf "corpus/001_5f9e68b6a499abb5.txt\ncorpus/004_5fc44690a5b3815a.txt")" ]'
ds --files-with-matches stake
check "-l: every matching file once, each a path that opens" \
    eval '[ $(wc -l <<<"$out") -eq 5 ] && [ $(sort -u <<<"$out" | wc -l) -eq 5 ] && while read -r f; do [ -f "$f" ] || exit 1; done <<<"$out"'
ds -l zzyzxq
check "-l with no match: nothing, exit 1" eval '[ $rc -eq 1 ] && [ -z "$out" ]'
out=$(cd corpus && "$BIN" --index "$INDEX" -l "interim CEO"); rc=$?
check "-l inside the corpus folder: paths relative to it" \
    eval '[ "$(head -1 <<<"$out")" = 001_5f9e68b6a499abb5.txt ]'
out=$(cd "$WORK" && "$BIN" --index "$INDEX" -l "interim CEO"); rc=$?
check "-l outside the corpus folder: absolute paths" \
    eval '[ "$(head -1 <<<"$out")" = "$CORPUS/001_5f9e68b6a499abb5.txt" ]'
ds --json "interim CEO"
check "JSON keeps source and adds path" \
    eval 'jq -e ".results[0] | .source == \"001_5f9e68b6a499abb5.txt\" and .path == \"corpus/001_5f9e68b6a499abb5.txt\"" <<<"$out" >/dev/null'
ds --json stake
total=$(jq .total <<<"$out")
ds -c stake
check "-c: the number of matching passages only" eval '[ $rc -eq 0 ] && [ "$out" = "$total" ]'
ds --count zzyzxq
check "-c with no match: 0, exit 1" eval '[ $rc -eq 1 ] && [ "$out" = 0 ]'
mkdir -p "$WORK/many"
seq 1 700 | sed 's/.*/Widget & ships today./; G' >"$WORK/many/w.txt"
"$BIN" index --plain --corpus "$WORK/many" --index "$WORK/many.index" >/dev/null 2>&1
dsx "$WORK/many" "$WORK/many.index" -c widget
check "-c counts exactly beyond the 500 a listing counts exactly" eval '[ "$out" = 700 ]'
ds -l -c stake
check "-l and -c together: exit 2, one line" eval 'one_line_error && has "give one" "$err"'
ds --vimgrep "interim CEO"
check "--vimgrep: PATH:LINE:COLUMN:TEXT per passage" \
    eval '[ $rc -eq 0 ] && [ $(wc -l <<<"$out") -eq 2 ] && ! grep -vqE "^corpus/[^:]+\.txt:[0-9]+:[0-9]+:." <<<"$out"'
check "--vimgrep: LINE and COLUMN point at a matched word in the file" \
    eval 'while IFS=: read -r f l c _; do w=$(sed -n "${l}p" "$f" | cut -b "$c"- | grep -oiE "^(interim|CEO)\b"); [ -n "$w" ] || exit 1; done <<<"$out"'
printf 'First line of the block,\nsecond line of it,\nthird line names a zebra here.\n' >"$WORK/plain/z.txt"
"$BIN" index --plain --corpus "$WORK/plain" --index "$WORK/plain.index" >/dev/null 2>&1
out=$(cd "$WORK" && "$BIN" --index "$WORK/plain.index" --vimgrep zebra); rc=$?
check "--vimgrep: a word on a later line of a wrapped paragraph is found there" \
    [ "$out" = "plain/z.txt:3:20:third line names a zebra here." ]
ds --vimgrep zzyzxq
check "--vimgrep with no match: nothing, exit 1" eval '[ $rc -eq 1 ] && [ -z "$out" ]'

# ---- show ----
ds show corpus/001_5f9e68b6a499abb5.txt ¶5
check "show SOURCE ¶N: the passage under its path and number" \
    eval '[ $rc -eq 0 ] && [ "$(head -1 <<<"$out")" = "corpus/001_5f9e68b6a499abb5.txt ¶5 of 22" ] && has "Jason Droege, a former Uber" "$out" && [ $(grep -c "¶" <<<"$out") -eq 2 ]'
shown=$out
ds show corpus/001_5f9e68b6a499abb5.txt:5
check "show SOURCE:N is the same" [ "$out" = "$shown" ]
ds show 001_5f9e68b6a499abb5.txt 5
check "show with the source's name in the corpus is the same" [ "$out" = "$shown" ]
ds show 001_5f9e68b6a499abb5 ¶5
check "show with the name without .txt (as source: takes it) is the same" [ "$out" = "$shown" ]
ds show "$CORPUS/001_5f9e68b6a499abb5.txt" ¶5
check "show with an absolute path is the same" [ "$out" = "$shown" ]
ds show corpus/003_608c90960be708b7.txt ¶4
check "show: the article's date and the passage's heading" \
    eval '[ $rc -eq 0 ] && has "2025-06-13" "$out" && has "▸ Meta'"'"'s stake in Scale AI?" "$out"'
ds show -C 1 corpus/001_5f9e68b6a499abb5.txt ¶5
check "show -C 1: a passage each side, the one asked for marked" \
    eval '[ "$(grep -oE "^(▶ |  )¶[0-9]+" <<<"$out" | tr "\n" " ")" = "  ¶4 ▶ ¶5   ¶6 " ]'
ds show --json --context 2 corpus/001_5f9e68b6a499abb5.txt ¶1
check "show --json: source, path, the passages in order (none before the first)" \
    eval 'jq -e ".source == \"001_5f9e68b6a499abb5.txt\" and .path == \"corpus/001_5f9e68b6a499abb5.txt\" and .passage == 1 and .passages_in_source == 22 and ([.passages[].passage] == [1,2,3]) and has(\"title\") and has(\"date\")" <<<"$out" >/dev/null'
ds show corpus/001_5f9e68b6a499abb5.txt ¶99
check "show: a passage past the end, exit 1 saying how many there are" \
    eval '[ $rc -eq 1 ] && [ -z "$out" ] && has "has 22 passages, not 99" "$err"'
ds show corpus/nothing.txt 1
check "show: a source not in the index, exit 1 saying so" eval '[ $rc -eq 1 ] && has "no source" "$err"'
ds show /etc/passwd 1
check "show: a file outside the corpus is not read" eval '[ $rc -eq 1 ] && [ -z "$out" ]'
for bad in "corpus/001_5f9e68b6a499abb5.txt" "corpus/001_5f9e68b6a499abb5.txt ¶0" "corpus/001_5f9e68b6a499abb5.txt five" "a b c"; do
    ds show $bad
    check "show $bad: exit 2, one line" one_line_error
done
ds show -C 21 corpus/001_5f9e68b6a499abb5.txt ¶5
check "show -C 21: over the limit, exit 2" eval 'one_line_error && has "0 to 20" "$err"'
ds -C 1 stake
check "-C applies to show only" eval 'one_line_error && has "does not apply" "$err"'

# ---- help, man page, completion, progress ----
for cmd in index show passages run check watch serve; do
    out=$("$BIN" $cmd --help); rc=$?
    check "$cmd --help: that command's usage" eval '[ $rc -eq 0 ] && has "usage: dealsearch $cmd" "$out"'
done
man_text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' dealsearch.1)
missing=
for cmd in "" index show passages run check watch serve; do
    for opt in $("$BIN" $cmd --help | grep -oE -- '(^|[ ,[])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,[' | sort -u); do
        grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$man_text" || missing="$missing $cmd:$opt"
    done
done
check "every option of every --help is in dealsearch.1" [ -z "$missing" ] || echo "#   missing:$missing"
if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z dealsearch.1 2>&1)
    check "dealsearch.1 renders without warnings" [ -z "$warnings" ]
fi
completions=$(PATH="$(dirname "$BIN"):$PATH" bash -c 'source completion/dealsearch.bash
    COMP_WORDS=(dealsearch ind); COMP_CWORD=1; _dealsearch; echo "${COMPREPLY[*]}"
    COMP_WORDS=(dealsearch index --re); COMP_CWORD=2; _dealsearch; echo "${COMPREPLY[*]}"
    COMP_WORDS=(dealsearch --sort d); COMP_CWORD=2; _dealsearch; echo "${COMPREPLY[*]}"')
check "bash completion: commands, a command's options, option values" \
    [ "$completions" = "$(printf 'index\n--rebuild\ndate')" ]
ds index --rebuild
check "index with stderr not a terminal: no progress" eval '[ $rc -eq 0 ] && [ -z "$err" ]'
ds index --rebuild --quiet
check "index --quiet: nothing on stdout or stderr" eval '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ]'
if command -v script >/dev/null; then
    tty_out=$(script -qec "'$BIN' index --rebuild --corpus '$CORPUS' --index '$INDEX' >/dev/null" /dev/null)
    check "index on a terminal: a progress line, redrawn in place, then cleared" \
        eval 'has "pass 2/2, indexing: " "$tty_out" && has $'"'"'\r\e[K'"'"' "$tty_out" && [ "${tty_out: -4}" = $'"'"'\r\e[K'"'"' ]'
    tty_out=$(script -qec "'$BIN' index --rebuild --quiet --corpus '$CORPUS' --index '$INDEX'" /dev/null)
    check "index --quiet on a terminal: nothing" [ -z "$tty_out" ]
fi

echo "1..$n"
[ "$failed" -eq 0 ]
