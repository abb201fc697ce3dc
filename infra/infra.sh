#!/usr/bin/env bash
# Installs (Debian packages) and starts PostgreSQL 15 and RabbitMQ 3.10 on this machine, then applies the
# project's broker policy and creates one database per service. Idempotent: when everything already runs it
# takes about a second and changes nothing.
#
# There is no Docker engine on the machines this runs on, and apt does not start services here
# (policy-rc.d), so we start each server ourselves and wait for it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_VERSION=15
PG_PORT="${ENGAGE_PG_PORT:-5432}"
PG_PASSWORD="${ENGAGE_PG_PASSWORD:-engage}"
PG_USER="${ENGAGE_PG_USER:-engage}"
DATABASES=(engage_surgeries engage_messaging engage_profiles engage_plans)
RABBIT_USER="${ENGAGE_RABBIT_USER:-engage}"
RABBIT_PASSWORD="${ENGAGE_RABBIT_PASSWORD:-engage}"

log() { printf '[infra] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

install_packages() {
  local missing=()
  dpkg -s "postgresql-$PG_VERSION" >/dev/null 2>&1 || missing+=("postgresql-$PG_VERSION" postgresql-client-$PG_VERSION)
  dpkg -s rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  dpkg -s python3-aiosmtpd >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
  dpkg -s curl >/dev/null 2>&1 || missing+=(curl)
  dpkg -s openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

start_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    log "starting PostgreSQL $PG_VERSION"
    if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$PG_VERSION main$"; then
      as_root pg_createcluster "$PG_VERSION" main --port "$PG_PORT" >/dev/null
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start || true
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.5; done
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { log "PostgreSQL did not start"; exit 1; }
  fi
  # Tests create a database per test class, and the event store's readers rely on this setting being
  # allowed per session; max_connections is raised because each service keeps a pool and tests run in parallel.
  local current
  current=$(as_postgres psql -p "$PG_PORT" -tAc "show max_connections")
  if [ "$current" -lt 300 ]; then
    log "raising max_connections to 300 (restart)"
    as_postgres psql -p "$PG_PORT" -qc "alter system set max_connections = 300" >/dev/null
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main restart
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.5; done
  fi
  as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA >/dev/null <<SQL
SET client_min_messages TO warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
-- Tests drop their databases WITH (FORCE), which must be allowed to end sessions such as autovacuum workers.
GRANT pg_signal_backend TO $PG_USER;
SQL
  for db in "${DATABASES[@]}"; do
    if [ -z "$(as_postgres psql -p "$PG_PORT" -tAc "select 1 from pg_database where datname = '$db'")" ]; then
      log "creating database $db"
      as_postgres createdb -p "$PG_PORT" -O "$PG_USER" "$db"
    fi
  done
}

rabbit_ready() { as_root rabbitmqctl -q await_startup --timeout 2 >/dev/null 2>&1; }

start_rabbitmq() {
  if ! rabbit_ready; then
    log "starting RabbitMQ"
    if ! pgrep -f 'beam.*rabbit' >/dev/null; then
      as_root rabbitmq-server -detached >/dev/null 2>&1 || true
    fi
    # await_startup exits 69 until the node has registered with epmd, so retry rather than trust one call.
    for _ in $(seq 1 90); do rabbit_ready && break; sleep 1; done
    rabbit_ready || { log "RabbitMQ did not start"; exit 1; }
  fi
  if ! as_root rabbitmq-plugins -q list -e -m 2>/dev/null | grep -qx rabbitmq_management; then
    log "enabling the management plugin"
    as_root rabbitmq-plugins -q enable rabbitmq_management >/dev/null
  fi
  if ! as_root rabbitmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx "$RABBIT_USER"; then
    log "creating RabbitMQ user $RABBIT_USER"
    as_root rabbitmqctl -q add_user "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
    as_root rabbitmqctl -q set_user_tags "$RABBIT_USER" administrator >/dev/null
    as_root rabbitmqctl -q set_permissions -p / "$RABBIT_USER" '.*' '.*' '.*' >/dev/null
  fi
  # RabbitMQ 3.10 sets no delivery limit on quorum queues, so a poison message would be redelivered forever.
  # The policy caps redeliveries; MassTransit moves what still fails to the queue's _error queue first.
  as_root rabbitmqctl -q set_policy --apply-to queues engage-delivery-limit '.*' '{"delivery-limit": 20}' >/dev/null
}

stop_all() {
  log "stopping RabbitMQ and PostgreSQL"
  as_root rabbitmqctl -q stop >/dev/null 2>&1 || true
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop >/dev/null 2>&1 || true
}

case "${1:-up}" in
  up) install_packages; start_postgres; start_rabbitmq; log "PostgreSQL on :$PG_PORT, RabbitMQ on :5672 (management :15672)" ;;
  down) stop_all ;;
  *) echo "usage: infra.sh [up|down]" >&2; exit 2 ;;
esac
