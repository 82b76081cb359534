#!/usr/bin/env bash
# `make loadtest` (docs/load-test.md): on a fresh PostgreSQL database, the load-test world; two gunicorn application
# processes and a Celery worker sharing it and Redis; LOAD_USERS browser-like users (locust, headless) for
# LOAD_TIME; then the check that the database holds exactly what the users did. Exits non-zero on any server
# error, unexpected answer or mismatch.
#
# Loopback only. Everything this script starts is stopped when it ends, however it ends (the trap below).
#
#   LOAD_USERS=50 LOAD_TIME=3m LOAD_SPAWN_RATE=2   how many users, for how long, started how fast (per second)
#   LOAD_DB=studios_load LOAD_PG=postgres://postgres@127.0.0.1:5432   the database (dropped and created again)
#   LOAD_REDIS_URL=redis://127.0.0.1:6379/9   broker and cache (this Redis database is emptied first)
#   LOAD_PORTS="8101 8102" LOAD_WORKERS=2       one gunicorn process per port, with this many workers each
#   LOAD_OUT=test-artifacts/loadtest/<time>     where the world, ledger, logs, figures and report go
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${LOAD_USERS:-50}
RUN_TIME=${LOAD_TIME:-3m}
SPAWN_RATE=${LOAD_SPAWN_RATE:-2}
DB_NAME=${LOAD_DB:-studios_load}
PG_SERVER=${LOAD_PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/9}
read -r -a PORTS <<< "${LOAD_PORTS:-8101 8102}"
WORKERS=${LOAD_WORKERS:-2}
RUN=${LOAD_OUT:-test-artifacts/loadtest/$(date +%Y%m%d-%H%M%S)}
PY=.venv/bin/python
BIN=.venv/bin

case "$DB_NAME" in studios|studios_ci) echo "LOAD_DB must be a database of its own, not $DB_NAME"; exit 2;; esac
# shellcheck source=loadtest/servers.sh
. loadtest/servers.sh
require_loopback "$PG_SERVER" "$REDIS"
MINUTES=$($PY -c 'import re,sys; t=sys.argv[1]; parts=re.findall(r"(\d+)([hms])", t)
assert parts and "".join(n+u for n,u in parts)==t, "LOAD_TIME like 90s, 3m or 1h30m"
print(sum(int(n)*{"h":60,"m":1,"s":1/60}[u] for n,u in parts))' "$RUN_TIME")

mkdir -p "$RUN/ledger" "$RUN/mail" "$RUN/media"
exec > >(tee -a "$RUN/runner.log") 2>&1
RUN_ABS=$(cd "$RUN" && pwd)
HOSTS=$(printf 'http://127.0.0.1:%s,' "${PORTS[@]}"); HOSTS=${HOSTS%,}

# The second factor stays on: the municipal staff and experts enter TOTP codes from keys the world's manifest holds.
production_env "$PG_SERVER/$DB_NAME" "$REDIS"
# Personal data is encrypted at rest (README "Personal data"); production processes refuse to start without keys.
export FIELD_ENCRYPTION_KEYS="$($PY -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export FIELD_INDEX_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(48))')"

echo "== [${SECONDS}s] load test: $USERS users for $RUN_TIME against ${PORTS[*]}, results in $RUN"
echo "== [${SECONDS}s] PostgreSQL $DB_NAME: created anew, migrated; Redis ${REDIS##*/}: emptied"
$PY - "$PG_SERVER" "$DB_NAME" "$REDIS" <<'PY'
import sys
import psycopg
import redis
server, name, redis_url = sys.argv[1:]
with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
redis.Redis.from_url(redis_url, socket_connect_timeout=5).flushdb()
PY
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0

echo "== [${SECONDS}s] the world (loadtest/prepare.py)"
# Prepared without the broker: its notices are sent at once (to nowhere) and never reach the run's worker.
env -u REDIS_URL EMAIL_URL=dummymail:// $PY -m loadtest.prepare --out "$RUN/world.json" --users "$USERS" \
  --minutes "$MINUTES" 2> "$RUN/prepare.log" || { tail -20 "$RUN/prepare.log"; echo "FAIL: the world"; exit 1; }
$PY -m loadtest.check snapshot --out "$RUN/before.json"

echo "== [${SECONDS}s] starting a Celery worker and ${#PORTS[@]} gunicorn processes of $WORKERS workers"
start_celery loadtest
for port in "${PORTS[@]}"; do start_gunicorn "$port" "$WORKERS"; done

echo "== [${SECONDS}s] locust: $USERS users, $SPAWN_RATE started per second, for $RUN_TIME"
{ echo "users: $USERS"; echo "run time: $RUN_TIME"; echo "spawn rate: $SPAWN_RATE per second"
  echo "application processes: ${#PORTS[@]} (ports ${PORTS[*]}), $WORKERS gunicorn sync workers each"
  echo "started: $(date -Is)"; echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$RUN/run.txt"
locust_status=0
LOAD_WORLD="$RUN/world.json" LOAD_LEDGER="$RUN/ledger" LOAD_RESULTS="$RUN" LOAD_HOSTS="$HOSTS" \
  $BIN/locust -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" \
  --run-time "$RUN_TIME" --stop-timeout 60 --csv "$RUN/locust" --only-summary \
  --loglevel WARNING --logfile "$RUN/locust.log" > "$RUN/locust-summary.txt" 2>&1 &
PIDS+=($!)
wait "${PIDS[-1]}" || locust_status=$?
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/run.txt"

echo "== [${SECONDS}s] waiting for the worker to send every notice, then stopping the servers"
drain_status=0
$PY -m loadtest.check drain --timeout 120 || drain_status=$?
# CPU seconds each of our processes used (with its children: the gunicorn workers), to read the figures by
{ printf 'CPU seconds used: locust %s' "$(cat "$RUN/locust_cpu.txt" 2>/dev/null || echo '?')"
  names=(celery "${PORTS[@]/#/gunicorn-}")
  for i in "${!names[@]}"; do
    printf ', %s %s' "${names[$i]}" "$(ps -o times= --pid "${PIDS[$i]}" --ppid "${PIDS[$i]}" | awk '{s+=$1} END {print s+0}')"
  done; echo; } >> "$RUN/run.txt"
stop_all

echo "== [${SECONDS}s] checking (loadtest/check.py)"
check_status=0
$PY -m loadtest.check verify --run "$RUN" || check_status=$?
echo "== [${SECONDS}s] report: $RUN/report.md (locust exit $locust_status, drain $drain_status, check $check_status)"
[ "$locust_status" = 0 ] && [ "$drain_status" = 0 ] && [ "$check_status" = 0 ]
