#!/usr/bin/env bash
# The city-scale benchmark of issue 5 / DESIGN §9, on this machine:
# a synthetic Hà Nội epidemic (1,000,000 cases over 240 days, ~600 sites,
# ~2,000 checkpoints with daily reports, ~300 directives), the release
# server, and wrk on loopback. Prints the figures and appends them to
# BENCHMARKS.md. Bounded: every load run lasts DURATION seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CASES="${BENCH_CASES:-1000000}"
# F1 traced per case (issue 26: ten per case, 10,000,000 contacts at 1M cases).
CONTACTS="${BENCH_CONTACTS:-10}"
DURATION="${BENCH_DURATION:-20}"
CONNS="${BENCH_CONNECTIONS:-32}"
RUNS="${BENCH_RUNS:-3}"
PORT="${BENCH_PORT:-8181}"
export VX_DATA_DIR="${BENCH_DATA_DIR:-var/bench}"
BASE="http://127.0.0.1:$PORT"
OUT="$VX_DATA_DIR/results"

scripts/bootstrap.sh
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
cargo build --release --locked -q
BIN=target/release/vungxanh
mkdir -p "$OUT"

export DATABASE_URL="$($BIN db start --database vungxanh_bench)"
# The bench cluster archives its WAL like any (no backup is taken of it):
# loading ten million cases left 19 GB there and once filled the disk.
# Segments older than an hour serve nothing here.
find "$VX_DATA_DIR/pg-wal-archive" -type f -mmin +60 -delete 2>/dev/null || true
have=$(psql "$DATABASE_URL" -Atc "select count(*) from cases" 2>/dev/null || echo 0)
if [ "$have" -lt "$CASES" ]; then
  echo "== loading the synthetic epidemic ($CASES cases)" >&2
  $BIN db start --database postgres >/dev/null
  psql "${DATABASE_URL%%/vungxanh_bench*}/postgres?${DATABASE_URL#*\?}" -qc "drop database if exists vungxanh_bench" -c "create database vungxanh_bench"
  $BIN migrate
  $BIN demo >/dev/null  # the area tree and demo users; the demo epidemic is replaced below
  psql "$DATABASE_URL" -qc "truncate contact_tests, contacts, cases, clusters, quarantine_occupancy, quarantine_sites, checkpoint_reports, checkpoints, directive_targets, directives, daily_reports, case_rollup, report_rollup cascade"
  $BIN synth --cases "$CASES" --days 240 --sites 600 --checkpoints 2000 --directives 300 --report-days 240 --contacts-per-case "$CONTACTS" --seed 2021 | tee "$OUT/synth.txt"
fi

# BENCH_LOAD_ONLY: load the data (if not yet) and stop (scripts/bench-contacts.sh).
if [ -n "${BENCH_LOAD_ONLY:-}" ]; then $BIN db stop; exit 0; fi

PASS="bench-password-$$"
source scripts/bench-lib.sh
bench_accounts "bench_city city 01" "bench_district district 020" "bench_commune commune 00682"

mkdir -p "$VX_DATA_DIR/files"
export VX_FILES_DIR="$VX_DATA_DIR/files"
start_server
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; $BIN db stop' EXIT

CITY=$(cookie_for bench_city)
DISTRICT=$(cookie_for bench_district)
COMMUNE=$(cookie_for bench_commune)
TOKEN=$(curl -s -H 'content-type: application/json' -d "{\"username\":\"bench_commune\",\"password\":\"$PASS\"}" "$BASE/api/v1/auth/token" | sed 's/.*"token":"\([^"]*\)".*/\1/')

curl -s -H "Cookie: $CITY" "$BASE/areas/01" > "$VX_DATA_DIR/files/city.html"
grep -q 'id="f0-total"' "$VX_DATA_DIR/files/city.html" || { echo "the city dashboard did not render" >&2; exit 1; }

cat > "$OUT/insert.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"commune_code":"00682","case_code":"W%d-%d","detected_on":"%s","detected_in":"community","status":"treating"}', os.time(), n, os.date("!%Y-%m-%d", os.time() + 7*3600))
  return wrk.format("POST", "/api/v1/cases", {["Content-Type"]="application/json", ["Authorization"]="Bearer $TOKEN"}, body)
end
LUA

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$SERVER/status"; }

# One pass over every load figure; run RUNS times, reported as the median
# with the spread (lowest–highest) of the passes.
pass() {
  run city_dashboard "$CITY" /areas/01
  run district_dashboard "$DISTRICT" /areas/020
  run commune_dashboard "$COMMUNE" /areas/00682
  run static_same_html "" /files/city.html
  run trivial_signed_in "$CITY" /whoami
  run city_past_date "$CITY" "/areas/01?date=$(date -u -d '30 days ago' +%Y-%m-%d)"
  # Inserts while the city dashboard is under load.
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Cookie: $CITY" "$BASE/areas/01" > "$OUT/city_under_inserts.txt" &
  LOAD=$!
  # Two clients posting back to back: a storm of ≥ 200 cases a second.
  wrk -t1 -c2 -d"${DURATION}s" --latency -s "$OUT/insert.lua" "$BASE" > "$OUT/insert.txt"
  wait $LOAD
  awk '/^ +50%/{m=$2} /^ +99%/{p=$2} /^Requests\/sec/{r=$2} END{printf "%-22s median %-9s p99 %-9s %9s req/s\n", "city_while_inserting", m, p, r}' "$OUT/city_under_inserts.txt"
  awk '/^ +50%/{m=$2} /^ +99%/{p=$2} /^Requests\/sec/{r=$2} /Non-2xx/{e=$4} END{printf "%-22s median %-9s p99 %-9s %9s req/s  non-2xx %s\n", "case_insert_api", m, p, r, (e==""?0:e)}' "$OUT/insert.txt"
}

echo "== dashboards under $CONNS concurrent clients, ${DURATION}s each, $RUNS passes" >&2
rss_before=$(rss_kb)
for r in $(seq 1 "$RUNS"); do
  echo "-- pass $r" >&2
  pass | tee "$OUT/pass$r.txt" >&2
done
{
  echo "median of $RUNS passes [lowest–highest]:"
  python3 - "$OUT" "$RUNS" <<'PY'
import re, sys, statistics
out, runs = sys.argv[1], int(sys.argv[2])
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    n = float(m.group(1)); u = m.group(2)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
rows = {}
for r in range(1, runs + 1):
    for line in open(f"{out}/pass{r}.txt"):
        f = line.split()
        if len(f) >= 7 and f[1] == "median":
            rows.setdefault(f[0], []).append((ms(f[2]), ms(f[4]), float(f[5])))
def fmt(vals, unit, nd):
    return f"{statistics.median(vals):,.{nd}f}{unit} [{min(vals):,.{nd}f}–{max(vals):,.{nd}f}]"
for name, v in rows.items():
    med, p99, rps = zip(*v)
    print(f"{name:<22} median {fmt(med,' ms',1):<26} p99 {fmt(p99,' ms',1):<28} {fmt(rps,'/s',0)}")
PY
  after=$(psql "$DATABASE_URL" -Atc "select count(*) from cases where voided_at is null")
  shown=$(curl -s -H "Cookie: $CITY" "$BASE/areas/01" | grep -o 'id="f0-total">[^<]*' | sed 's/.*>//; s/\.//g')
  echo "after the inserts: database total $after; the next city dashboard shows $shown"
  echo "server resident memory: $((rss_before / 1024)) MB before the passes, $(( $(rss_kb) / 1024 )) MB after"
  echo "database on disk: $(psql "$DATABASE_URL" -Atc "select pg_size_pretty(pg_database_size(current_database()))")"
  echo "== PostgreSQL alone (dashboard queries without HTTP or cache)"
  $BIN bench-board --n 30
  if [ -x scripts/bench-lists.sh ]; then
    echo "== lists, search and exports"
    scripts/bench-lists.sh "$BASE" "$CITY" "$SERVER" || echo "(lists benchmark failed)"
  fi
} | tee "$OUT/summary.txt"

{
  echo
  echo "## Run of $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F: '/model name/{print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
  echo
  echo "Dataset: $(cat "$OUT/synth.txt" 2>/dev/null || echo "$CASES cases (loaded earlier)"). wrk: 2 threads, $CONNS connections, ${DURATION}s per run, $RUNS passes, loopback; PostgreSQL on the same machine."
  echo
  echo '```'
  cat "$OUT/summary.txt"
  echo '```'
} >> BENCHMARKS.md
echo "results appended to BENCHMARKS.md" >&2
