#!/usr/bin/env bash
# The board's PostgreSQL time alone (issue 13, target 1): `vungxanh
# bench-board` on a private cluster (BENCH_DATA_DIR, default var/bench, as
# left by scripts/bench.sh), with every statement's duration logged for the
# run, then each kind of board's bind + execute read back from the
# cluster's log: what PostgreSQL spent, without the transfer and the
# decoding into Rust that bench-board's "statement" figure includes.
# BIN picks another build (to compare two versions on the same data).
set -euo pipefail
cd "$(dirname "$0")/.."
export VX_DATA_DIR="${BENCH_DATA_DIR:-var/bench}"
BIN="${BIN:-target/release/vungxanh}"
N="${N:-50}"
LOG="$VX_DATA_DIR/pg-run/postgres.log"
DATABASE_URL="$($BIN db start --database vungxanh_bench)"
export DATABASE_URL
# Connections and caches warm first (right after a start, autoprewarm is
# still filling PostgreSQL's cache and the figures mean little).
$BIN bench-board --area 01 --n 30 >/dev/null
logging() { # set … = 0 | reset …: every statement's duration in the log, or not
  psql "$DATABASE_URL" -qAtc "alter system $1" -c "select pg_reload_conf()" >/dev/null
}
trap 'logging "reset log_min_duration_statement"' EXIT
logging "set log_min_duration_statement = 0"
from=$(wc -l < "$LOG")
$BIN bench-board --area 01 --n "$N" | sed 's/; freshness.*//'
logging "reset log_min_duration_statement"
# A yardstick of the machine's speed in the same minutes: this VM's CPU
# was seen running at half its speed for a quarter of an hour and more.
yard=$(psql "$DATABASE_URL" -qAtc "explain (analyze, timing off, summary on) select sum(i) from generate_series(1, 2000000) i" | sed -n 's/Execution Time: //p')
echo "yardstick: summing 2,000,000 integers took $yard (compare runs by it)"
# bench-board computes whole, after cases, after facts, after the rest, in turn.
tail -n +"$((from + 1))" "$LOG" | grep -a 'with k as materialized' | python3 -c '
import re, statistics, sys
names = ["whole", "after a case", "after a shift report", "after a daily report"]
times, bind, i = {n: [] for n in names}, 0.0, 0
for line in sys.stdin:
    m = re.search(r"duration: ([\d.]+) ms  (bind|execute)", line)
    if not m:
        continue
    if m.group(2) == "bind":
        bind = float(m.group(1))
    else:
        times[names[i % 4]].append(bind + float(m.group(1)))
        i += 1
for n in names:
    v = times[n]
    if v:
        print(f"PostgreSQL alone, city board {n}: median {statistics.median(v):.2f} ms, lowest {min(v):.2f} ms ({len(v)} runs)")
'
