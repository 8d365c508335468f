#!/usr/bin/env bash
# damaged_index.sh — a damaged or foreign index is reported, never
# crashed on, never answered from.
#
# Builds the demo-corpus index, then for each file of its current
# generation and each kind of damage:
#   trunc0    truncated to 0 bytes
#   trunchalf truncated to half its size
#   zero      overwritten with zero bytes, same size
#   garble    256 deterministic pseudo-random bytes written at its middle
# runs a few searches (plain words, a phrase, --json, a misspelling) and
# requires each to exit 2 with ONE line on stderr containing "is damaged
# or not a dealsearch index" and "run 'dealsearch index'".  Anything else
# is a failure, and the diagnostics say which kind:
#   CRASH        a signal, or a sanitizer report
#   WRONG ANSWER exit 0/1 with results that differ from the intact index
#   UNDETECTED   exit 0/1 with the intact index's results (the damage was
#                not noticed; the answer happened to be right)
#   BAD MESSAGE  exit 2 but not the one-line message above
# The file is restored before the next case.  Damage that changes nothing
# (truncating an empty file) is skipped.  Then --index is pointed at a
# foreign directory, a regular file, an index whose `current` dangles, one
# whose `current` is an empty directory and one without its marker.
# When the binary has `dealsearch check`, it is run on every damaged case
# too and must exit 2 on each.
#
#   DS_BIN=build/dealsearch tests/reliability/damaged_index.sh
#
# Prints TAP; a summary of every failure is printed at the end.
source "$(dirname "$0")/lib.sh"

CORPUS="$ROOT/corpus"
INDEX="$WORK/demo.index"
"$BIN" --corpus "$CORPUS" --index "$INDEX" index >"$WORK/first.out" 2>&1
check "demo index builds" [ $? -eq 0 ]
GEN="$INDEX/$(readlink "$INDEX/current")"

QUERIES=("interim CEO" '"Federal Trade Commission"' "Droege OR Uber" "intrim")
declare -A intact
for q in "${QUERIES[@]}"; do
    results_of "$CORPUS" "$INDEX" "$q"
    intact[$q]="$ds_rc $res"
done
check "intact index answers the probe queries" [ "${intact[interim CEO]%% *}" -eq 0 ]

MSG1="is damaged or not a dealsearch index"
MSG2="run 'dealsearch index'"
findings=()
# `dealsearch check`, when this version has it, must notice every damage.
has_check=0
"$BIN" --help 2>/dev/null | grep -q "dealsearch check" && has_check=1
check_cases=0 check_missed=()

# classify RC RESULTS QUERY: "" when the search was refused properly.
classify() {
    local rc=$1 got=$2 q=$3 err="$WORK/.stderr"
    if is_crash "$rc" "$err"; then
        echo "CRASH (exit $rc): $(grep -m1 -E 'ERROR|runtime error|Sanitizer' "$err" || head -c 200 "$err")"
    elif [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then
        if [ "$rc $got" = "${intact[$q]}" ]; then
            echo "UNDETECTED (exit $rc, same results as the intact index)"
        else
            echo "WRONG ANSWER (exit $rc, results differ from the intact index)"
        fi
    elif [ "$rc" -ne 2 ]; then
        echo "BAD EXIT $rc: $(head -c 200 "$err")"
    elif ! grep -qF "$MSG1" "$err" || ! grep -qF "$MSG2" "$err" ||
        [ "$(wc -l <"$err")" -ne 1 ]; then
        echo "BAD MESSAGE ($(wc -l <"$err") lines): $(head -c 300 "$err" | tr '\n' '|')"
    fi
}

# probe CASE: run every query; ok when all are refused properly.
probe() {
    local case=$1 q verdict problems=() extra
    for q in "${QUERIES[@]}"; do
        results_of "$CORPUS" "$INDEX" "$q"
        verdict=$(classify "$ds_rc" "$res" "$q")
        [ -n "$verdict" ] && problems+=("query '$q': $verdict")
    done
    # Human output too (another code path through rendering).
    "$BIN" --corpus "$CORPUS" --index "$INDEX" --color=always "interim CEO" >/dev/null 2>"$WORK/.stderr"
    extra=$?
    is_crash "$extra" "$WORK/.stderr" && problems+=("human output: CRASH (exit $extra)")
    if [ "$has_check" -eq 1 ]; then
        "$BIN" --corpus "$CORPUS" --index "$INDEX" check >"$WORK/check.out" 2>&1
        extra=$?
        check_cases=$((check_cases + 1))
        if is_crash "$extra" "$WORK/check.out"; then
            problems+=("dealsearch check: CRASH (exit $extra)")
            check_missed+=("$case: CRASH (exit $extra)")
        elif [ "$extra" -ne 2 ]; then
            check_missed+=("$case: check exits $extra: $(tail -1 "$WORK/check.out")")
        fi
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        ok "$case: every search exits 2 'damaged ... run dealsearch index'"
    else
        not_ok "$case: every search exits 2 'damaged ... run dealsearch index'" "${problems[@]}"
        # Summarise by the worst outcome.
        local worst=${problems[0]} p
        for p in "${problems[@]}"; do case $p in *"WRONG ANSWER"*) worst=$p ;; esac; done
        for p in "${problems[@]}"; do case $p in *CRASH*) worst=$p ;; esac; done
        findings+=("$case: $worst")
    fi
}

# garble FILE: 256 pseudo-random bytes (fixed seed per file) at its middle.
garble() {
    local size mid
    size=$(stat -c %s "$1")
    mid=$((size / 2))
    LC_ALL=C awk -v seed="$(cksum <<<"${1##*/}" | cut -d' ' -f1)" 'BEGIN {
            srand(seed % 100000); for (i = 0; i < 256; i++) printf "%c", 1 + int(rand() * 255) }' |
        LC_ALL=C dd of="$1" bs=1 seek="$mid" conv=notrunc status=none
}

for f in "$GEN"/*; do
    name=${f##*/}
    size=$(stat -c %s "$f")
    cp -p "$f" "$WORK/backup"
    for kind in trunc0 trunchalf zero garble; do
        case $kind in
        trunc0) [ "$size" -gt 0 ] || { ok "$name ($size bytes) $kind: # SKIP nothing to damage"; continue; }
            truncate -s 0 "$f" ;;
        trunchalf) [ "$size" -gt 1 ] || { ok "$name ($size bytes) $kind: # SKIP nothing to damage"; continue; }
            truncate -s $((size / 2)) "$f" ;;
        zero) [ "$size" -gt 0 ] || { ok "$name ($size bytes) $kind: # SKIP nothing to damage"; continue; }
            head -c "$size" /dev/zero >"$f" ;;
        garble) [ "$size" -gt 0 ] || { ok "$name ($size bytes) $kind: # SKIP nothing to damage"; continue; }
            garble "$f" ;;
        esac
        probe "$name ($size bytes) $kind"
        cp -p "$WORK/backup" "$f"
    done
done

if [ "$has_check" -eq 1 ]; then
    if [ ${#check_missed[@]} -eq 0 ]; then
        ok "dealsearch check exits 2 on all $check_cases damaged cases"
    else
        not_ok "dealsearch check exits 2 on all $check_cases damaged cases" \
            "it missed ${#check_missed[@]}:" "${check_missed[@]}"
        findings+=("dealsearch check missed ${#check_missed[@]} of $check_cases damaged cases")
    fi
fi

results_of "$CORPUS" "$INDEX" "interim CEO"
check "restored index answers as before" [ "$ds_rc $res" = "${intact[interim CEO]}" ]

# ---- --index at things that are not a dealsearch index ----
# foreign_case NAME DIR EXPECT: EXPECT "damaged": exit 2 with the message;
# "any": no crash, and either that or a correct answer.
foreign_case() {
    local name=$1 dir=$2 expect=$3 rc verdict
    results_of "$CORPUS" "$dir" "interim CEO"
    rc=$ds_rc
    verdict=$(classify "$rc" "$res" "interim CEO")
    if [ -z "$verdict" ]; then
        ok "$name: exits 2 'damaged or not a dealsearch index'"
    elif [ "$expect" = any ] && [ "$rc $res" = "${intact[interim CEO]}" ]; then
        ok "$name: handled (exit $rc with the right answer: $(head -c 150 "$WORK/.stderr" | tr '\n' '|'))"
    elif [ "$expect" = any ] && [ "$rc" -eq 2 ] && ! is_crash "$rc" "$WORK/.stderr" &&
        [ "$(wc -l <"$WORK/.stderr")" -eq 1 ]; then
        ok "$name: refused with exit 2, one line: $(cat "$WORK/.stderr")"
    else
        not_ok "$name: exits 2 'damaged or not a dealsearch index'" "$verdict"
        findings+=("$name: $verdict")
    fi
}

mkdir -p "$WORK/foreign"
echo "precious" >"$WORK/foreign/notes.txt"
foreign_case "--index at a foreign non-empty directory" "$WORK/foreign" damaged
check "the foreign directory is left untouched" [ "$(ls "$WORK/foreign")" = notes.txt ]
echo "not a directory" >"$WORK/plainfile"
foreign_case "--index at a regular file" "$WORK/plainfile" any

cp -a "$INDEX" "$WORK/dangling.index"
ln -sfn gen-999999 "$WORK/dangling.index/current"
foreign_case "--index whose 'current' symlink dangles" "$WORK/dangling.index" any

cp -a "$INDEX" "$WORK/emptygen.index"
mkdir "$WORK/emptygen.index/gen-999999"
ln -sfn gen-999999 "$WORK/emptygen.index/current"
foreign_case "--index whose 'current' is an empty directory" "$WORK/emptygen.index" damaged

cp -a "$INDEX" "$WORK/nomarker.index"
rm "$WORK/nomarker.index/dealsearch-index"
foreign_case "--index of ours without its marker file" "$WORK/nomarker.index" damaged

if [ ${#findings[@]} -gt 0 ]; then
    diag "" "FINDINGS (${#findings[@]} cases where the product misbehaves):"
    printf '#   %s\n' "${findings[@]}"
fi
finish
