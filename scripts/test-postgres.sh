#!/usr/bin/env bash
# The data-layer tests (every test file that uses useTestDatabase) again on PostgreSQL.
# Brings what they need: Debian's PostgreSQL when it is missing, its cluster started, and a
# test role that may create databases (each test file makes and drops its own). Prints the URL
# it used; RIG_TEST_POSTGRES_URL set beforehand means "use this server" and skips the set-up.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

if [ -z "${RIG_TEST_POSTGRES_URL:-}" ]; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "test-postgres: installing Debian's postgresql" >&2
    as_root apt-get update -qq && as_root apt-get install -y -qq postgresql >/dev/null
  fi
  cluster="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 }')"
  port="$(pg_lsclusters --no-header | awk 'NR == 1 { print $3 }')"
  if ! pg_lsclusters --no-header | awk 'NR == 1 { exit ($4 == "online") ? 0 : 1 }'; then
    echo "test-postgres: starting PostgreSQL cluster $cluster" >&2
    as_root pg_ctlcluster $cluster start
  fi
  as_postgres "psql -qAt -p $port -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rig_test') THEN CREATE ROLE rig_test LOGIN CREATEDB PASSWORD 'rig_test'; END IF; END \\\$\\\$;\""
  export RIG_TEST_POSTGRES_URL="postgres://rig_test:rig_test@127.0.0.1:$port/postgres"
fi
echo "test-postgres: data-layer tests on ${RIG_TEST_POSTGRES_URL%%:*}://…@${RIG_TEST_POSTGRES_URL##*@}"
mapfile -t files < <(grep -rlE --include="*.test.ts" "useTestDatabase\(\)|RIG_TEST_POSTGRES_URL" lib app bin scripts | sort)
exec npx vitest run "$@" "${files[@]}"
