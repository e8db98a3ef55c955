#!/usr/bin/env bash
# Contacts at city scale (issue 26): on the synthetic Hà Nội of
# scripts/bench.sh (1,000,000 cases, ten F1 each: 10,000,000 contacts,
# loaded first if missing), the city board's PostgreSQL cost with the
# contact figures in it, and the contact pages under wrk: the commune's and
# the district's list for today, the city's and a commune's contact list.
# Prints the figures; BENCHMARKS.md keeps them with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${BENCH_DURATION:-15}"
CONNS="${BENCH_CONNECTIONS:-32}"
PORT="${BENCH_PORT:-8182}"
BASE="http://127.0.0.1:$PORT"

BENCH_LOAD_ONLY=1 scripts/bench.sh
export VX_DATA_DIR="${BENCH_DATA_DIR:-var/bench}"
BIN=target/release/vungxanh
DATABASE_URL="$($BIN db start --database vungxanh_bench)"
export DATABASE_URL
echo "data: $(psql "$DATABASE_URL" -Atc "select format('%s cases, %s contacts (%s held today), database %s',
  (select count(*) from cases), (select count(*) from contacts),
  (select count(*) from contacts where status = 'quarantined'), pg_size_pretty(pg_database_size(current_database())))")"

$BIN migrate >/dev/null
echo "== the board's PostgreSQL work, contact figures included"
scripts/bench-board-pg.sh
# The same board without the contact facts (set aside and put back): what
# contacts add to the board's cost, on the same data in the same minutes.
FACTS="('f1_site', 'f1_home', 'f1_traced', 'f1_traced_24h', 'f0_held')"
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 \
  -c "create table bench_aside_facts as select * from area_facts where fact in $FACTS" \
  -c "create table bench_aside_totals as select * from area_fact_totals where fact in $FACTS" \
  -c "delete from area_facts where fact in $FACTS" -c "delete from area_fact_totals where fact in $FACTS" \
  -c "vacuum analyze area_facts, area_fact_totals"
put_back() {
  psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 \
    -c "insert into area_facts select * from bench_aside_facts" \
    -c "insert into area_fact_totals select * from bench_aside_totals" \
    -c "drop table bench_aside_facts, bench_aside_totals" -c "vacuum analyze area_facts, area_fact_totals"
}
trap put_back EXIT
echo "== the same board without the contact facts"
scripts/bench-board-pg.sh
put_back
trap - EXIT

PASS="bench-password-$$"
OUT="$(mktemp -d)"
source scripts/bench-lib.sh
bench_accounts "bench_city city 01" "bench_district district 020" "bench_commune commune 00682"
start_server
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; $BIN db stop' EXIT
CITY=$(cookie_for bench_city)
DISTRICT=$(cookie_for bench_district)
COMMUNE=$(cookie_for bench_commune)
n_today=$(curl -s -H "Cookie: $COMMUNE" "$BASE/contacts/today" | grep -c 'class="due"' || true)
echo "Liên Ninh's list for today: $n_today rows"
echo "== contact pages, wrk -c$CONNS -d${DURATION}s"
run commune_list_for_today "$COMMUNE" /contacts/today
run district_list_for_today "$DISTRICT" /contacts/today
run city_contact_list "$CITY" /contacts
run commune_contact_list "$COMMUNE" /contacts
run city_board "$CITY" /areas/01
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d)"
