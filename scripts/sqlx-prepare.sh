#!/usr/bin/env bash
# The query data sqlx's macros check against (.sqlx/), regenerated from the
# migrations: a fresh database is built from migrations/*.sql, every query
# macro is expanded against it, and the data is written to .sqlx/ — or,
# with --check, compared with .sqlx/ so that a stale copy fails `make test`.
# Builds read .sqlx/ (SQLX_OFFLINE=true) and need no database.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-write}"

if [ -z "${DATABASE_URL:-}" ]; then
  # The private cluster; any build of the program can start it (the queries
  # being regenerated may not compile offline yet).
  export VX_DATA_DIR="${VX_DATA_DIR:-var/test}"
  export VX_WAL_ARCHIVE="${VX_WAL_ARCHIVE:-false}"
  bin=target/debug/vungxanh
  [ -x "$bin" ] || SQLX_OFFLINE=true cargo build --quiet --locked --bin vungxanh
  server="$("$bin" db start --database vungxanh_test)"
else
  server="$DATABASE_URL"
fi
url="$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/vungxanh_queries")))' "$server")"
psql "$server" -q -v ON_ERROR_STOP=1 -c "drop database if exists vungxanh_queries" -c "create database vungxanh_queries" >/dev/null
for m in migrations/*.sql; do
  psql "$url" -q -v ON_ERROR_STOP=1 -f "$m" >/dev/null
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Touching the crate makes cargo expand every macro again.
touch src/lib.rs
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$out" DATABASE_URL="$url" cargo check --quiet --locked --lib

if [ "$mode" = "--check" ]; then
  if ! diff -r -q .sqlx "$out" >/dev/null; then
    diff -r -q .sqlx "$out" >&2 || true
    echo "error: .sqlx/ is stale: run scripts/sqlx-prepare.sh and commit .sqlx/" >&2
    exit 1
  fi
  echo ".sqlx/ matches the queries and the migrations" >&2
else
  rm -rf .sqlx
  mkdir .sqlx
  cp "$out"/*.json .sqlx/
  echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/" >&2
fi
