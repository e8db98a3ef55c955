#!/usr/bin/env bash
# Installs what Vùng Xanh needs from the OS packages when it is missing:
# PostgreSQL's server programs (and, with --browser, Chromium and its driver;
# with --failover, pg_auto_failover for the failover tests).
set -euo pipefail

need_pg=1
if [ -n "${VX_PG_BINDIR:-}" ] && [ -x "$VX_PG_BINDIR/initdb" ]; then need_pg=0; fi
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need_pg=0; fi
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then need_pg=0; fi

pkgs=()
[ "$need_pg" = 1 ] && pkgs+=(postgresql)
for arg in "$@"; do
  case "$arg" in
  --browser)
    command -v chromium >/dev/null 2>&1 || pkgs+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || pkgs+=(chromium-driver)
    # The briefing's PDF is read back (pages, text) by the browser test.
    command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
    ;;
  --failover)
    if ! command -v pg_autoctl >/dev/null 2>&1; then
      # The extension is built per PostgreSQL major version: the installed one's.
      major="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)"
      pkgs+=("postgresql-${major:-15}-auto-failover" pg-auto-failover-cli)
    fi
    ;;
  esac
done
[ ${#pkgs[@]} -eq 0 ] && exit 0

echo "Installing from the OS packages: ${pkgs[*]}" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install ${pkgs[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
# The Debian package may start a system cluster of its own; ours runs privately
# and does not need it.
