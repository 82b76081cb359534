#!/usr/bin/env bash
# `make bench` (docs/performance.md, "Benchmark"): each page of bench/pages.py measured under gunicorn against the
# seeded PostgreSQL and Redis, beside its limit, then the mixed workload, then the mixed workload with one and
# with two application processes; the report compares the ratios with bench/baseline.json.
#
# Loopback only. Everything this script starts is stopped when it ends, however it ends (loadtest/servers.sh).
#
#   BENCH_SCALE=100000      studios seeded (seed_demo --scale; a rerun on a seeded database adds nothing)
#   BENCH_DB=studios_bench BENCH_PG=postgres://postgres@127.0.0.1:5432   the database (created if missing, kept)
#   BENCH_REDIS_URL=redis://127.0.0.1:6379/14   broker, cache and sessions' neighbour (emptied first)
#   BENCH_USERS=20 BENCH_SECONDS=30   users at once, and the length of each phase (a working-users phase: twice)
#   BENCH_WORKERS=4         sync workers of the application process the pages are measured on
#   BENCH_SCALE_WORKERS=1   sync workers of each of the one, then two, processes of the scale-out phases
#   BENCH_PORTS="8201 8202" BENCH_POOL=10000 BENCH_PAGES="key ..." (a subset, for a quick look)
#   BENCH_OUT=test-artifacts/bench/<time>   BENCH_SAVE_BASELINE=1 writes this run's ratios to bench/baseline.json
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${BENCH_SCALE:-100000}
DB_NAME=${BENCH_DB:-studios_bench}
PG_SERVER=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}
USERS=${BENCH_USERS:-20}
PHASE_SECONDS=${BENCH_SECONDS:-30}
WORKERS=${BENCH_WORKERS:-4}
SCALE_WORKERS=${BENCH_SCALE_WORKERS:-1}
read -r -a PORTS <<< "${BENCH_PORTS:-8201 8202}"
RUN=${BENCH_OUT:-test-artifacts/bench/$(date +%Y%m%d-%H%M%S)}
PY=${BENCH_PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")

case "$DB_NAME" in studios|studios_ci|studios_main) echo "BENCH_DB must be a database of its own, not $DB_NAME"; exit 2;; esac
# shellcheck source=loadtest/servers.sh
. loadtest/servers.sh
require_loopback "$PG_SERVER" "$REDIS"

mkdir -p "$RUN/phases" "$RUN/mail" "$RUN/media"
exec > >(tee -a "$RUN/runner.log") 2>&1
RUN_ABS=$(cd "$RUN" && pwd)

echo "== [${SECONDS}s] PostgreSQL $DB_NAME (created if missing), migrated, seeded with --scale $SCALE"
$PY - "$PG_SERVER" "$DB_NAME" "$REDIS" <<'PY'
import sys
import psycopg
import redis
server, name, redis_url = sys.argv[1:]
with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
redis.Redis.from_url(redis_url, socket_connect_timeout=5).flushdb()
PY
# Seeded as `make run` seeds (DEBUG: the development keys encrypt the personal data); served with production
# settings below, given those same keys so that the pages read what the seed wrote.
DATABASE_URL="$PG_SERVER/$DB_NAME" DEBUG=true $PY manage.py migrate --noinput -v0
DATABASE_URL="$PG_SERVER/$DB_NAME" DEBUG=true EMAIL_URL=dummymail:// $PY manage.py seed_demo --scale "$SCALE" -v0
read -r FIELD_ENCRYPTION_KEYS FIELD_INDEX_KEY < <(DEBUG=true DJANGO_SETTINGS_MODULE=config.settings $PY -c 'from django.conf import settings as s
import django; django.setup(); print(s.FIELD_ENCRYPTION_KEYS[0], s.FIELD_INDEX_KEY)' 2>/dev/null)
export FIELD_ENCRYPTION_KEYS FIELD_INDEX_KEY DJANGO_SETTINGS_MODULE=config.settings

production_env "$PG_SERVER/$DB_NAME" "$REDIS"
# Every search and export comes from the same few accounts: their per-account limits would answer 429.
export RATE_LIMIT_SEARCHES=1000000 RATE_LIMIT_EXPORTS=1000000 BENCH_LIMIT_VIEWS=1
$PY manage.py collectstatic --noinput -v0

echo "== [${SECONDS}s] what the users request (bench/prepare.py)"
$PY -m bench.prepare --out "$RUN/world.json" --users "$USERS" --pool "${BENCH_POOL:-10000}"

$PY - "$RUN/meta.json" "$SCALE" "$USERS" "$PHASE_SECONDS" "$WORKERS" "$SCALE_WORKERS" <<'PY'
import datetime, json, os, platform, subprocess, sys
out, scale, users, seconds, workers, scale_workers = sys.argv[1:]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
json.dump({"started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "commit": commit + (" (with uncommitted changes)" if dirty else ""),
           "machine": f"{os.cpu_count()} CPUs ({cpu}), {platform.platform()}, Python {platform.python_version()}",
           "studios": int(scale), "users": int(users), "phase seconds": int(seconds),
           "workers of the measured process": int(workers), "workers per process when scaling out": int(scale_workers),
           "load average at the start": open("/proc/loadavg").read().split()[:3]},
          open(out, "w"), ensure_ascii=False, indent=1)
PY

phase() {  # phase NAME BENCH_PHASE HOSTS [SECONDS]: USERS users for PHASE_SECONDS, figures in phases/NAME_*
  local name=$1 what=$2 hosts=$3 seconds=${4:-$PHASE_SECONDS}
  echo "== [${SECONDS}s] phase $name ($what)"
  $PY -m bench.prepare --out "$RUN/world.json" --users "$USERS" --sessions
  BENCH_WORLD="$RUN/world.json" BENCH_PHASE="$what" BENCH_HOSTS="$hosts" BENCH_CURSOR="$RUN/pool-cursor.txt" \
    $BIN/locust -f bench/locustfile.py --headless --users "$USERS" --spawn-rate "$USERS" \
    --run-time "${seconds}s" --stop-timeout 10 --csv "$RUN/phases/$name" --only-summary \
    --loglevel WARNING --logfile "$RUN/phases/$name.log" > "$RUN/phases/$name.txt" 2>&1 || true
}
host() { echo "http://127.0.0.1:$1"; }

echo "== [${SECONDS}s] a Celery worker and one application process of $WORKERS sync workers"
start_celery bench
start_gunicorn "${PORTS[0]}" "$WORKERS"
MEASURED=${PIDS[-1]}
KEYS=${BENCH_PAGES:-$($PY -c 'from bench.pages import PAGES; print(" ".join(p.key for p in PAGES))')}
for key in $KEYS; do
  phase "page-$key" "page:$key" "$(host "${PORTS[0]}")"
  phase "limit-$key" "limit:$key" "$(host "${PORTS[0]}")"
  # Users who pause to read ask for about a tenth as many pages: twice as long, for enough of them to rank
  phase "users-$key" "users:$key" "$(host "${PORTS[0]}")" $((2 * PHASE_SECONDS))
done
phase mixed mixed "$(host "${PORTS[0]}")"
stop_processes "$MEASURED"

echo "== [${SECONDS}s] scale-out: the mixed workload on one, then two processes of $SCALE_WORKERS workers"
start_gunicorn "${PORTS[0]}" "$SCALE_WORKERS"
phase scale-1 mixed "$(host "${PORTS[0]}")"
start_gunicorn "${PORTS[1]}" "$SCALE_WORKERS"
phase scale-2 mixed "$(host "${PORTS[0]}"),$(host "${PORTS[1]}")"
stop_all

# What the transitions did, for the report to set beside what locust counted as done
$PY -m bench.prepare --out "$RUN/world.json" --reviewed > "$RUN/reviewed.txt"

echo "== [${SECONDS}s] report: $RUN/report.md"
$PY -m bench.report --run "$RUN" $([ "${BENCH_SAVE_BASELINE:-0}" = 1 ] && echo --save-baseline)
