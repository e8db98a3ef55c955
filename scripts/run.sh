#!/usr/bin/env bash
# Runs the dashboard: PostgreSQL installed if missing, a private cluster
# under var/ (unless DATABASE_URL is set), migrations, the Hà Nội demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec cargo run --locked --release -- serve --demo "$@"
