#!/usr/bin/env bash
# Run the development server (uvicorn, ASGI) and a Celery worker in the foreground.
# Each runs in its own process group; Ctrl-C (or either one exiting) stops both.
set -euo pipefail

cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-customs_portal.settings.local}"
export PYTHONUNBUFFERED=1

host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"
bin=.venv/bin

pids=()

stop_all() {
    trap - INT TERM EXIT
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 20); do
        local alive=0
        for pid in "${pids[@]}"; do
            if kill -0 -- "-$pid" 2>/dev/null; then
                alive=1
            fi
        done
        [ "$alive" -eq 0 ] && return 0
        sleep 0.5
    done
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
}

trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# setsid: a new process group per program, so the whole tree (uvicorn, the Celery
# pool's children) is signalled at once.
# --no-proxy-headers: no X-Forwarded-For is believed but from TRUSTED_PROXIES (customs_portal.client_address).
DB_POOL=true setsid "$bin/uvicorn" customs_portal.asgi:application --host "$host" --port "$port" --lifespan off --no-proxy-headers &
pids+=($!)
mkdir -p var
DB_CONN_MAX_AGE=60 setsid "$bin/celery" -A customs_portal worker -B -s var/celerybeat-schedule -l info -Q default,risk,payments,batch &
pids+=($!)

echo "run_dev: portal on http://$host:$port/ (uvicorn pid ${pids[0]}, celery pid ${pids[1]}); Ctrl-C stops both"

status=0
wait -n || status=$?
echo "run_dev: a process exited (status $status); stopping the other" >&2
exit "$status"
