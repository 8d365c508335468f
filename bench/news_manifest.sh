#!/bin/sh
# news_manifest.sh NAME DIR — the line bench/data/news.manifest holds for
# the news corpus in DIR, for dsbench --news:
#   NAME files=N bytes=N sha256=HEX dir=ABSOLUTE_DIR
# (the regular, non-hidden *.txt files below DIR, the ones dealsearch
# reads; the digest is of them concatenated in byte order of their paths),
# or "# NAME skipped: ..." when DIR does not exist.
set -e
name=$1 dir=$2
if [ ! -d "$dir" ]; then
    echo "# $name skipped: no folder $dir"
    exit 0
fi
dir=$(cd "$dir" && pwd)
txt() {
    find "$dir" -type f -name '*.txt' ! -path '*/.*' "$@"
}
counts=$(txt -printf '%s\n' | awk '{ n++; b += $1 } END { printf "files=%d bytes=%.0f", n, b }')
sha=$(txt -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum | cut -c1-64)
echo "$name $counts sha256=$sha dir=$dir"
