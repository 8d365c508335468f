#!/usr/bin/env bash
# The page of `dealsearch serve` in a real browser: Debian's headless
# Chromium driven by playwright-core (tests/browser/page.test.mjs), against
# a server on a corpus made here — dated articles enough for two pages, a
# paragraph two sources share, text with accents before its matches, and
# an article whose title and text are HTML that must stay text, a
# byline.  A second
# server without an index shows the error state.  Prints TAP; screenshots
# go to build/browser/ for a person to look at.
#
#   tests/browser/run.sh [build/dealsearch]
#
# Needs /usr/bin/chromium and tests/browser/node_modules (make
# browser-deps installs both); never downloads a browser.
set -u
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/dealsearch}")
SHOTS=$(realpath -m build/browser)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dealsearch-browser-XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -d tests/browser/node_modules/playwright-core ]; then
    echo "not ok 1 - playwright-core is not installed (make browser-deps)"
    exit 1
fi
mkdir -p "$SHOTS"

# ---- the corpus ----
C="$WORK/corpus"
mkdir -p "$C"
# Fourteen dated reports on the harbor, each in words of its own (alike
# ones would be grouped as near-copies).
months=(01 01 02 03 03 03 04 05 05 06 06 07 08 09)
firsts=("Storms kept every trawler inside the harbor until Tuesday."
        "A cruise liner docked at the harbor carrying nine hundred tourists."
        "Dredging work deepened the harbor channel by two metres."
        "Customs officers searched containers stacked along the harbor wall."
        "Rowing clubs raced across the harbor at dawn on Saturday."
        "An oil spill near the harbor entrance was contained within hours."
        "Seals were spotted basking on rocks beside the harbor lighthouse."
        "The council voted to rename the harbor promenade after a poet."
        "Night fishermen landed record catches of mackerel at the harbor."
        "Engineers inspected cracks found in the old harbor breakwater."
        "A jazz festival filled the harbor square with music and food stalls."
        "Volunteers cleared plastic litter from the harbor beach on Sunday."
        "Shipbuilders launched a wooden schooner into the harbor basin."
        "Fog delayed ferry crossings from the harbor throughout the morning.")
seconds=("Skippers blamed gale warnings issued by forecasters."
         "Cafés reported their busiest lunchtime of the spring."
         "Larger cargo vessels can now reach the quay at low tide."
         "Inspectors seized counterfeit watches worth thousands."
         "The youth crew from the sailing academy won by a length."
         "Coastguard teams deployed floating booms to stop the slick."
         "Wildlife officers asked walkers to keep dogs on leads."
         "Residents collected signatures opposing the new name."
         "Prices at the fish auction fell because of the glut."
         "Repairs are expected to cost several million euros."
         "Organisers counted twelve thousand visitors over the weekend."
         "Three tonnes of rubbish were taken to the recycling depot."
         "The vessel will carry schoolchildren on summer voyages."
         "Commuters waited in cars queueing along the esplanade.")
for i in "${!months[@]}"; do
    d=$(printf '%02d' $((i + 1)))
    printf '%s\n%s\n%s\n%s\n' "Harbor report $d: ${firsts[$i]%% *} and more" \
        "2025-${months[$i]}-$d" "${firsts[$i]}" "${seconds[$i]} The harbor master agreed." \
        >"$C/port-$d.txt"
done
cat >"$C/accents.txt" <<'EOF'
Über café naïveté at the old harbor
2025-03-20
Über die Straße, at the café naïveté, the harbor master Zoë Ångström counted the boats in the harbor twice.
EOF
shared="The harbor authority said the new pier will open next spring with twelve berths for ferries and a covered waiting hall for passengers."
cat >"$C/wire-a.txt" <<EOF
Pier opening announced by the authority
2025-04-02
By Marta Lindqvist
$shared
Local traders welcomed the announcement.
EOF
cat >"$C/wire-b.txt" <<EOF
New pier for the ferries next spring
2025-04-03
$shared
Critics asked who would pay for it.
EOF
cat >"$C/hostile.txt" <<'EOF'
<script>document.title="pwned"</script> "><img src=x onerror="window.__xss=1"> zebrafish
2025-05-05
The zebrafish study said <script>window.__xss=2</script> and "><img src=x onerror="window.__xss=3"> were found in the tank.
A second zebrafish paragraph mentions <b>bold</b> &amp; <a href="javascript:window.__xss=4">a link</a>.
EOF

"$BIN" index --corpus "$C" --index "$WORK/index" >/dev/null 2>"$WORK/index.log" || {
    echo "not ok 1 - building the test corpus"; sed 's/^/#   /' "$WORK/index.log"; exit 1; }

# start VAR LOG ARGS...: a server on a free port; sets VAR to its URL.
# (Not in a $(...) subshell: PIDS must be this shell's, for the stop.)
start() {
    local var=$1 log=$2 port; shift 2
    "$BIN" serve --listen 127.0.0.1:0 --quiet "$@" >/dev/null 2>"$log" &
    PIDS+=($!)
    for _ in $(seq 200); do
        port=$(sed -n 's#.*listening on http://[^:]*:\([0-9]*\)/.*#\1#p' "$log")
        [ -n "$port" ] && { printf -v "$var" 'http://127.0.0.1:%s' "$port"; return 0; }
        sleep 0.05
    done
    return 1
}
start BASE_URL "$WORK/serve.log" --index "$WORK/index" || {
    echo "not ok 1 - the server starts"; sed 's/^/#   /' "$WORK/serve.log"; exit 1; }
start NOINDEX_URL "$WORK/noindex.log" --index "$WORK/none" --corpus "$WORK/none" || {
    echo "not ok 1 - the server without an index starts"; exit 1; }

BASE_URL=$BASE_URL NOINDEX_URL=$NOINDEX_URL SHOTS=$SHOTS \
    node tests/browser/page.test.mjs
rc=$?
clean=0
[ "${#PIDS[@]}" = 2 ] || clean=1
for p in "${PIDS[@]}"; do
    kill -TERM "$p"
    wait "$p" || clean=1
done
PIDS=()
if [ "$clean" = 0 ]; then echo "ok - both servers stopped cleanly on SIGTERM"; else
    echo "not ok - both servers stopped cleanly on SIGTERM"; fi
exit $rc
