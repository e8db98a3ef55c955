#!/usr/bin/env bash
# The national case of DESIGN §9 (issue 28): the 63 provinces' 2021 trees in
# one database, a synthetic country of $CASES cases (11,000,000) shared among
# them as 2021's confirmed cases were (data/covid_cases_2021_by_province.csv),
# then each province's board timed (PostgreSQL's part, as bench-board reads it).
# Prints the figures for BENCHMARKS.md. Takes ~15 min and ~5 GB under var/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${CASES:-11000000}"
BIN=target/release/vungxanh
SQLX_OFFLINE=true cargo build --release --locked --quiet --bin vungxanh
export VX_DATA_DIR="${BENCH_DATA_DIR:-var/bench}" VX_WAL_ARCHIVE=false
url="$($BIN db start --database vungxanh_country)"
admin="$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/postgres")))' "$url")"
psql "$admin" -q -c "drop database if exists vungxanh_country" -c "create database vungxanh_country"
export DATABASE_URL="$url"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
start=$(date +%s)
$BIN migrate >/dev/null
$BIN areas import data/vietnam_2021_areas.csv
$BIN synth-country --cases "$CASES"
echo "== loaded in $(( $(date +%s) - start )) s (tree, cases, rollups, analyze)"
psql "$url" -Atc "select format('%s provinces, %s areas, %s cases, database %s',
  (select count(*) from areas where level = 'city'), (select count(*) from areas),
  (select count(*) from cases), pg_size_pretty(pg_database_size(current_database())))"
# The largest province, Hà Nội, a middling one and the smallest by cases.
small="$(psql "$url" -Atc "select city_code from cases group by city_code order by count(*) limit 1")"
mid="$(psql "$url" -Atc "select city_code from cases group by city_code order by count(*) offset 31 limit 1")"
$BIN bench-board --n 30 --area 79 --area 74 --area 01 --area "$mid" --area "$small" --area 769
