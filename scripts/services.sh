#!/usr/bin/env bash
# Development services for linkbook's scale-out mode: PostgreSQL (the store) and Redis (the job
# queue), both on loopback only, their data in .linkbook/services/. Usage:
#   scripts/services.sh start|stop|status
# `start` prints the LINKBOOK_STORE and REDIS_URL to export. Ports: LINKBOOK_PG_PORT (55432) and
# LINKBOOK_REDIS_PORT (56379). PostgreSQL refuses to run as root, so as root it runs as the
# `postgres` user (created by the Debian package) in a folder that user owns.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.linkbook/services"
pg_port="${LINKBOOK_PG_PORT:-55432}"
redis_port="${LINKBOOK_REDIS_PORT:-56379}"
pg_data="$dir/postgres"
redis_dir="$dir/redis"

pg_bin() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] && [ -x "$found/$1" ] || { echo "$1 not found: run scripts/system-deps.sh" >&2; exit 1; }
  echo "$found/$1"
}
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$dir" "$redis_dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    as_pg "$(pg_bin initdb)" -D "$pg_data" -U linkbook --auth=trust -E UTF8 >/dev/null
  fi
  if ! as_pg "$(pg_bin pg_ctl)" -D "$pg_data" status >/dev/null 2>&1; then
    as_pg "$(pg_bin pg_ctl)" -D "$pg_data" -o "-p $pg_port -k $dir -h 127.0.0.1" -l "$dir/postgres.log" -w start >/dev/null
  fi
  # trust auth on loopback only; the database is created once
  if ! psql_exists; then
    as_pg "$(pg_bin createdb)" -h 127.0.0.1 -p "$pg_port" -U linkbook linkbook
  fi
  if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" --daemonize yes \
      --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" --appendonly yes >/dev/null
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export LINKBOOK_STORE=postgres://linkbook@127.0.0.1:$pg_port/linkbook"
  echo "export REDIS_URL=redis://127.0.0.1:$redis_port"
}

psql_exists() {
  as_pg "$(pg_bin psql 2>/dev/null || echo psql)" -h 127.0.0.1 -p "$pg_port" -U linkbook -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'linkbook'" 2>/dev/null | grep 1 >/dev/null
}

stop() {
  if [ -f "$pg_data/PG_VERSION" ]; then
    as_pg "$(pg_bin pg_ctl)" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  redis-cli -h 127.0.0.1 -p "$redis_port" shutdown >/dev/null 2>&1 || true
  echo "stopped (data kept in $dir)"
}

status() {
  local rc=0
  if [ -f "$pg_data/PG_VERSION" ] && as_pg "$(pg_bin pg_ctl)" -D "$pg_data" status >/dev/null 2>&1; then
    echo "postgres: running, LINKBOOK_STORE=postgres://linkbook@127.0.0.1:$pg_port/linkbook"
  else
    echo "postgres: stopped"; rc=1
  fi
  if redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
    echo "redis:    running, REDIS_URL=redis://127.0.0.1:$redis_port"
  else
    echo "redis:    stopped"; rc=1
  fi
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/services.sh start|stop|status" >&2; exit 2 ;;
esac
