#!/usr/bin/env bash
# pg_auto_failover on one machine, for tests and trials: a monitor, a primary
# and a synchronous standby, each a cluster of its own on a port of its own
# (deploy/failover/README.md has the same on three machines).
#
#   failover-cluster.sh up DIR MONITOR_PORT PORT1 PORT2   set up and start; returns when
#                                                        one node is primary and the other
#                                                        its synchronous standby
#   failover-cluster.sh urls DIR                         the app's database URL (both hosts)
#   failover-cluster.sh kill-primary DIR                 SIGKILL the primary's whole node
#                                                        (keeper and PostgreSQL): a lost machine
#   failover-cluster.sh freeze-monitor DIR | thaw-monitor DIR   stop / resume the monitor
#   failover-cluster.sh state DIR                        pg_autoctl show state
#   failover-cluster.sh down DIR                         stop everything and delete DIR
#
# Needs Debian's postgresql-15-auto-failover and pg-auto-failover-cli
# (scripts/bootstrap.sh installs them). As root, the clusters run as the
# postgres user, since PostgreSQL refuses to run as root.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cmd="${1:?usage: see the top of $0}"
dir="${2:?a folder}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
export PATH="$bin:$PATH"

as_owner() {
  local env=(env "PATH=$PATH" "XDG_CONFIG_HOME=$dir/config" "XDG_DATA_HOME=$dir/share")
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "${env[@]}" "$@"; else "${env[@]}" "$@"; fi
}

port_of() { cat "$dir/$1.port"; }

sql() { # PORT DB SQL
  psql -X -q -tA "postgres://postgres@localhost:$1/$2?connect_timeout=2" -c "$3"
}

# Every process under a node's keeper, the keeper first.
tree() { echo "$1"; local c; for c in $(pgrep -P "$1" || true); do tree "$c"; done; }
keeper() { pgrep -xf "pg_autoctl run --pgdata $dir/$1" || true; }

case "$cmd" in
up)
  mport="${3:?monitor port}"; p1="${4:?port of node 1}"; p2="${5:?port of node 2}"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  echo "$mport" > "$dir/monitor.port"; echo "$p1" > "$dir/node1.port"; echo "$p2" > "$dir/node2.port"
  as_owner pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$mport" \
    --hostname localhost --auth trust --no-ssl > "$dir/monitor.log" 2>&1
  as_owner nohup pg_autoctl run --pgdata "$dir/monitor" >> "$dir/monitor.log" 2>&1 &
  for i in $(seq 1 100); do sql "$mport" pg_auto_failover "select 1" >/dev/null 2>&1 && break; sleep 0.1; done
  psql -X -q -v ON_ERROR_STOP=1 "postgres://postgres@localhost:$mport/pg_auto_failover" \
    -f "$here/deploy/failover/monitor-settings.sql" >/dev/null
  monitor="postgres://autoctl_node@localhost:$mport/pg_auto_failover?sslmode=disable"
  for n in 1 2; do
    p="$(port_of node$n)"
    # Node 2 is created once node 1 is the primary, so it joins as its standby.
    as_owner pg_autoctl create postgres --pgdata "$dir/node$n" --pgport "$p" --hostname localhost \
      --auth trust --no-ssl --pg-hba-lan --monitor "$monitor" --dbname vungxanh --name "node$n" \
      > "$dir/node$n.log" 2>&1
    as_owner nohup pg_autoctl run --pgdata "$dir/node$n" >> "$dir/node$n.log" 2>&1 &
    for i in $(seq 1 600); do
      [ "$(sql "$p" vungxanh "select 1" 2>/dev/null)" = 1 ] && break; sleep 0.1
    done
  done
  # Ready when the primary's standby is synchronous and streaming.
  for i in $(seq 1 1200); do
    s="$(sql "$p1" vungxanh "select count(*) from pg_stat_replication where sync_state in ('sync','quorum') and state = 'streaming'" 2>/dev/null || true)"
    [ "$s" = 1 ] && exit 0
    sleep 0.1
  done
  echo "the standby did not become synchronous; see $dir/*.log" >&2; exit 1
  ;;
urls)
  echo "postgres://postgres@localhost:$(port_of node1),localhost:$(port_of node2)/vungxanh?target_session_attrs=read-write"
  ;;
kill-primary)
  for n in node1 node2; do
    if [ "$(sql "$(port_of $n)" vungxanh "select pg_is_in_recovery()" 2>/dev/null)" = f ]; then
      k="$(keeper $n)"; [ -n "$k" ] || { echo "no keeper for $n" >&2; exit 1; }
      # All at once: a keeper left alive would restart its PostgreSQL.
      kill -9 $(tree "$k")
      echo "$n"; exit 0
    fi
  done
  echo "no primary to kill" >&2; exit 1
  ;;
freeze-monitor|thaw-monitor)
  k="$(keeper monitor)"; sig=STOP; [ "$cmd" = thaw-monitor ] && sig=CONT
  kill -$sig $(tree "$k")
  ;;
state)
  as_owner pg_autoctl show state --pgdata "$dir/monitor"
  ;;
down)
  for n in node1 node2 monitor; do
    k="$(keeper $n)"; [ -n "$k" ] && kill -CONT $(tree "$k") 2>/dev/null || true
    [ -d "$dir/$n" ] && as_owner pg_autoctl stop --pgdata "$dir/$n" --immediate >/dev/null 2>&1 || true
  done
  for n in node1 node2 monitor; do
    k="$(keeper $n)"; [ -n "$k" ] && kill -9 $(tree "$k") 2>/dev/null || true
    pkill -9 -f -- "-D $dir/$n " 2>/dev/null || true
  done
  rm -rf "$dir"
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
