#!/usr/bin/env bash
# The national case of DESIGN §9 (issue 28): the 63 provinces' 2021 trees in
# one database, a synthetic country of $CASES cases (11,000,000) shared among
# them as 2021's confirmed cases were (data/covid_cases_2021_by_province.csv),
# then each province's board timed (PostgreSQL's part, as bench-board reads it),
# the national board, and a province's and the country's pages and lists under
# wrk. Prints the figures for BENCHMARKS.md. Loading takes ~5 min and ~6 GB
# under var/bench, done again only when the database has fewer cases (or
# RELOAD=1); the timings ~6 min.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${CASES:-11000000}"
BIN=target/release/vungxanh
SQLX_OFFLINE=true cargo build --release --locked --quiet --bin vungxanh
export VX_DATA_DIR="${BENCH_DATA_DIR:-var/bench}" VX_WAL_ARCHIVE=false
url="$($BIN db start --database vungxanh_country)"
admin="$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/postgres")))' "$url")"
export DATABASE_URL="$url"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
have=$(psql "$url" -Atc "select count(*) from cases" 2>/dev/null || echo 0)
if [ -n "${RELOAD:-}" ] || [ "$have" -lt "$CASES" ]; then
  psql "$admin" -q -c "drop database if exists vungxanh_country" -c "create database vungxanh_country"
  start=$(date +%s)
  $BIN migrate >/dev/null
  $BIN areas import data/vietnam_2021_areas.csv
  $BIN synth-country --cases "$CASES"
  echo "== loaded in $(( $(date +%s) - start )) s (tree, cases, rollups, analyze)"
fi
$BIN migrate >/dev/null
psql "$url" -Atc "select format('%s provinces, %s areas, %s cases, database %s',
  (select count(*) from areas where level = 'city'), (select count(*) from areas),
  (select count(*) from cases), pg_size_pretty(pg_database_size(current_database())))"
# The largest province, Hà Nội, a middling one and the smallest by cases.
small="$(psql "$url" -Atc "select city_code from cases group by city_code order by count(*) limit 1")"
mid="$(psql "$url" -Atc "select city_code from cases group by city_code order by count(*) offset 31 limit 1")"
$BIN bench-board --n 30 --area 79 --area 74 --area 01 --area "$mid" --area "$small" --area 769
echo "== the national board (63 provinces' boards; a write in one province)"
$BIN bench-national --n 40 --city 79
$BIN bench-national --n 40 --city 01

# Pages and lists as served, a province's (Hồ Chí Minh City, the largest) and
# the country's, against the same figures of scripts/bench.sh for one city.
PORT="${BENCH_PORT:-8182}" CONNS="${BENCH_CONNECTIONS:-32}" DURATION="${BENCH_DURATION:-15}"
BASE="http://127.0.0.1:$PORT" PASS="bench-password-$$" OUT="$(mktemp -d)"
source scripts/bench-lib.sh
bench_accounts "bench_hcmc city 79" "bench_thuduc district 769" "bench_national country 01"
start_server
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
HCMC=$(cookie_for bench_hcmc)
THUDUC=$(cookie_for bench_thuduc)
NATIONAL=$(cookie_for bench_national)
curl -fs -H "Cookie: $NATIONAL" "$BASE/country" | grep -q 'id="provinces"' || { echo "the national board did not render" >&2; exit 1; }
echo "== pages, wrk -c$CONNS -d${DURATION}s"
run province_dashboard "$HCMC" /areas/79
run district_dashboard "$THUDUC" /areas/769
run national_board "$NATIONAL" /country
echo "== a province's lists, search and exports"
DISTRICT=769 CONNS="$CONNS" DURATION="$DURATION" scripts/bench-lists.sh "$BASE" "$HCMC" "$SERVER"

