# Shared by `make loadtest` (loadtest/run.sh) and `make bench` (bench/run.sh): production settings for a run on
# loopback, starting gunicorn and a Celery worker, and stopping every process the run started, however it ends.
# Source it after setting RUN (the run's folder) and PY/BIN (the virtualenv's python and bin folder).

require_loopback() {  # require_loopback URL...: PostgreSQL and Redis must be on this machine
  local url
  for url in "$@"; do
    case "$url" in *@127.*|*//127.*|*@localhost[:/]*|*//localhost[:/]*) ;; *) echo "loopback only: $url"; exit 2;; esac
  done
}

# Production settings (config/settings.py) with what a loopback test needs: plain HTTP (TLS is the proxy's, so no
# HTTPS redirect and no Secure cookies), a key of its own, and the search limit raised — anonymous visitors are
# counted per address and every synthetic visitor comes from 127.0.0.1.
production_env() {  # production_env DATABASE_URL REDIS_URL: the caller sets FIELD_ENCRYPTION_KEYS, FIELD_INDEX_KEY
  export DJANGO_SETTINGS_MODULE=config.settings
  export DATABASE_URL="$1" REDIS_URL="$2"
  export DEBUG=false HTTPS=false ALLOWED_HOSTS=127.0.0.1 CONN_MAX_AGE=60 LOG_LEVEL=WARNING
  export SECRET_KEY="${SECRET_KEY_FOR_RUN:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}"
  export MEDIA_ROOT="$RUN_ABS/media" EMAIL_URL="filemail:///$RUN_ABS/mail" RATE_LIMIT_SEARCHES=600
  unset OTP_REQUIRED_ROLES CONTENT_SECURITY_POLICY BEHIND_PROXY
}

PIDS=()
stop_processes() {  # stop_processes PID...: TERM, up to 30 s to finish, then KILL; forgets them
  local pid alive
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 30); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
  local left=()
  for pid in "${PIDS[@]}"; do [[ " $* " == *" $pid "* ]] || left+=("$pid"); done
  PIDS=("${left[@]}")
}
stop_all() {  # every process this run started, by its id
  [ "${#PIDS[@]}" = 0 ] || stop_processes "${PIDS[@]}"
}
trap stop_all EXIT
trap 'echo "== interrupted: stopping what this run started"; exit 130' INT TERM

wait_until() {  # wait_until SECONDS WHAT COMMAND...: polls COMMAND once a second
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "FAIL: $what did not come up within ${seconds}s (see $RUN)"; exit 1
}

start_celery() {  # start_celery NAME: one solo worker, logging to $RUN/celery.log
  $BIN/celery -A config worker --pool=solo -Q celery,documents -l INFO -n "$1@%h" --without-gossip --without-mingle \
    > "$RUN/celery.log" 2>&1 &
  PIDS+=($!)
  wait_until 60 "the Celery worker" grep -q "ready\." "$RUN/celery.log"
}

start_gunicorn() {  # start_gunicorn PORT WORKERS: sync workers on 127.0.0.1:PORT, up once /healthz answers
  local port=$1 workers=$2
  $BIN/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" --timeout 60 --no-control-socket \
    --access-logfile "$RUN/gunicorn-$port.access.log" --access-logformat '%(s)s %(M)s "%(r)s" %(b)s' \
    --error-logfile "$RUN/gunicorn-$port.error.log" --capture-output >> "$RUN/gunicorn-$port.error.log" 2>&1 &
  PIDS+=($!)
  wait_until 60 "gunicorn on $port" curl -sf "http://127.0.0.1:$port/healthz"
}
