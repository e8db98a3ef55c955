#!/usr/bin/env bash
# Property-based API tests: schemathesis (from PyPI) generates requests from
# /api/v1/openapi.json — its examples, then generated data, then stateful
# sequences that follow the document's links (create → show → edit) so the
# requests reach real records — and fails on any 5xx, on an answer that does
# not match its documented schema, status or content type, and on a record
# that a create announced but a show cannot find. Seeded, so a run is repeatable.
# Needs the private cluster of scripts/test.sh (or DATABASE_URL) and a built binary.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${VX_BIN:-target/debug/vungxanh}"
VENV="${VX_VENV:-var/venv}"
PORT="${ST_PORT:-8190}"
BASE="http://127.0.0.1:$PORT"

if [ ! -x "$VENV/bin/st" ]; then
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi

export DATABASE_URL="$($BIN db start --database vungxanh_schemathesis)"
$BIN migrate >/dev/null
$BIN areas import data/hanoi_areas.csv >/dev/null
PASS="schemathesis-$$-password"
# A district account for the records, an administrator for what only an
# administrator may do (departments, accounts): each operation is run as
# someone allowed to, so answers are not only 403.
for who in "st_district district 020" "st_admin admin 01"; do
  set -- $who
  echo "$PASS" | $BIN user set-password --username "$1" >/dev/null 2>&1 \
    || echo "$PASS" | $BIN user create --username "$1" --role "$2" --area "$3" >/dev/null
done

VX_LISTEN="127.0.0.1:$PORT" VX_LOG=warn VX_SIGNIN_MAX_FAILURES=1000 $BIN serve &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.2; done
token() {
  curl -s -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$PASS\"}" "$BASE/api/v1/auth/token" \
    | sed 's/.*"token":"\([^"]*\)".*/\1/'
}

# Generated codes and ids are mapped to ones the account may use (see the
# hooks). ST_REPORT=/tmp/st keeps each pass's requests as a HAR file.
st() {
  ST_BASE="$BASE/api/v1" ST_TOKEN="$TOKEN" SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=scripts \
  "$VENV/bin/st" run "$BASE/api/v1/openapi.json" --url "$BASE/api/v1" \
    --phases examples,coverage,fuzzing,stateful \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,ensure_resource_availability \
    --max-examples "${ST_EXAMPLES:-25}" --seed 1 ${ST_REPORT:+--report har --report-har-path "$ST_REPORT.$TOKEN_OF.har"} "$@"
}

# Revoking the token would end the run early, so that one operation is left out.
ADMIN_ONLY='^/(units|users)'
echo "-- as a district" >&2
TOKEN_OF=district TOKEN=$(token st_district)
st -H "Authorization: Bearer $TOKEN" --exclude-path /auth/token \
  --exclude-operation-id postUnits --exclude-operation-id patchUnitsById --exclude-operation-id postUsers
echo "-- as an administrator: departments and accounts" >&2
TOKEN_OF=admin TOKEN=$(token st_admin)
st -H "Authorization: Bearer $TOKEN" --include-path-regex "$ADMIN_ONLY"
