#!/usr/bin/env bash
# Stops a server started by scripts/pg/start.sh and removes its directory (safe to call twice).
set -euo pipefail
dir="${1:?usage: scripts/pg/stop.sh <dir printed by start.sh>}"
case "$dir" in /tmp/margin-ltv-pg.*) ;; *) echo "not a directory made by scripts/pg/start.sh: $dir" >&2; exit 1 ;; esac
[[ -d "$dir" ]] || exit 0
bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [[ -f "$dir/data/postmaster.pid" ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
fi
rm -rf "$dir"
