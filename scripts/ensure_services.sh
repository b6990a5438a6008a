#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start them only when they don't.
# Idempotent: running it with both services up does nothing.
set -euo pipefail

HOST_ADDR=127.0.0.1
PG_PORT=5432
REDIS_PORT=6379

wait_for() {
    local what=$1; shift
    for _ in $(seq 1 30); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    echo "ensure_services: $what did not come up within 30 s" >&2
    return 1
}

redis_answers() {
    [ "$(redis-cli -h "$HOST_ADDR" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

if ! pg_isready -q -h "$HOST_ADDR" -p "$PG_PORT"; then
    echo "ensure_services: starting PostgreSQL"
    pg_version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
    wait_for PostgreSQL pg_isready -q -h "$HOST_ADDR" -p "$PG_PORT"
fi

if ! redis_answers; then
    echo "ensure_services: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
    wait_for Redis redis_answers
fi
