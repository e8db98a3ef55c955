#!/usr/bin/env bash
# Lists and exports at scale (issue 13, item 5), against a running server:
#
#   scripts/bench-lists.sh URL COOKIE [SERVER_PID]
#
# URL is the server (http://127.0.0.1:8181), COOKIE a signed-in city
# account's session cookie ("vx_session=…"), SERVER_PID the server's
# process (found from the port when left out; needed for its memory).
# Prints, for wrk at CONNS connections for DURATION seconds each: the city's
# case list (page 1, filtered by district, and page 500 reached by following
# "next" 499 times), a search by case code, the site and checkpoint lists;
# then a CSV export timed (rows/s) with the server's resident memory
# sampled before and during it. Needs curl and wrk.
set -euo pipefail

BASE="${1:?usage: $0 URL COOKIE [SERVER_PID]}"
COOKIE="${2:?usage: $0 URL COOKIE [SERVER_PID]}"
PID="${3:-}"
CONNS="${CONNS:-32}"
DURATION="${DURATION:-15}"
DISTRICT="${DISTRICT:-020}"
DEEP_PAGE="${DEEP_PAGE:-500}"
# The export: the city's cases under treatment (about 210,000 of 1,000,000
# in the synthetic epidemic of scripts/bench.sh).
EXPORT_QUERY="${EXPORT_QUERY:-status=treating}"
OUT="${OUT:-$(mktemp -d)}"

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
if [ -z "$PID" ]; then
  port="${BASE##*:}"; port="${port%%/*}"
  PID="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
fi

get() { curl -fsS -H "Cookie: $COOKIE" "$BASE$1"; }
# The href of the pager's "next" link, unescaped.
next_of() { grep -o '<a href="[^"]*" id="next-page"' | sed 's/^<a href="//; s/" id="next-page"$//; s/&#38;/\&/g; s/&amp;/\&/g'; }

# Pages are saved before they are searched: a grep that stops reading
# early would fail curl's write, and with pipefail the whole check.
get /cases > "$OUT/first.html"
grep -q 'id="records"' "$OUT/first.html" || { echo "the case list did not render: is COOKIE signed in?" >&2; exit 1; }

run() { # name path [connections]
  local c="${3:-$CONNS}" t=2
  [ "$c" -lt 2 ] && t=1
  wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "$BASE$2" > "$OUT/$1.txt"
  awk -v n="$1" '/^ +50%/{m=$2} /^ +99%/{p=$2} /^Requests\/sec/{r=$2} /Non-2xx/{e=$NF} END{printf "%-24s median %-9s p99 %-9s %9s req/s  non-2xx %s\n", n, m, p, r, (e==""?0:e)}' "$OUT/$1.txt"
}

echo "== lists, wrk -c$CONNS -d${DURATION}s (and -c1 last)"
path="/cases"
t0=$(date +%s.%N)
for _ in $(seq 2 "$DEEP_PAGE"); do
  path="$(get "$path" | next_of)"
  [ -n "$path" ] || { echo "the list ended before page $DEEP_PAGE" >&2; exit 1; }
done
t1=$(date +%s.%N)
awk -v n="$DEEP_PAGE" -v a="$t0" -v b="$t1" 'BEGIN{printf "followed next %d times one after another: %.1f ms a page\n", n-1, (b-a)*1000/(n-1)}'
get "$path" > "$OUT/deep.html"
grep -q "Trang $DEEP_PAGE\|Page $DEEP_PAGE" "$OUT/deep.html" || { echo "page $DEEP_PAGE is not numbered $DEEP_PAGE" >&2; exit 1; }
code="$(grep -m1 -o '<a href="/cases/[0-9]*">[^<]*</a>' "$OUT/first.html" | head -1 | sed 's/.*">//; s/<.*//')"

run cases-city "/cases"
run cases-district "/cases?area=$DISTRICT"
run "cases-page-$DEEP_PAGE" "$path"
run "cases-search" "/cases?q=$code"
run sites "/sites"
run checkpoints "/checkpoints"
# One client at a time: what a page costs when the server is not queueing.
run cases-city-1-client "/cases" 1
run "cases-page-$DEEP_PAGE-1-client" "$path" 1

echo "== CSV export (/cases?$EXPORT_QUERY&format=csv)"
rss() { awk '/^VmRSS/{print $2}' "/proc/$PID/status" 2>/dev/null; }
if [ -n "$PID" ] && [ -r "/proc/$PID/status" ]; then
  before=$(rss)
  echo "$before" > "$OUT/peak"
  ( peak=$before; while :; do r=$(rss); r=${r:-0}; if [ "$r" -gt "$peak" ]; then peak=$r; echo "$peak" > "$OUT/peak"; fi; sleep 0.05; done ) &
  sampler=$!
else
  echo "no server process to sample (give SERVER_PID): memory not measured" >&2
  before=0; sampler=""
fi
t0=$(date +%s.%N)
curl -fsS -H "Cookie: $COOKIE" -o "$OUT/export.csv" "$BASE/cases?$EXPORT_QUERY&format=csv"
t1=$(date +%s.%N)
[ -n "$sampler" ] && { kill "$sampler"; wait "$sampler" 2>/dev/null || true; }
rows=$(( $(wc -l < "$OUT/export.csv") - 1 ))
bytes=$(stat -c %s "$OUT/export.csv")
awk -v r="$rows" -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN{s=z-a; printf "%d rows, %.1f MB in %.2f s: %.0f rows/s\n", r, b/1048576, s, r/s}'
if [ -n "$sampler" ]; then
  peak=$(cat "$OUT/peak" 2>/dev/null || echo "$before")
  after=$(rss)
  awk -v a="$before" -v p="$peak" -v z="$after" 'BEGIN{printf "server RSS: %.1f MB before, %.1f MB at most during (+%.1f MB), %.1f MB after\n", a/1024, p/1024, (p-a)/1024, z/1024}'
fi
rm -f "$OUT/export.csv"
echo "(wrk output in $OUT)"
