# Shared by the benchmark scripts (sourced, not run): signing in and one wrk
# run. Needs BASE (the server), PASS (the accounts' password), CONNS and
# DURATION; OUT, a folder for wrk's reports.

# The session cookie ("vx_session=…") of USERNAME, signed in with the form.
cookie_for() { # username
  local jar csrf
  jar="$(mktemp)"
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/sign-in" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "username=$1" --data-urlencode "password=$PASS" "$BASE/sign-in"
  awk '$6 == "vx_session" { print "vx_session=" $7 }' "$jar"
  rm -f "$jar"
}

# wrk at CONNS connections for DURATION seconds; prints median, p99,
# requests/s and the answers that were not 2xx.
run() { # name cookie path
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Cookie: $2" "$BASE$3" > "$OUT/$1.txt"
  awk -v n="$1" '/^ +50%/{m=$2} /^ +99%/{p=$2} /^Requests\/sec/{r=$2} /Non-2xx/{e=$NF} END{printf "%-26s median %-9s p99 %-9s %9s req/s  non-2xx %s\n", n, m, p, r, (e==""?0:e)}' "$OUT/$1.txt"
}

# Creates each "username role area" account with PASS, or sets PASS as its
# password where it exists already.
bench_accounts() { # "username role area"...
  local u
  for u in "$@"; do
    set -- $u
    if ! echo "$PASS" | "$BIN" user set-password --username "$1" >/dev/null 2>&1; then
      echo "$PASS" | "$BIN" user create --username "$1" --role "$2" --area "$3" >/dev/null
    fi
  done
}

# Starts BIN's server on BASE (any VX_ setting exported first holds) and
# waits until it answers ready; SERVER is its process.
start_server() {
  VX_LISTEN="${BASE#http://}" VX_DB_MAX_CONNECTIONS=40 VX_SIGNIN_MAX_FAILURES=1000 VX_LOG=warn "$BIN" serve &
  SERVER=$!
  for _ in $(seq 1 300); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.2; done
}
