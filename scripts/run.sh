#!/usr/bin/env bash
# Runs the dashboard: PostgreSQL installed if missing, a private cluster
# under var/ (unless DATABASE_URL is set), migrations, the Hà Nội demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# Queries are checked against .sqlx/: the build needs no database.
export SQLX_OFFLINE=true
exec cargo run --locked --release -- serve --demo "$@"
