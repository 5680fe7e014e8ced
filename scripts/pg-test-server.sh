#!/usr/bin/env bash
# A throw-away PostgreSQL 15 with PostGIS for the tests (docs/postgis.md, "The throw-away
# PostgreSQL of the tests").
#
#   scripts/pg-test-server.sh start DIR   initdb + start; writes DIR/url (a libpq URI)
#   scripts/pg-test-server.sh standby DIR PRIMARY_DIR
#                                         a hot standby of the server started in PRIMARY_DIR
#                                         (pg_basebackup, streaming replication); writes DIR/url
#   scripts/pg-test-server.sh stop DIR    stops the server and removes its files
#
# The cluster lives in a fresh folder under ${ROOTZONE_PG_TMP:-/tmp} (the socket path must stay
# under 107 bytes, and a build folder may be too deep or not reachable by the server's user),
# listens on no TCP port, only on a Unix socket in that folder, and trusts local connections:
# nothing outside this machine's users can reach it, and the folder is mode 0700.
# postgres refuses to run as root, so as root (CI) the server runs as the system user
# rootzone-test, created when missing; otherwise as the calling user.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 64
}
[[ $# -eq 2 || ($# -eq 3 && $1 == standby) ]] || usage
action=$1
dir=$2
primary_dir=${3:-}
pg_bin=${ROOTZONE_PG_BIN:-/usr/lib/postgresql/15/bin}
test_user=rootzone-test
role=rootzone  # the cluster's superuser, the role the tests connect as

fail() {
  echo "pg-test-server: $*" >&2
  exit 1
}

# Runs a PostgreSQL program as the server's user, from / (initdb and pg_ctl stop when they
# cannot read the current folder, which a build folder of root's may be).
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u "$test_user" -- "$@")
  else
    "$@"
  fi
}

stop_cluster() {
  local data=$1
  if [[ -f $data/cluster/postmaster.pid ]]; then
    as_server_user "$pg_bin/pg_ctl" stop -D "$data/cluster" -m fast -w -t 30 >/dev/null 2>&1 ||
      as_server_user "$pg_bin/pg_ctl" stop -D "$data/cluster" -m immediate -w -t 10 >/dev/null 2>&1 ||
      true
  fi
  rm -rf -- "$data"
}

stop() {
  if [[ -f $dir/data ]]; then
    local data
    data=$(<"$dir/data")
    # Only ever remove a folder this script made.
    [[ $data == */rootzone-pg.* ]] && stop_cluster "$data"
  fi
  rm -f -- "$dir/data" "$dir/url"
}

start() {
  [[ -x $pg_bin/initdb && -x $pg_bin/pg_ctl ]] ||
    fail "no PostgreSQL 15 in $pg_bin: install postgresql-15 (scripts/setup-debian.sh)"
  [[ -f /usr/share/postgresql/15/extension/postgis.control ]] ||
    fail "no PostGIS for PostgreSQL 15: install postgresql-15-postgis-3 (scripts/setup-debian.sh)"
  mkdir -p -- "$dir"
  stop  # a server left over by a run that was killed
  if [[ $(id -u) -eq 0 ]] && ! id -u "$test_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      "$test_user" || fail "cannot create the system user $test_user"
  fi

  local data
  data=$(mktemp -d "${ROOTZONE_PG_TMP:-/tmp}/rootzone-pg.XXXXXX") ||
    fail "cannot make a folder in ${ROOTZONE_PG_TMP:-/tmp}"
  echo "$data" >"$dir/data"
  # From here on, a failure stops whatever started and removes the folder.
  trap 'status=$?; if ((status != 0)); then
          [[ -f $data/server.log ]] && tail -n 20 "$data/server.log" >&2
          stop_cluster "$data"; rm -f -- "$dir/data" "$dir/url"; fi' EXIT
  if [[ $(id -u) -eq 0 ]]; then chown "$test_user:" "$data"; fi
  chmod 0700 "$data"
  as_server_user test -w "$data" ||
    fail "$data is not writable by $(as_server_user id -un): set ROOTZONE_PG_TMP to a folder it can reach"

  as_server_user "$pg_bin/initdb" -D "$data/cluster" -U "$role" --auth=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$data/initdb.log" 2>&1 ||
    fail "initdb failed: $(tail -n 5 "$data/initdb.log")"
  # Throw-away data: no durability, so the tests do not wait for fsync. WAL kept for 256 MB: a
  # standby's base backup (`standby` below) streams from the backup's start, and under the
  # WAL of tests running beside it a checkpoint removed that segment before the stream began
  # ("requested WAL segment ... has already been removed", seen once in a full run).
  as_server_user "$pg_bin/pg_ctl" start -D "$data/cluster" -w -t 30 -l "$data/server.log" \
    -o "-c listen_addresses='' -c unix_socket_directories='$data' -c port=5432 \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_connections=100 -c wal_keep_size=256MB" >/dev/null ||
    fail "the server did not start in 30 s; the end of its log:"
  # PostGIS must load in this server, or every test would fail on its own. The database that
  # proves it is the template of the tests' stores (tests/support/test_store.hpp): a copy is
  # ready at once, where CREATE EXTENSION in every fresh database would cost 0.3 s each.
  as_server_user "$pg_bin/psql" -X -q -h "$data" -U "$role" -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE rz_template_postgis" >/dev/null 2>"$data/psql.err" ||
    fail "cannot create the template database: $(cat "$data/psql.err")"
  as_server_user "$pg_bin/psql" -X -q -h "$data" -U "$role" -d rz_template_postgis \
    -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" >/dev/null 2>"$data/psql.err" ||
    fail "PostGIS does not load: $(cat "$data/psql.err")"
  echo "postgresql:///postgres?host=$data&user=$role" >"$dir/url"
  trap - EXIT
  echo "pg-test-server: PostgreSQL 15 with PostGIS on $data (socket)"
}

# A hot standby of the primary in PRIMARY_DIR: a base backup over the primary's socket (initdb
# lets local replication connections in), recovery settings written by -R, then started on its
# own socket. Reads only; it replays the primary's WAL as it streams.
standby() {
  [[ -f $primary_dir/data ]] || fail "no server started in $primary_dir"
  local primary_data
  primary_data=$(<"$primary_dir/data")
  mkdir -p -- "$dir"
  stop
  local data
  data=$(mktemp -d "${ROOTZONE_PG_TMP:-/tmp}/rootzone-pg.XXXXXX") ||
    fail "cannot make a folder in ${ROOTZONE_PG_TMP:-/tmp}"
  echo "$data" >"$dir/data"
  trap 'status=$?; if ((status != 0)); then
          [[ -f $data/server.log ]] && tail -n 20 "$data/server.log" >&2
          stop_cluster "$data"; rm -f -- "$dir/data" "$dir/url"; fi' EXIT
  if [[ $(id -u) -eq 0 ]]; then chown "$test_user:" "$data"; fi
  chmod 0700 "$data"
  as_server_user "$pg_bin/pg_basebackup" -h "$primary_data" -U "$role" -D "$data/cluster" -R \
    -X stream --checkpoint=fast --no-sync >"$data/basebackup.log" 2>&1 ||
    fail "pg_basebackup failed: $(tail -n 5 "$data/basebackup.log")"
  as_server_user "$pg_bin/pg_ctl" start -D "$data/cluster" -w -t 30 -l "$data/server.log" \
    -o "-c listen_addresses='' -c unix_socket_directories='$data' -c port=5432 \
        -c fsync=off -c full_page_writes=off -c max_connections=100 -c hot_standby=on" \
    >/dev/null || fail "the standby did not start in 30 s; the end of its log:"
  echo "postgresql:///postgres?host=$data&user=$role" >"$dir/url"
  trap - EXIT
  echo "pg-test-server: hot standby of $primary_data on $data (socket)"
}

case $action in
  start) start ;;
  standby) standby ;;
  stop) stop ;;
  *) usage ;;
esac
