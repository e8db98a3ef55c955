#!/usr/bin/env bash
# The query data sqlx's macros check against (.sqlx/), regenerated from the
# migrations: a database of the private cluster (or DATABASE_URL's server)
# is migrated, every query macro is expanded against it, and the data is
# written to .sqlx/ — or, with --check, compared with .sqlx/ so that a stale
# copy fails the build. Builds elsewhere read .sqlx/ (SQLX_OFFLINE=true) and
# need no database.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-write}"

if [ -z "${DATABASE_URL:-}" ]; then
  export VX_DATA_DIR="${VX_DATA_DIR:-var/test}"
  url="$(SQLX_OFFLINE=true cargo run --quiet --locked -- db start --database vungxanh_queries)"
else
  # Same server, a database of its own.
  url="$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/vungxanh_queries")))' "$DATABASE_URL")"
  psql "$DATABASE_URL" -qc "create database vungxanh_queries" >/dev/null 2>&1 || true
fi
SQLX_OFFLINE=true DATABASE_URL="$url" cargo run --quiet --locked -- migrate

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
